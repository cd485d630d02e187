import { QdrantClient } from '@qdrant/js-client-rest';
import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import type {
  BackendCapabilities,
  BackendHit,
  BackendRecord,
  BackendSearchOptions,
  CollectionSpec,
  VectorBackend,
  VectorBackendOptions,
} from '@engram/vector-core';
import { qdrantError } from './qdrant_errors.js';
import { resolveQdrantOptions, type QdrantBackendOptions, type ResolvedQdrantOptions } from './qdrant_options.js';
import {
  checkCollectionInfo,
  contextCollectionName,
  countRequest,
  createCollectionRequest,
  deleteByFilterRequest,
  deletePointsRequest,
  existingPointIds,
  hitsFromPoints,
  retrieveRequest,
  searchRequest,
  tenantIndexRequest,
  upsertRequests,
} from './qdrant_requests.js';

/** Ids per retrieve/delete request. */
const ID_BATCH = 1_000;

/**
 * Qdrant server backend, following Qdrant's multitenancy guide: by default one collection per
 * embedding space (`CollectionSpec`), the context a keyword payload field with a tenant index
 * that every search, count and delete puts in a top-level `must`; `collectionPerContext` gives
 * chosen (or all) contexts a collection of their own. Scores are Qdrant's cosine similarity.
 */
export class QdrantBackend implements VectorBackend {
  readonly name = 'qdrant';
  readonly capabilities: BackendCapabilities = { persistent: true, exact: false };
  readonly #options: ResolvedQdrantOptions;
  readonly #client: QdrantClient;
  /** Collections known to exist and checked, by name. */
  readonly #ready = new Map<string, Promise<void>>();
  #closed = false;
  readonly #counters = { upserted: 0, searches: 0, deleted: 0 };

