export { VectorStore, DEFAULT_CONTEXT_ID, MAX_K } from './vector_store.js';
export type { VectorStoreOptions } from './vector_store.js';
export type {
  BackendCapabilities,
  BackendHit,
  BackendRecord,
  BackendSearchOptions,
  CollectionSpec,
  VectorBackend,
  VectorBackendFactory,
  VectorBackendOptions,
} from './vector_backend.js';
export {
  KNOWN_BACKEND_PACKAGES,
  backendPackageName,
  loadBackend,
  registerBackend,
  registeredBackends,
  unregisterBackend,
} from './backend_registry.js';
export { MATCH_ALL, filterFields, isMatchAll, parseFilter } from './filter.js';
export type { FieldOperator, FilterNode, FilterScalar } from './filter.js';
export { compileFilter } from './filter_compiler.js';
export type { MetadataPredicate, StoredMetadata } from './filter_compiler.js';
export { TEXT_FIELD } from './metadata.js';
export { collectionNameFor } from './collection_name.js';
export { clampScore, normalizedCopy } from './vector_math.js';
export { MemoryBackend, createMemoryBackend, DEFAULT_SNAPSHOT_FILE } from './memory/memory_backend.js';
export type { MemoryBackendOptions } from './memory/memory_backend.js';
export type { Embedder } from './embedders/embedder.js';
export { HashingEmbedder } from './embedders/hashing_embedder.js';
export type { HashingEmbedderOptions } from './embedders/hashing_embedder.js';
export { EmbeddingCache, DEFAULT_EMBEDDING_CONTEXT } from './embedders/embedding_cache.js';
export type { EmbeddingCacheOptions, EmbeddingCacheStats } from './embedders/embedding_cache.js';
// For backend packages (vector-hnsw, vector-faiss): the metadata index, bounded top-k and dot product the memory backend uses.
export { MetadataIndex } from './memory/metadata_index.js';
export { TopK } from './top_k.js';
export { dotAt } from './vector_math.js';
export type { VectorOp, VectorStoreEventMap, VectorStoreEventName, VectorStoreListener } from './vector_store_events.js';
export { writeFileAtomic } from './atomic_file.js';
export type { ChunkWriter } from './atomic_file.js';
export { frameHeader, readFramedHeader } from './framed_file.js';
