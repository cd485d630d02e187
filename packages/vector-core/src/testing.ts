export { describeVectorBackendContract } from './testing/vector_contract.js';
export type { VectorBackendContractOptions, ContractBackendContext } from './testing/vector_contract.js';
export { clusteredVectors, exactTopK, recallAtK, row, seededRandom } from './testing/synthetic.js';
export { matchesReference } from './testing/reference_filter.js';
export { cosineSets, exactTopKWhere, findAnnDir, readVecs, recallAt } from './testing/ann_sets.js';
export type { AnnSet } from './testing/ann_sets.js';
