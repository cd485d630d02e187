export { freePort, sleep, waitFor } from './ports.js';
export { pingRedis, startRedis } from './redis_server.js';
export type { RedisServer, RedisServerOptions } from './redis_server.js';
export { chromaCliPath, pingChroma, startChroma } from './chroma_server.js';
export type { ChromaServer, ChromaServerOptions } from './chroma_server.js';
export { redisCli, startRedisCluster } from './redis_cluster.js';
export type { ClusterNodeAddress, RedisCluster, RedisClusterOptions } from './redis_cluster.js';
export { createTlsCertificate, redisTlsArgs } from './tls_certificate.js';
export type { TlsCertificate } from './tls_certificate.js';
