import { describe } from 'vitest';
import { describeVectorBackendContract } from '@engram/vector-core/testing';
import { QdrantBackend } from '../src/index.js';

// No Qdrant server can be installed on the project's machines; the suite runs against one given here.
const url = process.env.QDRANT_URL;
const apiKey = process.env.QDRANT_API_KEY || undefined;
if (!url) console.warn('Qdrant contract suite skipped: set QDRANT_URL to run it against a real server');

describe.skipIf(!url)('qdrant against QDRANT_URL', () => {
  describeVectorBackendContract('qdrant', { create: () => new QdrantBackend({ url, apiKey }) });
  describeVectorBackendContract('qdrant collection per context', {
    create: () => new QdrantBackend({ url, apiKey, collectionPerContext: true }),
    numRuns: 20,
  });
});
