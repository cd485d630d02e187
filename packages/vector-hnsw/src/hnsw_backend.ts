import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import type {
  BackendCapabilities,
  BackendHit,
  BackendRecord,
  BackendSearchOptions,
  CollectionSpec,
  StoredMetadata,
  VectorBackend,
  VectorBackendOptions,
} from '@engram/vector-core';
import { MANIFEST_FORMAT, MANIFEST_VERSION, writeCollectionFiles, type Manifest } from './collection_files.js';
import { dimensionMismatch, loadCollection } from './collection_loader.js';
import type { HnswCollection } from './hnsw_collection.js';
import { SPACE } from './hnsw_native.js';
import { resolveHnswOptions, type HnswOptions } from './hnsw_options.js';
import { SEARCH_PLANS, type SearchPlan } from './search_plan.js';

export interface HnswBackendOptions extends Partial<HnswOptions> {
  /** Where index files live; without it nothing is persisted. Created on the first persist. */
  storageDir?: string;
}

interface Entry {
  collection: HnswCollection;
  /** Generation of the files on disk; 0 when never persisted. */
  generation: number;
  dirty: boolean;
}

/**
 * Approximate cosine search on hnswlib-node: one HNSW graph per collection, contexts and filters
 * checked inside the graph walk, selective searches answered by an exact scan, everything
 * persisted under `storageDir` on `persist()` and `close()` and reloaded when a collection opens.
 * Data written after the last persist is lost if the process dies.
 */
export class HnswBackend implements VectorBackend {
  readonly name = 'hnsw';
  readonly capabilities: BackendCapabilities;
  readonly options: Readonly<HnswOptions>;
  readonly #dir: string | undefined;
  readonly #entries = new Map<string, Promise<Entry>>();
  /** Loaded entries by name, so a search of an open collection does not wait a microtask for its promise. */
  readonly #loaded = new Map<string, Entry>();
  #persisting: Promise<void> | undefined;
  #closed = false;
  readonly #plans = Object.fromEntries(SEARCH_PLANS.map((p) => [p, 0])) as Record<SearchPlan, number>;

  constructor(options: HnswBackendOptions = {}) {
    const { storageDir, ...tuning } = options;
    if (storageDir !== undefined && (typeof storageDir !== 'string' || storageDir.length === 0)) {
      throw new MemoryError(ErrorCode.CONFIG_ERROR, 'storageDir must be a non-empty path, or left out to keep vectors in memory only', {
        details: { field: 'storageDir' },
      });
    }
    this.options = Object.freeze(resolveHnswOptions(tuning));
    this.#dir = storageDir;
    this.capabilities = Object.freeze({ persistent: storageDir !== undefined, exact: false });
  }

  #checkOpen(): void {
    if (this.#closed) throw new MemoryError(ErrorCode.CLOSED, 'this HNSW backend is closed; create a new VectorStore');
  }

