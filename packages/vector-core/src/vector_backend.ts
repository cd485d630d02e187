import type { FilterNode } from './filter.js';
import type { StoredMetadata } from './filter_compiler.js';

/**
 * Where vectors of one embedding space live. `VectorStore` derives it from the embedder
 * (model and dimension); a backend must refuse vectors of another dimension.
 */
export interface CollectionSpec {
  /** Safe for servers: lowercase letters, digits and `_`, at most 63 characters. */
  readonly name: string;
  readonly model: string;
  readonly dimension: number;
}

export interface BackendRecord {
  id: string;
  /** Unit length, `dimension` long; the backend may keep it (the store made a copy for it). */
  vector: Float32Array;
  /** Caller fields plus `text`; plain data the filter language can read. */
  metadata: StoredMetadata;
}

export interface BackendSearchOptions {
  /** At least 1; the backend returns min(k, matching records). */
  k: number;
  /** Validated, never undefined: MATCH_ALL when the caller gave none. */
  filter: FilterNode;
}

export interface BackendHit {
  id: string;
  /** Cosine similarity in [-1, 1], higher is better (convert distances before returning). */
  score: number;
  metadata: StoredMetadata;
}

export interface BackendCapabilities {
  /** Data survives close() and a new backend instance with the same options. */
  persistent: boolean;
  /** Searches are exact (the memory backend): the contract then demands recall 1. */
  exact: boolean;
}

/**
 * Storage and search for normalised vectors. `VectorStore` owns embedding, normalisation,
 * dimension checks, filter validation and ids, and calls a backend with checked input only.
 *
 * Context scoping: every call names its context and no search exists without one, so a
 * backend cannot forget it. Ids are unique per (collection, context): the same id in two
 * contexts is two records. In-process backends may keep one index per context; server
 * backends should keep one collection per `CollectionSpec` with the context as an indexed
 * payload field that every query filters on (exact match, so `a` never matches `ab`).
 */
export interface VectorBackend {
  /** Short name for stats, e.g. `memory`, `hnsw`, `qdrant`. */
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /**
   * Called once per collection before any other call for it: create it, load it from disk,
   * or check that the existing one has the same dimension (CONFIG_ERROR if not).
   */
  open(collection: CollectionSpec): Promise<void>;
  /** Inserts or replaces records by id; all-or-nothing when possible. */
  upsert(collection: CollectionSpec, contextId: string, records: readonly BackendRecord[]): Promise<void>;
  /** Best first. */
  search(collection: CollectionSpec, contextId: string, query: Float32Array, options: BackendSearchOptions): Promise<BackendHit[]>;
  /** Returns how many of `ids` existed in that context. */
  delete(collection: CollectionSpec, contextId: string, ids: readonly string[]): Promise<number>;
  /** One context, or every context of the collection; returns how many records were removed. */
  clear(collection: CollectionSpec, contextId?: string): Promise<number>;
  count(collection: CollectionSpec, contextId?: string): Promise<number>;
  /** Plain numbers for dashboards. */
  stats(): Promise<Record<string, string | number | boolean | null>>;
  /** Writes everything to durable storage now (backends with `persistent`). */
  persist?(): Promise<void>;
  /** Persists if applicable and releases resources; idempotent. Later calls throw CLOSED. */
  close(): Promise<void>;
}

/** What `new VectorStore({ vectorDbType, … })` hands to a backend factory. */
export interface VectorBackendOptions {
  apiUrl?: string;
  /** A secret: a backend must never log it or put it in an error message. */
  apiKey?: string;
  /** Directory for snapshots or index files; created if missing. */
  storageDir?: string;
  backendOptions?: Record<string, unknown>;
}

export type VectorBackendFactory = (options: VectorBackendOptions) => VectorBackend | Promise<VectorBackend>;
