export { QdrantBackend, createBackend } from './qdrant_backend.js';
export type { QdrantBackendOptions } from './qdrant_options.js';
export { resolveQdrantOptions, DEFAULT_BATCH_SIZE } from './qdrant_options.js';
export { contextCondition, scopedFilter, translateFilter } from './qdrant_filter.js';
export type { QdrantCondition, QdrantFilter } from './qdrant_filter.js';
export { CONTEXT_KEY, FIELDS_KEY, ID_KEY, decodePayload, encodePayload, fieldKey, fieldName } from './qdrant_payload.js';
export { POINT_ID_NAMESPACE, pointId, uuidV5 } from './qdrant_point_id.js';
export {
  DEFAULT_EF_SEARCH,
  checkCollectionInfo,
  contextCollectionName,
  contextFilter,
  countRequest,
  createCollectionRequest,
  deleteByFilterRequest,
  deletePointsRequest,
  existingPointIds,
  hitsFromPoints,
  retrieveRequest,
  searchRequest,
  tenantIndexRequest,
  upsertRequests,
} from './qdrant_requests.js';
export type { SearchRequest, UpsertRequest } from './qdrant_requests.js';
