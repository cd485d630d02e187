import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  MemoryError,
  checkLogger,
  invalidArgument,
  type EngramLogger,
  type BaseVectorStore,
  type SearchVectorsOptions,
  type StoreStats,
  type StoreVectorOptions,
  type VectorItem,
  type VectorMetadata,
  type VectorSearchResult,
} from '@engram/memory-core';
import { describeValue, validateId } from '@engram/memory-utils';
import { loadBackend } from './backend_registry.js';
import { checkCollectionName, collectionNameFor } from './collection_name.js';
import type { Embedder } from './embedders/embedder.js';
import { EmbeddingCache, type EmbeddingCacheOptions } from './embedders/embedding_cache.js';
import { HashingEmbedder } from './embedders/hashing_embedder.js';
import { parseFilter } from './filter.js';
import { copyMetadata, toStoredMetadata } from './metadata.js';
import type { BackendRecord, CollectionSpec, VectorBackend } from './vector_backend.js';
import { normalizedCopy, normalizedEmbedding } from './vector_math.js';
import { VectorStoreObserver, type VectorStoreEventName, type VectorStoreListener } from './vector_store_events.js';

export interface VectorStoreOptions {
  /** Backend name: `memory` (default, built in), `hnsw`, `faiss`, `chroma`, `qdrant`, or one you registered. */
  vectorDbType?: string;
  /** A backend instance to use instead of `vectorDbType`. The store closes it on close(). */
  backend?: VectorBackend;
  apiUrl?: string;
  apiKey?: string;
  storageDir?: string;
  backendOptions?: Record<string, unknown>;
  /** Default: `new HashingEmbedder({ dimension })`. */
  embedder?: Embedder;
  /** Dimension of the default embedder (384). */
  dimension?: number;
  /** Default: an in-process cache of 2,048 vectors. `false` embeds every time. */
  embeddingCache?: EmbeddingCache | EmbeddingCacheOptions | false;
  /** Collection name; default derived from the embedder's model and dimension. */
  collection?: string;
  /** Context used when a call names none. Default `default`. */
  defaultContextId?: string;
  /**
   * A pino-shaped logger. Default none (silent). debug: each search, store and delete with counts
   * and timing; error: failures with their code. Context ids only as `logId` hashes; texts,
   * vectors, metadata and apiKey never.
   */
  logger?: EngramLogger;
}

export const DEFAULT_CONTEXT_ID = 'default';
export const MAX_K = 10_000;

function checkEmbedder(embedder: Embedder): void {
  const ok =
    embedder !== null &&
    typeof embedder === 'object' &&
    typeof embedder.model === 'string' &&
    embedder.model.length > 0 &&
    Number.isInteger(embedder.dimension) &&
    embedder.dimension > 0 &&
    typeof embedder.embed === 'function';
  if (!ok) {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, 'embedder must have a model name, a positive whole dimension and an embed(texts) method');
  }
}

/**
 * Semantic memory: texts embedded, normalised and stored per context in a pluggable backend,
 * searched by cosine similarity with the portable filter language.
 */
export class VectorStore implements BaseVectorStore {
  readonly embedder: Embedder;
  readonly collection: CollectionSpec;
  readonly defaultContextId: string;
  readonly #cache: EmbeddingCache | undefined;
  readonly #ready: Promise<VectorBackend>;
  #backendName: string;
  #closed = false;
  /** None until the first `on` (or a logger): see VectorStoreObserver. */
  #observer: VectorStoreObserver | undefined;
  readonly #logger: EngramLogger | undefined;

  constructor(options: VectorStoreOptions = {}) {
    if (options.embedder && options.dimension !== undefined && options.embedder.dimension !== options.dimension) {
      throw new MemoryError(ErrorCode.CONFIG_ERROR, 'dimension differs from embedder.dimension; pass only one of them');
    }
    if (options.backend && options.vectorDbType !== undefined) {
      throw new MemoryError(ErrorCode.CONFIG_ERROR, 'pass either backend (an instance) or vectorDbType (a name), not both');
    }
    this.embedder = options.embedder ?? new HashingEmbedder({ dimension: options.dimension });
    checkEmbedder(this.embedder);
    const name = options.collection ?? collectionNameFor(this.embedder.model, this.embedder.dimension);
    checkCollectionName(name);
    this.collection = Object.freeze({ name, model: this.embedder.model, dimension: this.embedder.dimension });
    this.defaultContextId = options.defaultContextId ?? DEFAULT_CONTEXT_ID;
    validateId(this.defaultContextId, 'defaultContextId');
    const cache = options.embeddingCache;
    this.#cache = cache === false ? undefined : cache instanceof EmbeddingCache ? cache : new EmbeddingCache(cache ?? {});
    this.#logger = checkLogger(options.logger);
    if (this.#logger !== undefined) this.#observer = new VectorStoreObserver(this.#logger);
    this.#backendName = options.backend?.name ?? options.vectorDbType ?? 'memory';
    this.#ready = this.#open(options);
    // Failures surface on the first call (or ready()); an unused store must not crash the process.
    this.#ready.catch(() => undefined);
  }

  async #open(options: VectorStoreOptions): Promise<VectorBackend> {
    const backend =
      options.backend ??
      (await loadBackend(options.vectorDbType ?? 'memory', {
        apiUrl: options.apiUrl,
        apiKey: options.apiKey,
        storageDir: options.storageDir,
        backendOptions: options.backendOptions,
      }));
    this.#backendName = backend.name;
    await backend.open(this.collection);
    return backend;
  }

