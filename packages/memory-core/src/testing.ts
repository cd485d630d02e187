export { describeMemoryContract } from './testing/memory_contract.js';
export type { MemoryContractOptions } from './testing/memory_contract.js';
export { contextIdArbitrary, keyArbitrary, storableValueArbitrary, trickyIds } from './testing/arbitraries.js';
