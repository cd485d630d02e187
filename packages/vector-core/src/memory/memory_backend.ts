import { join } from 'node:path';
import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import { clampScore } from '../vector_math.js';
import type {
  BackendCapabilities,
  BackendHit,
  BackendRecord,
  BackendSearchOptions,
  CollectionSpec,
  VectorBackend,
  VectorBackendOptions,
} from '../vector_backend.js';
import { FlatIndex, type SearchPlan } from './flat_index.js';
import { readSnapshot, writeSnapshot, type SnapshotCollection } from './snapshot.js';

export interface MemoryBackendOptions {
  /** Where the snapshot lives; without it nothing is persisted. */
  storageDir?: string;
  /** Snapshot file name inside storageDir. */
  fileName?: string;
  /** Scan large contexts with the WebAssembly SIMD kernel (default true; false forces plain JS). */
  simd?: boolean;
}

export const DEFAULT_SNAPSHOT_FILE = 'memory-vectors.snapshot';

interface Collection {
  spec: CollectionSpec;
  /** One exact index per context: a search touches only its own context's rows. */
  contexts: Map<string, FlatIndex>;
}

/**
 * Exact cosine search in process memory. With `storageDir` it loads its snapshot on first use
 * and writes it on `persist()` and `close()` (atomically: temp file + rename), so data written
 * after the last persist is lost if the process dies.
 */
export class MemoryBackend implements VectorBackend {
  readonly name = 'memory';
  readonly capabilities: BackendCapabilities;
  readonly #file: string | undefined;
  readonly #simd: boolean;
  readonly #collections = new Map<string, Collection>();
  #loading: Promise<void> | undefined;
  #persisting: Promise<void> | undefined;
  #dirty = false;
  #closed = false;
  readonly #plans: Record<SearchPlan, number> = { all: 0, 'filtered-scan': 0, index: 0 };

  constructor(options: MemoryBackendOptions = {}) {
    this.#file = options.storageDir ? join(options.storageDir, options.fileName ?? DEFAULT_SNAPSHOT_FILE) : undefined;
    this.#simd = options.simd ?? true;
    this.capabilities = { persistent: this.#file !== undefined, exact: true };
  }

  #checkOpen(): void {
    if (this.#closed) throw new MemoryError(ErrorCode.CLOSED, 'this vector backend is closed; create a new VectorStore');
  }

  async #ready(): Promise<void> {
    this.#checkOpen();
    this.#loading ??= this.#load();
    await this.#loading;
    this.#checkOpen();
  }

