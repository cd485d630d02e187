/** A base set and its queries as flat, unit-length rows, with the exact top 10 of each query when known. */
export interface VectorSet {
  name: string;
  dim: number;
  count: number;
  /** count × dim, row i at [i·dim, (i+1)·dim). */
  base: Float32Array;
  queries: Float32Array;
  queryCount: number;
  /** Per query, the exact 10 nearest base rows, best first. */
  truth: number[][];
}

export const rowOf = (flat: Float32Array, dim: number, i: number): Float32Array => flat.subarray(i * dim, (i + 1) * dim);

/** A normalised copy: cosine becomes a dot product, as VectorStore hands vectors to a backend. */
export function normalizeRows(flat: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(flat.length);
  for (let start = 0; start < flat.length; start += dim) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += flat[start + d]! * flat[start + d]!;
    const inv = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) out[start + d] = flat[start + d]! * inv;
  }
  return out;
}

/**
 * The exact top k of unit-length rows by dot product, accumulated in float64: the reference
 * recall is measured against. `accept` restricts it to matching rows (filtered search).
 */
export function exactTopK(set: Pick<VectorSet, 'base' | 'dim' | 'count'>, query: Float32Array, k: number, accept?: (row: number) => boolean): number[] {
  const ids: number[] = [];
  const scores: number[] = [];
  const { base, dim } = set;
  for (let i = 0; i < set.count; i++) {
    if (accept && !accept(i)) continue;
    let dot = 0;
    const start = i * dim;
    for (let d = 0; d < dim; d++) dot += base[start + d]! * query[d]!;
    if (ids.length === k && dot <= scores[k - 1]!) continue;
    let at = Math.min(ids.length, k - 1);
    while (at > 0 && scores[at - 1]! < dot) at--;
    ids.splice(at, 0, i);
    scores.splice(at, 0, dot);
    if (ids.length > k) {
      ids.pop();
      scores.pop();
    }
  }
  return ids;
}

/** |found ∩ expected| / |expected|: recall@k when both hold the top k. */
export function recallOf(found: readonly number[], expected: readonly number[]): number {
  if (expected.length === 0) return found.length === 0 ? 1 : 0;
  const want = new Set(expected);
  let hit = 0;
  for (const f of found) if (want.has(f)) hit++;
  return hit / expected.length;
}

/** Mean recall over queries. */
export function meanRecall(found: ReadonlyArray<readonly number[]>, truth: ReadonlyArray<readonly number[]>): number {
  let sum = 0;
  for (let q = 0; q < found.length; q++) sum += recallOf(found[q]!, truth[q]!);
  return sum / found.length;
}
