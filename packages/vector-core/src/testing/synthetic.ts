/** Deterministic data for recall checks and benchmarks: same seed, same vectors, on every machine. */

/** mulberry32: a tiny seeded PRNG with uniform output in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export interface ClusteredOptions {
  clusters?: number;
  /** Noise around each centre relative to the centre's length; smaller is tighter. */
  spread?: number;
  seed?: number;
}

/**
 * `count` vectors of `dimension` drawn around random cluster centres, as one flat array
 * (row i at [i*dim, (i+1)*dim)). Clustered like real embeddings, so top-k is not trivial.
 */
export function clusteredVectors(count: number, dimension: number, options: ClusteredOptions = {}): Float32Array {
  const random = seededRandom(options.seed ?? 1);
  const clusters = options.clusters ?? 64;
  const spread = options.spread ?? 0.6;
  const centres: Float64Array[] = [];
  for (let c = 0; c < clusters; c++) {
    const centre = new Float64Array(dimension);
    for (let d = 0; d < dimension; d++) centre[d] = gaussian(random);
    centres.push(centre);
  }
  const out = new Float32Array(count * dimension);
  const noise = spread;
  for (let i = 0; i < count; i++) {
    const centre = centres[Math.floor(random() * clusters)] as Float64Array;
    for (let d = 0; d < dimension; d++) out[i * dimension + d] = (centre[d] as number) + noise * gaussian(random);
  }
  return out;
}

/** Row `i` of a flat array. */
export function row(vectors: Float32Array, dimension: number, i: number): Float32Array {
  return vectors.subarray(i * dimension, (i + 1) * dimension);
}

/**
 * Exact top-k by cosine, computed in float64 from scratch: the reference every backend's
 * results are compared with. `accept` restricts it to matching rows (filtered search).
 */
export function exactTopK(
  vectors: Float32Array,
  dimension: number,
  query: ArrayLike<number>,
  k: number,
  accept: (row: number) => boolean = () => true,
): number[] {
  let qn = 0;
  for (let d = 0; d < dimension; d++) qn += (query[d] as number) ** 2;
  qn = Math.sqrt(qn);
  const scored: Array<[number, number]> = [];
  const count = vectors.length / dimension;
  for (let i = 0; i < count; i++) {
    if (!accept(i)) continue;
    let dot = 0;
    let n = 0;
    for (let d = 0; d < dimension; d++) {
      const v = vectors[i * dimension + d] as number;
      dot += v * (query[d] as number);
      n += v * v;
    }
    scored.push([dot / (Math.sqrt(n) * qn), i]);
  }
  scored.sort((a, b) => b[0] - a[0]);
  return scored.slice(0, k).map(([, i]) => i);
}

/** |found ∩ expected| / |expected|, with `expected` the first k of the exact answer. */
export function recallAtK(found: readonly (string | number)[], expected: readonly (string | number)[]): number {
  if (expected.length === 0) return 1;
  const want = new Set(expected);
  let hit = 0;
  for (const f of found) if (want.has(f)) hit++;
  return hit / expected.length;
}
