import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The shared recall sets (../shared/data/ann beside the repository); override with ANN_DIR. */
export const ANN_DIR = process.env.ANN_DIR ?? join(import.meta.dirname, '../../../../shared/data/ann');

export interface AnnSet {
  name: string;
  dim: number;
  /** Unit-length rows, as VectorStore hands them to a backend. */
  base: Float32Array[];
  queries: Float32Array[];
  /** Per query, the exact 100 nearest base rows (cosine, float64), best first. */
  truth: Int32Array[];
}

/** fvecs / ivecs: per row an int32 LE dimension, then that many float32 / int32 LE values. */
function readRows(file: string, kind: 'f' | 'i'): Array<Float32Array | Int32Array> {
  const bytes = readFileSync(file);
  const out: Array<Float32Array | Int32Array> = [];
  for (let offset = 0; offset < bytes.length; ) {
    const dim = bytes.readInt32LE(offset);
    const row = kind === 'f' ? new Float32Array(dim) : new Int32Array(dim);
    for (let d = 0; d < dim; d++) row[d] = kind === 'f' ? bytes.readFloatLE(offset + 4 + 4 * d) : bytes.readInt32LE(offset + 4 + 4 * d);
    out.push(row);
    offset += 4 + 4 * dim;
  }
  return out;
}

function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  return v.map((x) => x * inv);
}

/** Every cosine ("angular") set; the L2 set is skipped because the store's score is cosine. */
export function cosineSets(only?: string): AnnSet[] {
  return readdirSync(ANN_DIR)
    .filter((name) => name.endsWith('-angular') && (!only || name.includes(only)))
    .sort()
    .map((name) => {
      const base = readRows(join(ANN_DIR, name, 'base.fvecs'), 'f').map((v) => unit(v as Float32Array));
      const queries = readRows(join(ANN_DIR, name, 'query.fvecs'), 'f').map((v) => unit(v as Float32Array));
      const truth = readRows(join(ANN_DIR, name, 'groundtruth.ivecs'), 'i') as Int32Array[];
      return { name, dim: base[0]!.length, base, queries, truth };
    });
}

/** |found ∩ truth[0..k)| / |truth[0..k)| (a filter may leave fewer than k candidates). */
export function recallAt(k: number, found: readonly number[], truth: ArrayLike<number>): number {
  const want = new Set(Array.from(truth).slice(0, k));
  if (want.size === 0) return 1;
  let hit = 0;
  for (const f of found.slice(0, k)) if (want.has(f)) hit++;
  return hit / want.size;
}

/** Exact top-k by dot product over unit rows, restricted to rows `accept` keeps (filtered ground truth). */
export function exactTopK(base: readonly Float32Array[], query: Float32Array, k: number, accept: (i: number) => boolean): number[] {
  const scored: Array<[number, number]> = [];
  base.forEach((row, i) => {
    if (!accept(i)) return;
    let dot = 0;
    for (let d = 0; d < row.length; d++) dot += (row[d] as number) * (query[d] as number);
    scored.push([dot, i]);
  });
  return scored
    .sort((a, b) => b[0] - a[0])
    .slice(0, k)
    .map(([, i]) => i);
}

export const fmt = (n: number, digits = 0) => n.toFixed(digits);
