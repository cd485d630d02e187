import { join } from 'node:path';
import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import {
  clampScore,
  type BackendCapabilities,
  type BackendHit,
  type BackendRecord,
  type BackendSearchOptions,
  type CollectionSpec,
  type StoredMetadata,
  type VectorBackend,
  type VectorBackendOptions,
} from '@engram/vector-core';
import { corrupt, readCollectionFile, writeCollectionFile } from './collection_file.js';
import { FaissContextIndex } from './context_index.js';
import { searchContext, type SearchPlan } from './context_search.js';
import { loadFaiss, type FaissModule } from './faiss_binding.js';

export interface FaissBackendOptions {
  /** Directory for one `<collection>.engram-faiss` file per collection; without it nothing is persisted. */
  storageDir?: string;
  /** An already loaded faiss-node module; by default it is imported on first use. */
  binding?: FaissModule;
}

export const FILE_SUFFIX = '.engram-faiss';
const COLLECTION_NAME = /^[a-z0-9][a-z0-9_]{0,62}$/;

interface Collection {
  spec: CollectionSpec;
  /** One IndexFlatIP per context: a search reads only its own context's rows. */
  contexts: Map<string, FaissContextIndex>;
  dirty: boolean;
}

/**
 * Exact cosine search on faiss IndexFlatIP (vectors are unit length, so inner product = cosine).
 * With `storageDir`, each collection loads from its file on first use and is written on
 * `persist()` and `close()` (temp file + fsync + rename); writes after the last persist are lost
 * if the process dies.
 */
export class FaissBackend implements VectorBackend {
  readonly name = 'faiss';
  readonly capabilities: BackendCapabilities;
  readonly #storageDir: string | undefined;
  #binding: Promise<FaissModule> | undefined;
  readonly #collections = new Map<string, Collection>();
  readonly #opening = new Map<string, Promise<Collection>>();
  #persisting: Promise<void> | undefined;
  #closed = false;
  readonly #plans: Record<SearchPlan, number> = { faiss: 0, 'index-scan': 0, 'filtered-scan': 0, 'over-fetch': 0 };
  #faissCalls = 0;

  constructor(options: FaissBackendOptions = {}) {
    this.#storageDir = options.storageDir;
    this.#binding = options.binding ? Promise.resolve(options.binding) : undefined;
    this.capabilities = { persistent: this.#storageDir !== undefined, exact: true };
  }

  #checkOpen(): void {
    if (this.#closed) throw new MemoryError(ErrorCode.CLOSED, 'this vector backend is closed; create a new VectorStore');
  }

  async #faiss(): Promise<FaissModule> {
    this.#checkOpen();
    this.#binding ??= loadFaiss();
    return this.#binding;
  }

