export { ChromaBackend, createBackend } from './chroma_backend.js';
export { chromaName, contextCollectionName } from './chroma_collection.js';
export type { ChromaBackendOptions } from './chroma_options.js';
export { resolveChromaOptions, DEFAULT_BATCH_SIZE } from './chroma_options.js';
export { scopedWhere, translateFilter } from './chroma_filter.js';
export type { ChromaWhere } from './chroma_filter.js';
export { CONTEXT_KEY, ID_KEY, decodeMetadata, encodeMetadata, recordId } from './chroma_metadata.js';
export type { ChromaMetadata } from './chroma_metadata.js';
