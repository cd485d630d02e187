export { describeMemoryContract } from './testing/memory_contract.js';
export type { MemoryContractOptions } from './testing/memory_contract.js';
export { contextIdArbitrary, keyArbitrary, storableValueArbitrary, trickyIds } from './testing/arbitraries.js';
export { describeMemoryFuzz, relatedIdArbitrary } from './testing/memory_fuzz.js';
export type { MemoryFuzzOptions } from './testing/memory_fuzz.js';
