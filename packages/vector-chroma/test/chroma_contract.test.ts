import { afterAll, beforeAll } from 'vitest';
import { startChroma, type ChromaServer } from '@engram/test-servers';
import { describeVectorBackendContract } from '@engram/vector-core/testing';
import { ChromaBackend } from '../src/index.js';

let server: ChromaServer;
beforeAll(async () => {
  server = await startChroma();
});
afterAll(async () => {
  await server?.stop();
});

describeVectorBackendContract('chroma', { create: () => new ChromaBackend({ url: server.url }) });
// A context with a collection of its own is searched without the context condition: the same guarantees must hold.
describeVectorBackendContract('chroma collection per context', {
  create: () => new ChromaBackend({ url: server.url, collectionPerContext: true }),
  numRuns: 25,
});
