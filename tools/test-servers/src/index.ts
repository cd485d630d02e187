export { freePort, sleep, waitFor } from './ports.js';
export { pingRedis, startRedis } from './redis_server.js';
export type { RedisServer, RedisServerOptions } from './redis_server.js';
