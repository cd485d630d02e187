export { WinkEmbedder, WINK_DIMENSION } from './wink_embedder.js';
export type { WinkEmbedderOptions, WinkEmbedderStats } from './wink_embedder.js';
export type { Pooling } from './sentence_vector.js';
export type { WordVectorsLoad } from './word_vectors.js';