  constructor(options: QdrantBackendOptions = {}) {
    const { url, apiKey, ...rest } = options;
    this.#options = resolveQdrantOptions({ apiUrl: url, apiKey, backendOptions: rest as Record<string, unknown> });
    this.#client = new QdrantClient({
      url: this.#options.url,
      prefix: this.#options.prefix,
      apiKey: this.#options.apiKey,
      timeout: this.#options.timeoutMs,
      // The check only prints a console warning; a mismatch that matters fails the first call anyway.
      checkCompatibility: false,
    });
  }

  #checkOpen(): void {
    if (this.#closed) throw new MemoryError(ErrorCode.CLOSED, 'this qdrant backend is closed; create a new VectorStore');
  }

  async #call<T>(action: string, run: () => Promise<T>): Promise<T> {
    this.#checkOpen();
    try {
      return await run();
    } catch (error) {
      throw qdrantError(error, action, this.#options.displayUrl, this.#options.apiKey ? [this.#options.apiKey] : []);
    }
  }

  #dedicated(contextId: string): boolean {
    const per = this.#options.collectionPerContext;
    return per === true || (per !== false && per.has(contextId));
  }

  #collectionName(spec: CollectionSpec, contextId: string | undefined): string {
    return contextId !== undefined && this.#dedicated(contextId) ? contextCollectionName(spec.name, contextId) : spec.name;
  }

  /**
   * Makes sure the collection exists and has our shape. With `create` false a missing collection
   * is not created (nothing was stored in it) and false is returned.
   */
  async #collection(spec: CollectionSpec, name: string, create: boolean): Promise<boolean> {
    const known = this.#ready.get(name);
    if (known) {
      await known;
      return true;
    }
    const { exists } = await this.#call('opening a collection', () => this.#client.collectionExists(name));
    if (!exists && !create) return false;
    const pending = this.#prepare(spec, name, exists);
    this.#ready.set(name, pending);
    pending.catch(() => this.#ready.delete(name));
    await pending;
    return true;
  }

  async #prepare(spec: CollectionSpec, name: string, exists: boolean): Promise<void> {
    if (!exists) {
      const shared = name === spec.name && this.#options.collectionPerContext !== true;
      try {
        await this.#call('creating a collection', () => this.#client.createCollection(name, createCollectionRequest(spec, this.#options.hnsw, shared)));
      } catch (error) {
        // Another process created it first: check it like any existing collection.
        const raced = error instanceof MemoryError && (error.details?.status === 409 || /already exists/i.test(String(error.cause)));
        if (!raced) throw error;
      }
    }
    const info = await this.#call('reading a collection', () => this.#client.getCollection(name));
    if (checkCollectionInfo(info, spec, name).needsTenantIndex) {
      await this.#call('creating the tenant index', () => this.#client.createPayloadIndex(name, tenantIndexRequest()));
    }
  }

  async open(collection: CollectionSpec): Promise<void> {
    this.#checkOpen();
    if (this.#options.collectionPerContext === true) {
      // Context collections are created on first write; still fail fast when the server is unreachable.
      await this.#call('checking the server', () => this.#client.getCollections());
      return;
    }
    await this.#collection(collection, collection.name, true);
  }

  async upsert(collection: CollectionSpec, contextId: string, records: readonly BackendRecord[]): Promise<void> {
    this.#checkOpen();
    for (const r of records) checkDimension(r.vector, collection, 'vector');
    if (records.length === 0) return;
    const name = this.#collectionName(collection, contextId);
    await this.#collection(collection, name, true);
    for (const request of upsertRequests(contextId, records, this.#options.batchSize)) {
      await this.#call('upserting vectors', () => this.#client.upsert(name, request));
      this.#counters.upserted += request.points.length;
    }
  }

  async search(collection: CollectionSpec, contextId: string, query: Float32Array, options: BackendSearchOptions): Promise<BackendHit[]> {
    this.#checkOpen();
    checkDimension(query, collection, 'query');
    const request = searchRequest(contextId, query, options.k, options.filter, this.#options.hnsw.efSearch);
    if (!request) return [];
    const name = this.#collectionName(collection, contextId);
    if (!(await this.#collection(collection, name, false))) return [];
    this.#counters.searches++;
    const result = await this.#call('searching', () => this.#client.query(name, request));
    return hitsFromPoints(result.points, contextId);
  }

  async delete(collection: CollectionSpec, contextId: string, ids: readonly string[]): Promise<number> {
    this.#checkOpen();
    const name = this.#collectionName(collection, contextId);
    if (ids.length === 0 || !(await this.#collection(collection, name, false))) return 0;
    let removed = 0;
    for (let start = 0; start < ids.length; start += ID_BATCH) {
      // Qdrant does not say how many points a delete removed, so read which exist first.
      const found = await this.#call('deleting vectors', () => this.#client.retrieve(name, retrieveRequest(contextId, ids.slice(start, start + ID_BATCH))));
      const doomed = existingPointIds(found, contextId);
      if (doomed.length === 0) continue;
      await this.#call('deleting vectors', () => this.#client.delete(name, deletePointsRequest(doomed)));
      removed += doomed.length;
    }
    this.#counters.deleted += removed;
    return removed;
  }

  async clear(collection: CollectionSpec, contextId?: string): Promise<number> {
    this.#checkOpen();
    const names = contextId === undefined ? await this.#collectionNames(collection) : [this.#collectionName(collection, contextId)];
    let removed = 0;
    for (const name of names) {
      if (!(await this.#collection(collection, name, false))) continue;
      const { count } = await this.#call('clearing vectors', () => this.#client.count(name, countRequest(contextId)));
      if (count === 0) continue;
      await this.#call('clearing vectors', () => this.#client.delete(name, deleteByFilterRequest(contextId)));
      removed += count;
    }
    this.#counters.deleted += removed;
    return removed;
  }

  async count(collection: CollectionSpec, contextId?: string): Promise<number> {
    this.#checkOpen();
    const names = contextId === undefined ? await this.#collectionNames(collection) : [this.#collectionName(collection, contextId)];
    let total = 0;
    for (const name of names) {
      if (!(await this.#collection(collection, name, false))) continue;
      total += (await this.#call('counting vectors', () => this.#client.count(name, countRequest(contextId)))).count;
    }
    return total;
  }

  /** The shared collection and every per-context collection of this embedding space. */
  async #collectionNames(spec: CollectionSpec): Promise<string[]> {
    const names = new Set<string>();
    if (this.#options.collectionPerContext !== true) names.add(spec.name);
    if (this.#options.collectionPerContext !== false) {
      const prefix = `${spec.name}-ctx-`;
      const { collections } = await this.#call('listing collections', () => this.#client.getCollections());
      for (const c of collections) if (c.name.startsWith(prefix)) names.add(c.name);
    }
    return [...names];
  }

  async stats(): Promise<Record<string, string | number | boolean | null>> {
    this.#checkOpen();
    const per = this.#options.collectionPerContext;
    return {
      server: this.#options.displayUrl,
      tenancy: per === true ? 'collection-per-context' : per === false ? 'shared-collection' : 'mixed',
      openCollections: this.#ready.size,
      upserted: this.#counters.upserted,
      searches: this.#counters.searches,
      deleted: this.#counters.deleted,
    };
  }

  async close(): Promise<void> {
    // The server owns durability: nothing to flush, only state to drop.
    this.#closed = true;
    this.#ready.clear();
  }
}

function checkDimension(vector: Float32Array, spec: CollectionSpec, field: string): void {
  if (vector.length !== spec.dimension) {
    throw invalidArgument(`${field} has ${vector.length} dimensions; collection "${spec.name}" holds ${spec.dimension}`, { field });
  }
}

/** `new VectorStore({ vectorDbType: 'qdrant', apiUrl, apiKey, backendOptions })` calls this. */
export function createBackend(options: VectorBackendOptions = {}): QdrantBackend {
  const extra = (options.backendOptions ?? {}) as QdrantBackendOptions;
  return new QdrantBackend({ ...extra, url: options.apiUrl ?? extra.url, apiKey: options.apiKey ?? extra.apiKey });
}
