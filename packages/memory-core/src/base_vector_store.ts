import type { StoreStats } from './base_memory.js';

/** Metadata values every backend can store and filter on. */
export type MetadataValue = string | number | boolean | null | string[];
export type VectorMetadata = Record<string, MetadataValue>;

/** The portable filter language: `{ field: value }` or `{ field: { $gt: 1 } }`, `$and`, `$or`, `$not`. */
export type VectorFilter = Record<string, unknown>;

export type VectorInput = Float32Array | readonly number[];

export interface StoreVectorOptions {
  /** A precomputed embedding; skips the embedder. Normalised before storing. */
  vector?: VectorInput;
  contextId?: string;
  /** Caller-chosen id; a new one is generated otherwise. */
  id?: string;
}

export interface VectorItem {
  text: string;
  metadata?: VectorMetadata;
  vector?: VectorInput;
  id?: string;
}

export interface SearchVectorsOptions {
  k?: number;
  contextId?: string;
  filter?: VectorFilter;
  /** A precomputed query embedding; skips the embedder. */
  vector?: VectorInput;
}

export interface VectorSearchResult {
  id: string;
  /** Cosine similarity in [-1, 1]; higher is better. */
  score: number;
  metadata: VectorMetadata & { text: string };
}

/** Semantic memory: texts stored with embeddings, searched by meaning, scoped by context. */
export interface BaseVectorStore {
  storeVector(text: string, metadata?: VectorMetadata, options?: StoreVectorOptions): Promise<string>;
  storeVectors(items: readonly VectorItem[], options?: { contextId?: string }): Promise<string[]>;
  searchVectors(query: string, options?: SearchVectorsOptions): Promise<VectorSearchResult[]>;
  /** Returns how many of `ids` existed and were removed. */
  deleteVectors(ids: readonly string[], contextId?: string): Promise<number>;
  clear(contextId?: string): Promise<number>;
  getStats(): Promise<StoreStats>;
  close(): Promise<void>;
}
