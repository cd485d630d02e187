import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The shared recall sets (../shared/data/ann relative to the repository); override with ANN_DIR. */
export const ANN_DIR = process.env.ANN_DIR ?? join(import.meta.dirname, '../../../../shared/data/ann');

export interface AnnSet {
  name: string;
  dim: number;
  /** Unit-length rows, as VectorStore would hand them to a backend. */
  base: Float32Array[];
  queries: Float32Array[];
  /** Per query, the exact 100 nearest base rows, best first. */
  truth: Int32Array[];
}

function rows(file: string, kind: 'f' | 'i'): Array<Float32Array | Int32Array> {
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
      const base = rows(join(ANN_DIR, name, 'base.fvecs'), 'f').map((v) => unit(v as Float32Array));
      const queries = rows(join(ANN_DIR, name, 'query.fvecs'), 'f').map((v) => unit(v as Float32Array));
      const truth = rows(join(ANN_DIR, name, 'groundtruth.ivecs'), 'i') as Int32Array[];
      return { name, dim: base[0]!.length, base, queries, truth };
    });
}

/** |found ∩ truth[0..k)| / k. */
export function recallAt(k: number, found: readonly number[], truth: Int32Array): number {
  const want = new Set(Array.from(truth.subarray(0, k)));
  let hit = 0;
  for (const f of found.slice(0, k)) if (want.has(f)) hit++;
  return hit / k;
}

export const fmt = (n: number, digits = 0) => n.toFixed(digits);
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
