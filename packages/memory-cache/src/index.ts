export { TTLCache } from './ttl_cache.js';
export type { TTLCacheOptions, TTLCacheRemoveReason, TTLCacheSetOptions, TTLCacheStats } from './ttl_cache.js';
export { InProcessMemory } from './in_process_memory.js';
export type { InProcessMemoryOptions } from './in_process_memory.js';
export { MemoryManager } from './memory_manager.js';
export type { BulkProducer } from './memory_manager.js';
export type {
  BulkLoadOptions,
  ClearOptions,
  InvalidateOptions,
  LoadOptions,
  ManagerSaveOptions,
  MemoryManagerOptions,
  WithBulkCacheOptions,
  WithCacheOptions,
} from './manager_options.js';
export type { ManagerStats, MemoryManagerStats } from './manager_stats.js';
export type { ManagerErrorCode, ManagerEventMap, ManagerEventName, ManagerListener, ManagerOp } from './manager_events.js';
