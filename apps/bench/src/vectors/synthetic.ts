import { exactTopK, normalizeRows, rowOf, type VectorSet } from './vector_set.js';

/** mulberry32: a tiny seeded PRNG, so every run and machine measures the same vectors. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` base rows and `queries` query rows of `dim`, drawn around `clusters` random centres
 * (Gaussian noise of `spread` per component) and normalised: clustered like real embeddings,
 * so a top 10 is not trivial. Queries come from the same clusters but are not base rows.
 * Ground truth is computed exactly for the first `truthFor` queries (it costs count × dim each).
 */
export function syntheticSet(count: number, dim: number, queries: number, truthFor = queries, clusters = 256, spread = 0.8): VectorSet {
  const random = seeded(42);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusters }, () => Float64Array.from({ length: dim }, gaussian));
  const draw = (n: number) => {
    const out = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const centre = centres[Math.floor(random() * clusters)]!;
      for (let d = 0; d < dim; d++) out[i * dim + d] = centre[d]! + spread * gaussian();
    }
    return normalizeRows(out, dim);
  };
  const base = draw(count);
  const query = draw(queries);
  const set: VectorSet = { name: `synthetic-${count / 1000}k-${dim}d`, dim, count, base, queries: query, queryCount: queries, truth: [] };
  for (let q = 0; q < truthFor; q++) set.truth.push(exactTopK(set, rowOf(query, dim, q), 10));
  return set;
}
