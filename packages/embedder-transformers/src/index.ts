export { TransformersEmbedder } from './transformers_embedder.js';
export type { TransformersEmbedderOptions } from './transformers_embedder.js';
export { requiredFiles } from './model_files.js';
