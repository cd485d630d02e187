export { SqliteMemory } from './sqlite_memory.js';
export { DEFAULT_NAMESPACE, DEFAULT_PATH, DEFAULT_TABLE, resolveSqliteOptions } from './sqlite_options.js';
export type { ResolvedSqliteOptions, SqliteMemoryOptions, SqliteSynchronous } from './sqlite_options.js';
export { SWEEP_BATCH_ROWS, SWEEP_BUDGET_MS } from './expiry_sweeper.js';
