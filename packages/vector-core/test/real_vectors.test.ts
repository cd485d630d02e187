import { describe, expect, it } from 'vitest';
import { MemoryBackend, VectorStore, type Embedder } from '../src/index.js';
import { cosineSets, recallAtK } from '../src/testing.js';

// The shared data sets sit beside the repository (shared/data/ann); see their README.
const [set] = cosineSets('sap-fiori-minilm-384');
if (!set) console.warn('real_vectors.test: skipped, shared/data/ann/sap-fiori-minilm-384-angular not found (set ENGRAM_ANN_DIR)');

/** The store only ever gets vectors from the caller here; any text embedding would be a bug. */
const noEmbedder: Embedder = {
  model: 'all-minilm-l6-v2',
  dimension: 384,
  embed: async () => {
    throw new Error('this test passes every vector explicitly');
  },
};

describe('real sentence embeddings (all-MiniLM-L6-v2, 728 × 384)', () => {
  it.skipIf(!set)('the memory backend reproduces the published exact top-10 for every query', async () => {
    const { base, queries, truth } = set!;
    expect(set!.dim).toBe(384);
    expect(base.length).toBe(728);
    for (const simd of [true, false]) {
      const store = new VectorStore({ backend: new MemoryBackend({ simd }), embedder: noEmbedder });
      await store.storeVectors(base.map((vector, i) => ({ id: String(i), text: `doc ${i}`, vector })));
      let recall = 0;
      for (const [q, query] of queries.entries()) {
        const results = await store.searchVectors('', { vector: query, k: 10 });
        recall += recallAtK(results.map((r) => Number(r.id)), [...truth[q]!.subarray(0, 10)]);
      }
      expect(recall / queries.length).toBe(1);
      await store.close();
    }
  });
});
