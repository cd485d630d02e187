export { ErrorCode, MemoryError, isMemoryError, invalidArgument } from './errors.js';
export type { MemoryErrorOptions } from './errors.js';
export type { BaseMemory, BulkEntries, MemoryEntry, SaveOptions, StoreStats, Ttl } from './base_memory.js';
export type {
  BaseVectorStore,
  MetadataValue,
  SearchVectorsOptions,
  StoreVectorOptions,
  VectorFilter,
  VectorInput,
  VectorItem,
  VectorMetadata,
  VectorSearchResult,
} from './base_vector_store.js';
export type { InvalidationBus, InvalidationBusState, InvalidationMessage } from './invalidation_bus.js';
export type { DistributedLockHandle, DistributedLockRequest, DistributedLocks } from './distributed_locks.js';
export { checkLogger, debugEnabled, logId } from './logger.js';
export type { EngramLogger } from './logger.js';
