export { HnswBackend, createBackend } from './hnsw_backend.js';
export type { HnswBackendOptions } from './hnsw_backend.js';
export { DEFAULT_HNSW_OPTIONS, resolveHnswOptions } from './hnsw_options.js';
export type { HnswOptions } from './hnsw_options.js';
export type { SearchPlan } from './search_plan.js';