  async #collection(spec: CollectionSpec): Promise<Collection> {
    const faiss = await this.#faiss();
    let collection = this.#collections.get(spec.name);
    if (!collection) {
      let opening = this.#opening.get(spec.name);
      if (!opening) {
        opening = this.#load(faiss, spec).finally(() => this.#opening.delete(spec.name));
        this.#opening.set(spec.name, opening);
      }
      collection = await opening;
    }
    this.#checkOpen();
    if (collection.spec.dimension !== spec.dimension) {
      throw new MemoryError(
        ErrorCode.CONFIG_ERROR,
        `collection "${spec.name}" holds ${collection.spec.dimension}-dimensional vectors but this store embeds ${spec.dimension}; ` +
          'use the embedder the collection was built with, or another collection name',
        { details: { collection: spec.name, expected: collection.spec.dimension, actual: spec.dimension } },
      );
    }
    return collection;
  }

  #file(name: string): string | undefined {
    return this.#storageDir === undefined ? undefined : join(this.#storageDir, `${name}${FILE_SUFFIX}`);
  }

  async #load(faiss: FaissModule, spec: CollectionSpec): Promise<Collection> {
    if (!COLLECTION_NAME.test(spec.name)) {
      throw new MemoryError(ErrorCode.CONFIG_ERROR, 'collection names are 1-63 lowercase letters, digits and "_"; VectorStore derives a valid one');
    }
    const file = this.#file(spec.name);
    const loaded = file ? await readCollectionFile(file) : undefined;
    const contexts = new Map<string, FaissContextIndex>();
    let stored = { name: spec.name, model: spec.model, dimension: spec.dimension };
    if (loaded && file) {
      if (loaded.name !== spec.name) throw corrupt(file, 'it belongs to another collection');
      stored = { name: loaded.name, model: loaded.model, dimension: loaded.dimension };
      for (const ctx of loaded.contexts) {
        try {
          contexts.set(ctx.contextId, FaissContextIndex.fromBlock(faiss, loaded.dimension, ctx.ids, ctx.metadata, ctx.block));
        } catch (error) {
          throw corrupt(file, (error as Error).message, error);
        }
      }
    }
    const collection: Collection = { spec: stored, contexts, dirty: false };
    this.#collections.set(spec.name, collection);
    return collection;
  }

  /** Writes wait for a running persist: it writes from the live buffers. */
  async #beforeWrite(spec: CollectionSpec): Promise<Collection> {
    const collection = await this.#collection(spec);
    while (this.#persisting) await this.#persisting.catch(() => undefined);
    this.#checkOpen();
    return collection;
  }

  async open(collection: CollectionSpec): Promise<void> {
    await this.#collection(collection);
  }

  async upsert(collection: CollectionSpec, contextId: string, records: readonly BackendRecord[]): Promise<void> {
    const c = await this.#beforeWrite(collection);
    for (const r of records) {
      if (!(r.vector instanceof Float32Array) || r.vector.length !== c.spec.dimension) {
        throw invalidArgument(`vector must be a Float32Array of ${c.spec.dimension} numbers for collection "${c.spec.name}"`, {
          field: 'vector',
          expected: c.spec.dimension,
        });
      }
    }
    if (records.length === 0) return;
    const faiss = await this.#faiss();
    let index = c.contexts.get(contextId);
    if (!index) c.contexts.set(contextId, (index = new FaissContextIndex(faiss, c.spec.dimension, records.length)));
    try {
      index.upsert(records);
    } finally {
      if (index.count === 0) c.contexts.delete(contextId);
      c.dirty = true;
    }
  }

  async search(collection: CollectionSpec, contextId: string, query: Float32Array, options: BackendSearchOptions): Promise<BackendHit[]> {
    const c = await this.#collection(collection);
    if (query.length !== c.spec.dimension) {
      throw invalidArgument(`query has ${query.length} dimensions; collection "${c.spec.name}" holds ${c.spec.dimension}`, { field: 'vector' });
    }
    const index = c.contexts.get(contextId);
    if (!index) return [];
    const view = index.view;
    const { plan, faissCalls, hits } = searchContext(view, query, options.k, options.filter);
    this.#plans[plan]++;
    this.#faissCalls += faissCalls;
    return hits.map(({ label, score }) => ({
      id: view.ids[label] as string,
      score: clampScore(score),
      metadata: view.metadata[label] as StoredMetadata,
    }));
  }

  async delete(collection: CollectionSpec, contextId: string, ids: readonly string[]): Promise<number> {
    const c = await this.#beforeWrite(collection);
    const index = c.contexts.get(contextId);
    if (!index) return 0;
    const removed = index.delete(ids);
    // Empty contexts are dropped so many short-lived contexts do not accumulate.
    if (index.count === 0) c.contexts.delete(contextId);
    if (removed > 0) c.dirty = true;
    return removed;
  }

  async clear(collection: CollectionSpec, contextId?: string): Promise<number> {
    const c = await this.#beforeWrite(collection);
    let removed = 0;
    if (contextId === undefined) {
      for (const index of c.contexts.values()) removed += index.count;
      c.contexts.clear();
    } else {
      removed = c.contexts.get(contextId)?.count ?? 0;
      c.contexts.delete(contextId);
    }
    if (removed > 0) c.dirty = true;
    return removed;
  }

  async count(collection: CollectionSpec, contextId?: string): Promise<number> {
    const c = await this.#collection(collection);
    if (contextId !== undefined) return c.contexts.get(contextId)?.count ?? 0;
    let total = 0;
    for (const index of c.contexts.values()) total += index.count;
    return total;
  }

  async stats(): Promise<Record<string, string | number | boolean | null>> {
    await this.#faiss();
    let contexts = 0;
    let vectors = 0;
    let tombstones = 0;
    let bytes = 0;
    let nativeBytes = 0;
    let compactions = 0;
    for (const c of this.#collections.values()) {
      contexts += c.contexts.size;
      for (const index of c.contexts.values()) {
        vectors += index.count;
        tombstones += index.tombstones;
        bytes += index.allocatedBytes;
        nativeBytes += index.rows * index.dimension * 4;
        compactions += index.compactions;
      }
    }
    return {
      collections: this.#collections.size,
      contexts,
      vectors,
      tombstones,
      vectorBytes: bytes,
      faissVectorBytes: nativeBytes,
      persistent: this.capabilities.persistent,
      faissSearches: this.#plans.faiss,
      overFetchSearches: this.#plans['over-fetch'],
      faissCalls: this.#faissCalls,
      indexedScans: this.#plans['index-scan'],
      filteredScans: this.#plans['filtered-scan'],
      compactions,
    };
  }

  async persist(): Promise<void> {
    await this.#faiss();
    await this.#persistDirty();
  }

  async #persistDirty(): Promise<void> {
    while (this.#persisting) await this.#persisting.catch(() => undefined);
    if (this.#storageDir === undefined) return;
    const dirty = [...this.#collections.values()].filter((c) => c.dirty);
    if (dirty.length === 0) return;
    const work = (async () => {
      for (const c of dirty) {
        const contexts = [...c.contexts].map(([contextId, index]) => ({ contextId, ...index.snapshot() }));
        c.dirty = false;
        try {
          await writeCollectionFile(this.#file(c.spec.name) as string, { ...c.spec, contexts });
        } catch (error) {
          c.dirty = true;
          throw error;
        }
      }
    })();
    this.#persisting = work.finally(() => {
      this.#persisting = undefined;
    });
    await this.#persisting;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Reads and writes that started before close still finish; new ones fail with CLOSED.
    this.#closed = true;
    try {
      await Promise.allSettled([...this.#opening.values()]);
      await this.#persistDirty();
    } finally {
      this.#collections.clear();
    }
  }
}

/**
 * What `new VectorStore({ vectorDbType: 'faiss', storageDir })` calls. Loads faiss-node here, so a
 * missing binding fails store creation with VECTOR_DB_ERROR and the install steps.
 */
export async function createBackend(options: VectorBackendOptions = {}): Promise<FaissBackend> {
  const unknown = Object.keys(options.backendOptions ?? {});
  if (unknown.length > 0) {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, `the faiss backend takes no backendOptions (got ${unknown.map((k) => JSON.stringify(k)).join(', ')}); remove them`, {
      details: { backend: 'faiss', fields: unknown },
    });
  }
  const binding = await loadFaiss();
  return new FaissBackend({ storageDir: options.storageDir, binding });
}