  /**
   * The collection, loaded from storageDir on first use (open() normally does it first). Returns
   * the entry itself, not a promise, once it is loaded: a search then awaits nothing before the
   * native call.
   */
  #entry(spec: CollectionSpec): Entry | Promise<Entry> {
    this.#checkOpen();
    const loaded = this.#loaded.get(spec.name);
    if (!loaded) return this.#load(spec);
    if (loaded.collection.spec.dimension !== spec.dimension) throw dimensionMismatch(spec, loaded.collection.spec.dimension);
    return loaded;
  }

  async #load(spec: CollectionSpec): Promise<Entry> {
    let loading = this.#entries.get(spec.name);
    if (!loading) {
      loading = loadCollection(this.#dir, spec, this.options).then((result) => {
        const entry: Entry = { ...result, dirty: false };
        if (!this.#closed) this.#loaded.set(spec.name, entry);
        return entry;
      });
      this.#entries.set(spec.name, loading);
      // A failed load (a dimension mismatch, a corrupt file) is not cached: fixing the cause and retrying works.
      loading.catch(() => {
        if (this.#entries.get(spec.name) === loading) this.#entries.delete(spec.name);
      });
    }
    const entry = await loading;
    this.#checkOpen();
    if (entry.collection.spec.dimension !== spec.dimension) throw dimensionMismatch(spec, entry.collection.spec.dimension);
    return entry;
  }

  /** Writes wait for a running persist: hnswlib writes the index from a worker thread. */
  async #writable(spec: CollectionSpec): Promise<Entry> {
    const entry = await this.#entry(spec);
    while (this.#persisting) await this.#persisting.catch(() => undefined);
    this.#checkOpen();
    return entry;
  }

  async open(collection: CollectionSpec): Promise<void> {
    await this.#entry(collection);
  }

  async upsert(collection: CollectionSpec, contextId: string, records: readonly BackendRecord[]): Promise<void> {
    const entry = await this.#writable(collection);
    for (const r of records) checkDimension(r.vector, collection, 'vector');
    if (records.length === 0) return;
    entry.dirty = true;
    entry.collection.upsert(contextId, records);
  }

  async search(collection: CollectionSpec, contextId: string, query: Float32Array, options: BackendSearchOptions): Promise<BackendHit[]> {
    const pending = this.#entry(collection);
    const entry = pending instanceof Promise ? await pending : pending;
    checkDimension(query, collection, 'query');
    const hits = entry.collection.search(contextId, query, options.k, options.filter);
    const plan = entry.collection.lastPlan;
    if (hits.length > 0 && plan) this.#plans[plan]++;
    return hits;
  }

  async delete(collection: CollectionSpec, contextId: string, ids: readonly string[]): Promise<number> {
    const entry = await this.#writable(collection);
    const removed = entry.collection.delete(contextId, ids);
    if (removed > 0) entry.dirty = true;
    return removed;
  }

  async clear(collection: CollectionSpec, contextId?: string): Promise<number> {
    const entry = await this.#writable(collection);
    const removed = entry.collection.clear(contextId);
    if (removed > 0) entry.dirty = true;
    return removed;
  }

  async count(collection: CollectionSpec, contextId?: string): Promise<number> {
    return (await this.#entry(collection)).collection.count(contextId);
  }

  async stats(): Promise<Record<string, string | number | boolean | null>> {
    this.#checkOpen();
    const entries = await Promise.all([...this.#entries.values()].map((p) => p.catch(() => undefined)));
    let contexts = 0;
    let vectors = 0;
    let capacity = 0;
    let freeSlots = 0;
    let vectorBytes = 0;
    for (const entry of entries) {
      if (!entry) continue;
      const c = entry.collection;
      contexts += c.contextCount;
      vectors += c.live;
      capacity += c.capacity;
      freeSlots += c.table.freeCount;
      vectorBytes += c.table.allocatedBytes;
    }
    return {
      collections: entries.filter(Boolean).length,
      contexts,
      vectors,
      capacity,
      freeSlots,
      vectorBytes,
      persistent: this.capabilities.persistent,
      space: SPACE,
      M: this.options.M,
      efConstruction: this.options.efConstruction,
      efSearch: this.options.efSearch,
      graphSearches: this.#plans.graph,
      filteredGraphSearches: this.#plans['filtered-graph'],
      exactScans: this.#plans.exact,
      predicateScans: this.#plans['exact-predicate'],
      fallbackScans: this.#plans.fallback,
    };
  }

  async persist(): Promise<void> {
    this.#checkOpen();
    await this.#persistAll();
  }

  async #persistAll(): Promise<void> {
    while (this.#persisting) await this.#persisting.catch(() => undefined);
    const dir = this.#dir;
    if (!dir) return;
    const entries = await Promise.all([...this.#entries.values()].map((p) => p.catch(() => undefined)));
    const run = (async () => {
      for (const entry of entries) {
        if (!entry?.dirty) continue;
        entry.dirty = false;
        try {
          entry.generation = await writeCollectionFiles(dir, entry.collection.index, manifestOf(entry.collection), entry.generation);
        } catch (error) {
          entry.dirty = true;
          throw error;
        }
      }
    })();
    this.#persisting = run;
    try {
      await run;
    } finally {
      if (this.#persisting === run) this.#persisting = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Loads that started before close finish first, so their collections are persisted too.
    await Promise.allSettled([...this.#entries.values()]);
    this.#closed = true;
    try {
      await this.#persistAll();
    } finally {
      this.#entries.clear();
      this.#loaded.clear();
    }
  }
}

function checkDimension(vector: Float32Array, collection: CollectionSpec, field: string): void {
  if (vector.length !== collection.dimension) {
    throw invalidArgument(`${field} has ${vector.length} dimensions; collection "${collection.name}" holds ${collection.dimension}`, {
      field,
      expected: collection.dimension,
      actual: vector.length,
    });
  }
}

/** The manifest of a collection as it is now; written while writes wait, so it matches the index file. */
function manifestOf(collection: HnswCollection): Omit<Manifest, 'indexFile' | 'generation'> {
  const table = collection.table;
  const contexts = [...collection.contexts()].map((entry) => {
    const labels = Int32Array.from(entry.labels.values());
    return {
      name: entry.name,
      ids: [...entry.labels.keys()],
      labels,
      metadata: Array.from(labels, (label) => table.metadata[label] as StoredMetadata),
    };
  });
  const { name, model, dimension } = collection.spec;
  return { format: MANIFEST_FORMAT, version: MANIFEST_VERSION, name, model, dimension, space: SPACE, used: table.used, contexts };
}

/** The factory `new VectorStore({ vectorDbType: 'hnsw', storageDir, backendOptions })` calls. */
export function createBackend(options: VectorBackendOptions = {}): HnswBackend {
  return new HnswBackend({ ...resolveHnswOptions(options.backendOptions ?? {}), storageDir: options.storageDir });
}
