import { describeVectorBackendContract } from '@engram/vector-core/testing';
import { FaissBackend, createBackend } from '../src/index.js';
import { binding, describeBindingRequirement, faissAvailable } from './support/faiss_gate.js';

describeBindingRequirement();

if (faissAvailable) {
  describeVectorBackendContract('faiss', { create: () => new FaissBackend({ binding }) });
  // Through the factory `new VectorStore({ vectorDbType: 'faiss', storageDir })` uses.
  describeVectorBackendContract('faiss with storageDir', { create: ({ storageDir }) => createBackend({ storageDir }) });
}
