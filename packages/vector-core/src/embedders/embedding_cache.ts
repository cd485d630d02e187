import { ErrorCode, MemoryError, invalidArgument, type BaseMemory, type Ttl } from '@engram/memory-core';
import { computeFingerprint, resolveTtl, validateId } from '@engram/memory-utils';
import { LRUCache } from 'lru-cache';
import type { Embedder } from './embedder.js';

export interface EmbeddingCacheOptions {
  /** Vectors kept in process memory (least recently used go first). Default 2,048 (~3 MB at 384 dimensions). */
  maxEntries?: number;
  /** A second level that survives restarts, e.g. the MemoryManager's Redis or SQLite store. */
  store?: BaseMemory;
  /** The store context holding the vectors; keep it for this cache alone. Default `engram:embeddings`. */
  contextId?: string;
  /** TTL in whole seconds for vectors written to `store`; undefined = the store's default, null = never expire. */
  ttl?: Ttl;
}

export interface EmbeddingCacheStats {
  hits: number;
  storeHits: number;
  misses: number;
  size: number;
}

export const DEFAULT_EMBEDDING_CONTEXT = 'engram:embeddings';

/**
 * Remembers embeddings by the fingerprint of (model, dimension, text), so the same text is
 * embedded once: across stores and searches, within one batch, and across concurrent calls.
 * Returned vectors are copies the caller may keep or change.
 */
export class EmbeddingCache {
  readonly #lru: LRUCache<string, Float32Array>;
  readonly #store: BaseMemory | undefined;
  readonly #contextId: string;
  readonly #ttl: Ttl | undefined;
  readonly #inFlight = new Map<string, Promise<Float32Array>>();
  readonly #stats = { hits: 0, storeHits: 0, misses: 0 };

  constructor(options: EmbeddingCacheOptions = {}) {
    const max = options.maxEntries ?? 2_048;
    if (!Number.isInteger(max) || max < 1) throw invalidArgument('maxEntries must be a whole number of at least 1', { field: 'maxEntries' });
    this.#contextId = options.contextId ?? DEFAULT_EMBEDDING_CONTEXT;
    validateId(this.#contextId, 'contextId');
    if (options.ttl !== undefined) resolveTtl(options.ttl, null);
    this.#ttl = options.ttl;
    this.#store = options.store;
    this.#lru = new LRUCache({ max });
  }

  get stats(): EmbeddingCacheStats {
    return { ...this.#stats, size: this.#lru.size };
  }

  /** Forgets the in-memory level (the backing store keeps its copies until their TTL). */
  clear(): void {
    this.#lru.clear();
  }

  async embed(embedder: Embedder, texts: readonly string[]): Promise<Float32Array[]> {
    const keys = texts.map((text) => computeFingerprint({ model: embedder.model, dimension: embedder.dimension, text }));
    const found = new Map<string, Float32Array | Promise<Float32Array>>();
    const missing: string[] = [];
    const missingText = new Map<string, string>();
    keys.forEach((key, i) => {
      if (found.has(key) || missingText.has(key)) return;
      const cached = this.#lru.get(key) ?? this.#inFlight.get(key);
      if (cached) {
        this.#stats.hits++;
        found.set(key, cached);
      } else {
        missing.push(key);
        missingText.set(key, texts[i] as string);
      }
    });
    if (missing.length > 0) {
      const batch = this.#fill(embedder, missing, missingText);
      missing.forEach((key, i) => {
        const one = batch.then((vectors) => vectors[i] as Float32Array);
        one.catch(() => undefined); // the failure reaches callers through `await batch` below
        // Later callers wait for this batch instead of embedding the same text again.
        this.#inFlight.set(key, one);
        found.set(key, one);
      });
      try {
        await batch;
      } finally {
        for (const key of missing) this.#inFlight.delete(key);
      }
    }
    const out: Float32Array[] = [];
    for (const key of keys) out.push((await found.get(key)) as Float32Array);
    return out.map((v) => v.slice());
  }

  /** Store level first, then one embedder call for whatever is still missing; both levels are filled. */
  async #fill(embedder: Embedder, keys: readonly string[], texts: ReadonlyMap<string, string>): Promise<Float32Array[]> {
    const result = new Map<string, Float32Array>();
    const bytesPerVector = embedder.dimension * 4;
    if (this.#store) {
      const stored = await this.#store.bulkLoad<unknown>(keys, this.#contextId);
      for (const key of keys) {
        const bytes = stored[key];
        // An entry of another length was written by something else: embed again rather than trust it.
        if (bytes instanceof Uint8Array && bytes.byteLength === bytesPerVector) {
          const vector = new Float32Array(embedder.dimension);
          new Uint8Array(vector.buffer).set(bytes);
          result.set(key, vector);
          this.#stats.storeHits++;
        }
      }
    }
    const toEmbed = keys.filter((key) => !result.has(key));
    if (toEmbed.length > 0) {
      this.#stats.misses += toEmbed.length;
      const vectors = await embedder.embed(toEmbed.map((key) => texts.get(key) as string));
      if (!Array.isArray(vectors) || vectors.length !== toEmbed.length) {
        throw new MemoryError(
          ErrorCode.CONFIG_ERROR,
          `embedder "${embedder.model}" returned ${Array.isArray(vectors) ? vectors.length : 'no'} vectors for ${toEmbed.length} texts; it must return one per text`,
          { details: { model: embedder.model } },
        );
      }
      const fresh = new Map<string, Uint8Array>();
      toEmbed.forEach((key, i) => {
        const vector = Float32Array.from(vectors[i] as ArrayLike<number>);
        result.set(key, vector);
        if (vector.length === embedder.dimension) fresh.set(key, new Uint8Array(vector.buffer));
      });
      if (this.#store && fresh.size > 0) await this.#store.bulkSave(fresh, this.#contextId, this.#ttl === undefined ? {} : { ttl: this.#ttl });
    }
    for (const [key, vector] of result) this.#lru.set(key, vector);
    return keys.map((key) => result.get(key) as Float32Array);
  }
}
