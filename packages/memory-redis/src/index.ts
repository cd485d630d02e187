export { RedisMemory } from './redis_memory.js';
export type { RedisMemoryOptions } from './redis_memory_options.js';
export { RedisConnectionManager, getConnectionManager } from './connection_manager.js';
export type { ConnectionPoolInfo } from './connection_manager.js';
export type { RedisServerStats } from './server_stats.js';
export type { ClientLease } from './client_lease.js';
export type { ConnectionConfig } from './connection_config.js';
