export { HttpEmbedder } from './http_embedder.js';
export type { HttpEmbedderOptions } from './http_embedder.js';
export type { Provider } from './protocol.js';
export { parseRetryAfter } from './retry_policy.js';
