import { describeVectorBackendContract } from '@engram/vector-core/testing';
import { HnswBackend } from '../src/index.js';

describeVectorBackendContract('hnsw', { create: () => new HnswBackend() });
describeVectorBackendContract('hnsw with storageDir', { create: ({ storageDir }) => new HnswBackend({ storageDir }) });
// With the default planner the suite's small contexts are all scanned exactly; this run sends every
// restricted search through the graph walk with the context and filter in hnswlib's callback.
describeVectorBackendContract('hnsw, graph walk only', {
  create: ({ storageDir }) => new HnswBackend({ storageDir, exactScanLimit: 0, exactScanSelectivity: 0 }),
});
