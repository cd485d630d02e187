import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryBackend, VectorStore, type Embedder } from '../src/index.js';
import { recallAtK } from '../src/testing.js';
import { readVecs } from './support/fvecs.js';

// The shared data sets sit beside the repository (../shared from its root); see their README.
const dir = fileURLToPath(new URL('../../../../shared/data/ann/sap-fiori-minilm-384-angular/', import.meta.url));
const present = existsSync(`${dir}base.fvecs`);
if (!present) console.warn(`real_vectors.test: skipped, ${dir} not found`);

/** The store only ever gets vectors from the caller here; any text embedding would be a bug. */
const noEmbedder: Embedder = {
  model: 'all-minilm-l6-v2',
  dimension: 384,
  embed: async () => {
    throw new Error('this test passes every vector explicitly');
  },
};

describe('real sentence embeddings (all-MiniLM-L6-v2, 728 × 384)', () => {
  it.skipIf(!present)('the memory backend reproduces the published exact top-10 for every query', async () => {
    const base = await readVecs(`${dir}base.fvecs`, 'f');
    const queries = await readVecs(`${dir}query.fvecs`, 'f');
    const truth = await readVecs(`${dir}groundtruth.ivecs`, 'i');
    expect(base.dim).toBe(384);
    expect(base.rows.length).toBe(728);
    for (const simd of [true, false]) {
      const store = new VectorStore({ backend: new MemoryBackend({ simd }), embedder: noEmbedder });
      await store.storeVectors(base.rows.map((vector, i) => ({ id: String(i), text: `doc ${i}`, vector: vector as Float32Array })));
      let recall = 0;
      for (const [q, query] of queries.rows.entries()) {
        const results = await store.searchVectors('', { vector: query as Float32Array, k: 10 });
        recall += recallAtK(results.map((r) => Number(r.id)), [...(truth.rows[q] as Int32Array).subarray(0, 10)]);
      }
      expect(recall / queries.rows.length).toBe(1);
      await store.close();
    }
  });
});
