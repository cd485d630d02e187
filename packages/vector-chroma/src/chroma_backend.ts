import { ChromaClient, type Collection, type Metadata, type Where } from 'chromadb';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import {
  clampScore,
  type BackendCapabilities,
  type BackendHit,
  type BackendRecord,
  type BackendSearchOptions,
  type CollectionSpec,
  type FilterNode,
  type VectorBackend,
  type VectorBackendOptions,
} from '@engram/vector-core';
import { checkCollection, checkDimension, chromaName, collectionMetadata, contextCollectionName } from './chroma_collection.js';
import { chromaError, isNotFound } from './chroma_errors.js';
import { scopedWhere, translateFilter, type ChromaWhere } from './chroma_filter.js';
import { decodeMetadata, encodeMetadata, recordId } from './chroma_metadata.js';
import { resolveChromaOptions, type ChromaBackendOptions, type ResolvedChromaOptions } from './chroma_options.js';

/** Ids per read page when counting or clearing a context. */
const PAGE = 5_000;

/**
 * Chroma server backend. By default one Chroma collection per embedding space (`CollectionSpec`),
 * the context a metadata field (`engram:ctx`) that every read, search and delete ANDs at the top
 * of its `where`; `collectionPerContext` gives chosen (or all) contexts a collection of their own.
 * Scores are `1 - cosine distance`, clamped to [-1, 1].
 */
export class ChromaBackend implements VectorBackend {
  readonly name = 'chroma';
  readonly capabilities: BackendCapabilities = { persistent: true, exact: false };
  readonly #options: ResolvedChromaOptions;
  readonly #secrets: string[];
  readonly #client: ChromaClient;
  readonly #collections = new Map<string, Promise<Collection>>();
  #maxBatch: Promise<number> | undefined;
  #closed = false;
  readonly #counters = { upserted: 0, searches: 0, deleted: 0 };

