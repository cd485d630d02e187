export { defaultConfig, resolveConfig } from './config.js';
export type { EngramConfig, EngramConfigInput, StorageBackend, VectorDbType } from './config.js';
export { configFromEnv, envNames } from './env.js';
export { createMemorySystem } from './create_memory_system.js';
export type { MemorySystem } from './create_memory_system.js';
export type { MemorySystemOptions } from './system_options.js';