  async #load(): Promise<void> {
    if (!this.#file) return;
    const snapshot = await readSnapshot(this.#file);
    for (const c of snapshot ?? []) {
      const contexts = new Map<string, FlatIndex>();
      for (const ctx of c.contexts) contexts.set(ctx.contextId, FlatIndex.fromRows(c.dimension, ctx.ids, ctx.metadata, ctx.vectors, this.#simd));
      this.#collections.set(c.name, { spec: { name: c.name, model: c.model, dimension: c.dimension }, contexts });
    }
  }

  /** Writes wait for a running snapshot so it never captures a half-applied change. */
  async #beforeWrite(spec: CollectionSpec): Promise<Collection> {
    await this.#ready();
    while (this.#persisting) await this.#persisting;
    this.#checkOpen();
    return this.#collection(spec);
  }

  #collection(spec: CollectionSpec): Collection {
    const existing = this.#collections.get(spec.name);
    if (existing) {
      if (existing.spec.dimension !== spec.dimension) {
        throw new MemoryError(
          ErrorCode.CONFIG_ERROR,
          `collection "${spec.name}" holds ${existing.spec.dimension}-dimensional vectors but this store embeds ${spec.dimension}; ` +
            'use the embedder the collection was built with, or another collection name',
          { details: { collection: spec.name, expected: existing.spec.dimension, actual: spec.dimension } },
        );
      }
      return existing;
    }
    const created: Collection = { spec: { name: spec.name, model: spec.model, dimension: spec.dimension }, contexts: new Map() };
    this.#collections.set(spec.name, created);
    return created;
  }

  async open(collection: CollectionSpec): Promise<void> {
    await this.#ready();
    this.#collection(collection);
  }

  async upsert(collection: CollectionSpec, contextId: string, records: readonly BackendRecord[]): Promise<void> {
    const c = await this.#beforeWrite(collection);
    for (const r of records) {
      if (r.vector.length !== c.spec.dimension) {
        throw invalidArgument(`vector has ${r.vector.length} dimensions; collection "${c.spec.name}" holds ${c.spec.dimension}`, {
          field: 'vector',
        });
      }
    }
    if (records.length === 0) return;
    let index = c.contexts.get(contextId);
    if (!index) c.contexts.set(contextId, (index = new FlatIndex(c.spec.dimension, records.length, this.#simd)));
    for (const r of records) index.upsert(r.id, r.vector, r.metadata);
    this.#dirty = true;
  }

  async search(collection: CollectionSpec, contextId: string, query: Float32Array, options: BackendSearchOptions): Promise<BackendHit[]> {
    await this.#ready();
    const c = this.#collection(collection);
    if (query.length !== c.spec.dimension) {
      throw invalidArgument(`query has ${query.length} dimensions; collection "${c.spec.name}" holds ${c.spec.dimension}`, {
        field: 'vector',
      });
    }
    const index = c.contexts.get(contextId);
    if (!index) return [];
    const hits = index.search(query, options.k, options.filter);
    this.#plans[index.lastPlan]++;
    return hits.map((h) => ({ id: h.id, score: clampScore(h.score), metadata: h.metadata }));
  }

  async delete(collection: CollectionSpec, contextId: string, ids: readonly string[]): Promise<number> {
    const c = await this.#beforeWrite(collection);
    const index = c.contexts.get(contextId);
    if (!index) return 0;
    let removed = 0;
    for (const id of ids) if (index.delete(id)) removed++;
    // Empty contexts are dropped so many short-lived contexts do not accumulate.
    if (index.count === 0) c.contexts.delete(contextId);
    if (removed > 0) this.#dirty = true;
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
    if (removed > 0) this.#dirty = true;
    return removed;
  }

  async count(collection: CollectionSpec, contextId?: string): Promise<number> {
    await this.#ready();
    const c = this.#collection(collection);
    if (contextId !== undefined) return c.contexts.get(contextId)?.count ?? 0;
    let total = 0;
    for (const index of c.contexts.values()) total += index.count;
    return total;
  }

  async stats(): Promise<Record<string, string | number | boolean | null>> {
    await this.#ready();
    let contexts = 0;
    let vectors = 0;
    let bytes = 0;
    let simdContexts = 0;
    for (const c of this.#collections.values()) {
      contexts += c.contexts.size;
      for (const index of c.contexts.values()) {
        vectors += index.count;
        bytes += index.allocatedBytes;
        if (index.usesSimd) simdContexts++;
      }
    }
    return {
      collections: this.#collections.size,
      contexts,
      vectors,
      vectorBytes: bytes,
      simdContexts,
      persistent: this.capabilities.persistent,
      fullScans: this.#plans.all,
      filteredScans: this.#plans['filtered-scan'],
      indexedSearches: this.#plans.index,
    };
  }

  async persist(): Promise<void> {
    await this.#ready();
    await this.#persist();
  }

  async #persist(): Promise<void> {
    while (this.#persisting) await this.#persisting;
    if (!this.#file || !this.#dirty) return;
    const collections: SnapshotCollection[] = [];
    for (const c of this.#collections.values()) {
      const contexts = [...c.contexts].map(([contextId, index]) => ({ contextId, ...index.snapshot() }));
      collections.push({ name: c.spec.name, model: c.spec.model, dimension: c.spec.dimension, contexts });
    }
    this.#dirty = false;
    this.#persisting = writeSnapshot(this.#file, collections).catch((error: unknown) => {
      this.#dirty = true;
      throw error;
    });
    try {
      await this.#persisting;
    } finally {
      this.#persisting = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Reads and writes that started before close still finish; new ones fail with CLOSED.
    if (this.#loading) await this.#loading.catch(() => undefined);
    this.#closed = true;
    try {
      if (this.#loading) await this.#persist();
    } finally {
      this.#collections.clear();
    }
  }
}

export function createMemoryBackend(options: VectorBackendOptions = {}): MemoryBackend {
  const extra = options.backendOptions ?? {};
  return new MemoryBackend({
    storageDir: options.storageDir,
    fileName: typeof extra.fileName === 'string' ? extra.fileName : undefined,
    simd: typeof extra.simd === 'boolean' ? extra.simd : undefined,
  });
}
