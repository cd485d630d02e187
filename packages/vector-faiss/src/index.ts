export { FaissBackend, createBackend, FILE_SUFFIX } from './faiss_backend.js';
export type { FaissBackendOptions } from './faiss_backend.js';
export { loadFaiss, faissAvailability, INSTALL_HINT } from './faiss_binding.js';
export type { FaissImporter, FaissIndex, FaissModule, FaissSearchResult } from './faiss_binding.js';
export type { SearchPlan } from './context_search.js';