  /** `search` (with result count and duration), `store`, `delete`, `error`: counts and timings, never texts or vectors. */
  on<E extends VectorStoreEventName>(event: E, listener: VectorStoreListener<E>): this {
    this.#observer ??= new VectorStoreObserver(this.#logger);
    this.#observer.add(event, listener, false);
    return this;
  }

  once<E extends VectorStoreEventName>(event: E, listener: VectorStoreListener<E>): this {
    this.#observer ??= new VectorStoreObserver(this.#logger);
    this.#observer.add(event, listener, true);
    return this;
  }

  off<E extends VectorStoreEventName>(event: E, listener: VectorStoreListener<E>): this {
    this.#observer?.remove(event, listener);
    return this;
  }

  /** Resolves once the backend is loaded and the collection open; rejects with the reason it cannot be. */
  async ready(): Promise<void> {
    await this.#backend();
  }

  async #backend(): Promise<VectorBackend> {
    if (this.#closed) throw new MemoryError(ErrorCode.CLOSED, 'this VectorStore is closed; create a new one');
    return this.#ready;
  }

  #context(contextId: string | undefined): string {
    const ctx = contextId ?? this.defaultContextId;
    validateId(ctx, 'contextId');
    return ctx;
  }

  /** Normalised vectors for `texts`, in order: the caller's where given, else one embedder call for the rest. */
  async #vectors(texts: readonly string[], given: ReadonlyArray<StoreVectorOptions['vector']>, field: string): Promise<Float32Array[]> {
    const dim = this.collection.dimension;
    const out: Array<Float32Array | undefined> = given.map((v, i) => (v === undefined ? undefined : normalizedCopy(v, dim, field.replace('#', String(i)))));
    const pending = out.flatMap((v, i) => (v === undefined ? [i] : []));
    if (pending.length > 0) {
      const toEmbed = pending.map((i) => texts[i] as string);
      const embedded = this.#cache ? await this.#cache.embed(this.embedder, toEmbed) : await this.embedder.embed(toEmbed);
      if (!Array.isArray(embedded) || embedded.length !== toEmbed.length) {
        throw new MemoryError(ErrorCode.CONFIG_ERROR, `embedder "${this.embedder.model}" must return one vector per text`);
      }
      pending.forEach((i, j) => {
        out[i] = normalizedEmbedding(embedded[j] as Float32Array, dim, this.embedder.model);
      });
    }
    return out as Float32Array[];
  }

  async storeVector(text: string, metadata?: VectorMetadata, options: StoreVectorOptions = {}): Promise<string> {
    const [id] = await this.#observedStore([{ text, metadata, vector: options.vector, id: options.id }], options.contextId, false);
    return id as string;
  }

  async storeVectors(items: readonly VectorItem[], options: { contextId?: string } = {}): Promise<string[]> {
    if (!Array.isArray(items)) throw invalidArgument(`items must be an array of { text, metadata?, vector?, id? } (got ${describeValue(items)})`);
    return this.#observedStore(items, options.contextId, true);
  }

  #observedStore(items: readonly VectorItem[], contextId: string | undefined, batch: boolean): Promise<string[]> {
    const observer = this.#observer;
    if (observer === undefined) return this.#store(items, contextId, batch);
    return observer.track('store', this.#label(contextId), () => this.#store(items, contextId, batch), (ids) => ({ count: ids.length }));
  }

  /** The context id an event reports (the default for none; a bad one is reported as given, then refused). */
  #label(contextId: unknown): string {
    return typeof contextId === 'string' ? contextId : this.defaultContextId;
  }

  /** Validates every item before embedding or writing anything, so a bad item writes none. */
  async #store(items: readonly VectorItem[], contextId: string | undefined, batch: boolean): Promise<string[]> {
    const backend = await this.#backend();
    const ctx = this.#context(contextId);
    const label = (i: number, field: string) => (batch ? `items[${i}].${field}` : field);
    const prepared = items.map((item, i) => {
      if (item === null || typeof item !== 'object') throw invalidArgument(`${batch ? `items[${i}]` : 'item'} must be an object`);
      if (typeof item.text !== 'string') {
        throw invalidArgument(`${label(i, 'text')} must be a string (got ${describeValue(item.text)})`, { field: label(i, 'text') });
      }
      if (item.id !== undefined) validateId(item.id, label(i, 'id'));
      return { id: item.id ?? randomUUID(), metadata: toStoredMetadata(item.text, item.metadata, label(i, 'metadata')) };
    });
    if (prepared.length === 0) return [];
    const vectors = await this.#vectors(
      items.map((item) => item.text),
      items.map((item) => item.vector),
      batch ? 'items[#].vector' : 'vector',
    );
    const records: BackendRecord[] = prepared.map((p, i) => ({ id: p.id, vector: vectors[i] as Float32Array, metadata: p.metadata }));
    this.#checkOpen();
    await guard(backend.upsert(this.collection, ctx, records), backend.name);
    return prepared.map((p) => p.id);
  }

  async searchVectors(query: string, options: SearchVectorsOptions = {}): Promise<VectorSearchResult[]> {
    const observer = this.#observer;
    if (observer === undefined) return this.#search(query, options);
    return observer.track(
      'search',
      this.#label(options?.contextId),
      () => this.#search(query, options),
      (hits) => ({ k: options?.k ?? 5, results: hits.length }),
    );
  }

  async #search(query: string, options: SearchVectorsOptions): Promise<VectorSearchResult[]> {
    const backend = await this.#backend();
    if (typeof query !== 'string') throw invalidArgument(`query must be a string (got ${describeValue(query)})`, { field: 'query' });
    const k = options.k ?? 5;
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
      throw invalidArgument(`k must be a whole number from 1 to ${MAX_K}`, { field: 'k' });
    }
    const ctx = this.#context(options.contextId);
    const filter = parseFilter(options.filter);
    const [vector] = await this.#vectors([query], [options.vector], 'vector');
    this.#checkOpen();
    const hits = await guard(backend.search(this.collection, ctx, vector as Float32Array, { k, filter }), backend.name);
    return hits.map((hit) => ({ id: hit.id, score: hit.score, metadata: copyMetadata(hit.metadata) }));
  }

  async deleteVectors(ids: readonly string[], contextId?: string): Promise<number> {
    const observer = this.#observer;
    if (observer === undefined) return this.#delete(ids, contextId);
    const requested = Array.isArray(ids) ? ids.length : 0;
    return observer.track('delete', this.#label(contextId), () => this.#delete(ids, contextId), (removed) => ({ requested, removed }));
  }

  async #delete(ids: readonly string[], contextId: string | undefined): Promise<number> {
    const backend = await this.#backend();
    if (!Array.isArray(ids)) throw invalidArgument(`ids must be an array of strings (got ${describeValue(ids)})`, { field: 'ids' });
    ids.forEach((id, i) => validateId(id, `ids[${i}]`));
    const ctx = this.#context(contextId);
    if (ids.length === 0) return 0;
    return guard(backend.delete(this.collection, ctx, [...new Set(ids)]), backend.name);
  }

  /** Removes one context's vectors, or with no argument every context's in this collection. */
  async clear(contextId?: string): Promise<number> {
    const backend = await this.#backend();
    if (contextId !== undefined) validateId(contextId, 'contextId');
    return guard(backend.clear(this.collection, contextId), backend.name);
  }

  async count(contextId?: string): Promise<number> {
    const backend = await this.#backend();
    if (contextId !== undefined) validateId(contextId, 'contextId');
    return guard(backend.count(this.collection, contextId), backend.name);
  }

  async getStats(): Promise<StoreStats> {
    const backend = await this.#backend();
    const [backendStats, total] = await Promise.all([guard(backend.stats(), backend.name), guard(backend.count(this.collection), backend.name)]);
    const cache = this.#cache?.stats;
    return {
      ...backendStats,
      backend: backend.name,
      totalKeys: total,
      collection: this.collection.name,
      model: this.embedder.model,
      dimension: this.collection.dimension,
      // 0 without a cache (rather than null): a dashboard plots numbers.
      embeddingCacheHits: cache ? cache.hits + cache.storeHits : 0,
      embeddingCacheMisses: cache ? cache.misses : 0,
    };
  }

  /** Writes the backend's data to durable storage now, when it has any (memory with storageDir, HNSW, FAISS). */
  async persist(): Promise<void> {
    const backend = await this.#backend();
    if (backend.persist) await guard(backend.persist(), backend.name);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const backend = await this.#ready.catch(() => undefined);
    if (backend) await guard(backend.close(), this.#backendName);
  }

  #checkOpen(): void {
    if (this.#closed) throw new MemoryError(ErrorCode.CLOSED, 'this VectorStore was closed during the call; create a new one');
  }
}

/** Backends should throw MemoryError; anything else is wrapped so callers can match on `code`. */
async function guard<T>(promise: Promise<T>, backend: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof MemoryError) throw error;
    throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `vector backend "${backend}" failed; see the cause`, { cause: error, details: { backend } });
  }
}