  constructor(options: ChromaBackendOptions = {}) {
    const { url, apiKey, ...rest } = options;
    this.#options = resolveChromaOptions({ apiUrl: url, apiKey, backendOptions: rest as Record<string, unknown> });
    this.#secrets = Object.values(this.#options.headers).flatMap((v) => [v, v.replace(/^Bearer /, '')]);
    this.#client = new ChromaClient({
      host: this.#options.host,
      port: this.#options.port,
      ssl: this.#options.ssl,
      tenant: this.#options.tenant,
      database: this.#options.database,
      headers: this.#options.headers,
    });
  }

  #checkOpen(): void {
    if (this.#closed) throw new MemoryError(ErrorCode.CLOSED, 'this chroma backend is closed; create a new VectorStore');
  }

  async #call<T>(action: string, run: () => Promise<T>): Promise<T> {
    this.#checkOpen();
    try {
      return await run();
    } catch (error) {
      throw chromaError(error, action, this.#options.displayUrl, this.#secrets);
    }
  }

  #dedicated(contextId: string): boolean {
    const per = this.#options.collectionPerContext;
    return per === true || (per !== false && per.has(contextId));
  }

  /**
   * The `where` for one context: `false` when nothing can match, `undefined` for no condition.
   * A context with a collection of its own needs no context condition (its collection name is a
   * 128-bit hash of the context, and hits are checked anyway): Chroma 1.0 pays for a where in
   * proportion to the rows it matches, which for a large tenant costs ~10x in QPS (see README).
   */
  #where(contextId: string, filter?: FilterNode): ChromaWhere | undefined | false {
    if (!this.#dedicated(contextId)) return scopedWhere(contextId, filter) ?? false;
    const translated = filter ? translateFilter(filter) : true;
    return translated === true ? undefined : translated;
  }

  /** The shared collection, or the context's own one. */
  #collectionName(spec: CollectionSpec, contextId: string | undefined): string {
    const base = chromaName(spec.name);
    return contextId === undefined || !this.#dedicated(contextId) ? base : contextCollectionName(base, contextId);
  }

  /** The Chroma collection, created when `create` is set; undefined when it does not exist (nothing stored yet). */
  async #collection(spec: CollectionSpec, name: string, create: boolean): Promise<Collection | undefined> {
    const cached = this.#collections.get(name);
    if (cached) return cached;
    let pending: Promise<Collection>;
    if (create) {
      pending = this.#call('opening a collection', () =>
        this.#client.getOrCreateCollection({
          name,
          configuration: { hnsw: { space: 'cosine', ...this.#options.hnsw } },
          metadata: collectionMetadata(spec),
          embeddingFunction: null,
        }),
      );
    } else {
      const found = await this.#call('opening a collection', async () => {
        try {
          return await this.#client.getCollection({ name, embeddingFunction: undefined });
        } catch (error) {
          if (isNotFound(error)) return undefined;
          throw error;
        }
      });
      if (!found) return undefined;
      pending = Promise.resolve(found);
    }
    const checked = pending.then((collection) => {
      checkCollection(collection, spec);
      return collection;
    });
    this.#collections.set(name, checked);
    checked.catch(() => this.#collections.delete(name));
    return checked;
  }

  #maxBatchSize(): Promise<number> {
    this.#maxBatch ??= this.#call('reading the max batch size', () => this.#client.getMaxBatchSize()).catch((error: unknown) => {
      this.#maxBatch = undefined;
      throw error;
    });
    return this.#maxBatch;
  }

  async #batchSize(): Promise<number> {
    return Math.max(1, Math.min(this.#options.batchSize, await this.#maxBatchSize()));
  }

  async open(collection: CollectionSpec): Promise<void> {
    this.#checkOpen();
    if (this.#options.collectionPerContext === true) {
      // Context collections are created on first write; still fail fast when the server is unreachable.
      await this.#call('checking the server', () => this.#client.heartbeat());
      return;
    }
    await this.#collection(collection, chromaName(collection.name), true);
  }

  async upsert(collection: CollectionSpec, contextId: string, records: readonly BackendRecord[]): Promise<void> {
    this.#checkOpen();
    for (const r of records) checkDimension(r.vector, collection, 'vector');
    if (records.length === 0) return;
    // Chroma refuses a batch that names an id twice; the last write wins, as it would one by one.
    const byId = new Map<string, BackendRecord>();
    for (const r of records) byId.set(r.id, r);
    const unique = [...byId.values()];
    const target = (await this.#collection(collection, this.#collectionName(collection, contextId), true)) as Collection;
    const size = await this.#batchSize();
    for (let start = 0; start < unique.length; start += size) {
      const batch = unique.slice(start, start + size);
      await this.#call('upserting vectors', () =>
        target.upsert({
          ids: batch.map((r) => recordId(contextId, r.id)),
          embeddings: batch.map((r) => Array.from(r.vector)),
          metadatas: batch.map((r) => encodeMetadata(contextId, r.id, r.metadata) as Metadata),
        }),
      );
      this.#counters.upserted += batch.length;
    }
  }

  async search(collection: CollectionSpec, contextId: string, query: Float32Array, options: BackendSearchOptions): Promise<BackendHit[]> {
    this.#checkOpen();
    checkDimension(query, collection, 'query');
    const where = this.#where(contextId, options.filter);
    if (where === false) return [];
    const target = await this.#collection(collection, this.#collectionName(collection, contextId), false);
    if (!target) return [];
    this.#counters.searches++;
    const result = await this.#call('searching', () =>
      target.query({
        queryEmbeddings: [Array.from(query)],
        nResults: options.k,
        where: where as Where | undefined,
        include: ['metadatas', 'distances'],
      }),
    );
    const ids = result.ids[0] ?? [];
    const hits: BackendHit[] = [];
    ids.forEach((_, i) => {
      const decoded = decodeMetadata(result.metadatas[0]?.[i] as Record<string, unknown> | null);
      const distance = result.distances[0]?.[i];
      // The where clause already scopes the context; checking again costs nothing and guards against a server bug.
      if (!decoded || decoded.contextId !== contextId || typeof distance !== 'number') return;
      hits.push({ id: decoded.id, score: clampScore(1 - distance), metadata: decoded.metadata });
    });
    return hits;
  }

  async delete(collection: CollectionSpec, contextId: string, ids: readonly string[]): Promise<number> {
    this.#checkOpen();
    const target = await this.#collection(collection, this.#collectionName(collection, contextId), false);
    if (!target || ids.length === 0) return 0;
    const size = await this.#batchSize();
    let removed = 0;
    for (let start = 0; start < ids.length; start += size) {
      const wanted = [...new Set(ids.slice(start, start + size).map((id) => recordId(contextId, id)))];
      // Chroma 1.0 does not report how many records a delete removed, so read what exists first. The
      // context is checked here rather than in a where: Chroma 1.0 answers ids + where in O(ids x rows).
      const found = await this.#call('deleting vectors', () => target.get({ ids: wanted, include: ['metadatas'] }));
      const doomed = found.ids.filter((_, i) => decodeMetadata(found.metadatas[i] as Record<string, unknown> | null)?.contextId === contextId);
      if (doomed.length === 0) continue;
      await this.#call('deleting vectors', () => target.delete({ ids: doomed }));
      removed += doomed.length;
    }
    this.#counters.deleted += removed;
    return removed;
  }

  async clear(collection: CollectionSpec, contextId?: string): Promise<number> {
    this.#checkOpen();
    if (contextId !== undefined) {
      const target = await this.#collection(collection, this.#collectionName(collection, contextId), false);
      return target ? this.#deleteMatching(target, this.#where(contextId) || undefined) : 0;
    }
    let removed = 0;
    for (const name of await this.#collectionNames(collection)) {
      const target = await this.#collection(collection, name, false);
      if (target) removed += await this.#deleteMatching(target, undefined);
    }
    return removed;
  }

  /** Deletes page by page so each request stays under the batch limit and the count is exact. */
  async #deleteMatching(target: Collection, where: ChromaWhere | undefined): Promise<number> {
    const size = Math.min(PAGE, await this.#batchSize());
    let removed = 0;
    while (true) {
      const page = await this.#call('clearing vectors', () => target.get({ where: where as Where | undefined, limit: size, include: [] }));
      if (page.ids.length === 0) break;
      await this.#call('clearing vectors', () => target.delete({ ids: page.ids }));
      removed += page.ids.length;
    }
    this.#counters.deleted += removed;
    return removed;
  }

  async count(collection: CollectionSpec, contextId?: string): Promise<number> {
    this.#checkOpen();
    if (contextId === undefined) {
      let total = 0;
      for (const name of await this.#collectionNames(collection)) {
        const target = await this.#collection(collection, name, false);
        if (target) total += await this.#call('counting vectors', () => target.count());
      }
      return total;
    }
    const target = await this.#collection(collection, this.#collectionName(collection, contextId), false);
    if (!target) return 0;
    const where = this.#where(contextId) || undefined;
    if (where === undefined) return this.#call('counting vectors', () => target.count());
    let total = 0;
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.#call('counting vectors', () => target.get({ where: where as Where, limit: PAGE, offset, include: [] }));
      total += page.ids.length;
      if (page.ids.length < PAGE) return total;
    }
  }

  /** The shared collection and every per-context collection of this embedding space. */
  async #collectionNames(spec: CollectionSpec): Promise<string[]> {
    const names = new Set<string>();
    const base = chromaName(spec.name);
    if (this.#options.collectionPerContext !== true) names.add(base);
    if (this.#options.collectionPerContext !== false) {
      const prefix = `${base}-ctx-`;
      for (let offset = 0; ; offset += 100) {
        const page = await this.#call('listing collections', () => this.#client.listCollections({ limit: 100, offset }));
        for (const c of page) if (c.name.startsWith(prefix)) names.add(c.name);
        if (page.length < 100) break;
      }
    }
    return [...names];
  }

  async stats(): Promise<Record<string, string | number | boolean | null>> {
    this.#checkOpen();
    const per = this.#options.collectionPerContext;
    return {
      server: this.#options.displayUrl,
      tenancy: per === true ? 'collection-per-context' : per === false ? 'shared-collection' : 'mixed',
      openCollections: this.#collections.size,
      upserted: this.#counters.upserted,
      searches: this.#counters.searches,
      deleted: this.#counters.deleted,
    };
  }

  async close(): Promise<void> {
    // The server owns durability: nothing to flush, only handles to drop.
    this.#closed = true;
    this.#collections.clear();
  }
}

/** `new VectorStore({ vectorDbType: 'chroma', apiUrl, apiKey, backendOptions })` calls this. */
export function createBackend(options: VectorBackendOptions = {}): ChromaBackend {
  const extra = (options.backendOptions ?? {}) as ChromaBackendOptions;
  return new ChromaBackend({ ...extra, url: options.apiUrl ?? extra.url, apiKey: options.apiKey ?? extra.apiKey });
}
