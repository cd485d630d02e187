export { instrumentManager } from './manager_metrics.js';
export type { BusWithStats, Instrumentation, ManagerMetricsOptions, ObservedManager } from './manager_metrics.js';
export { instrumentVectorStore } from './vector_metrics.js';
export type { ObservedVectorStore } from './vector_metrics.js';
export { serveMetrics } from './metrics_server.js';
export type { MetricsServer, ServeMetricsOptions } from './metrics_server.js';
export type { MetricsOptions } from './metric_names.js';
export { createLogger } from './create_logger.js';
