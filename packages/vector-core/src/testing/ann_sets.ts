import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The shared recall sets (`shared/data/ann`, kept beside the repository): `ENGRAM_ANN_DIR`
 * (or `ANN_DIR`), else the first `shared/data/ann` found walking up from the working directory.
 */
export function findAnnDir(start = process.cwd()): string | undefined {
  const fromEnv = process.env.ENGRAM_ANN_DIR ?? process.env.ANN_DIR;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'data', 'ann');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export interface AnnSet {
  name: string;
  dim: number;
  /** Unit-length rows, as VectorStore hands them to a backend. */
  base: Float32Array[];
  queries: Float32Array[];
  /** Per query, the exact 100 nearest base rows, best first. */
  truth: Int32Array[];
}

/** TEXMEX fvecs / ivecs: per row an int32 LE dimension, then that many float32 / int32 LE values. */
export function readVecs(file: string, kind: 'f' | 'i'): Array<Float32Array | Int32Array> {
  const bytes = readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Array<Float32Array | Int32Array> = [];
  for (let offset = 0; offset < bytes.length; ) {
    const dim = view.getInt32(offset, true);
    const row = kind === 'f' ? new Float32Array(dim) : new Int32Array(dim);
    for (let d = 0; d < dim; d++) row[d] = kind === 'f' ? view.getFloat32(offset + 4 + 4 * d, true) : view.getInt32(offset + 4 + 4 * d, true);
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

/** Every cosine ("angular") set, optionally only those whose name contains `only`; [] when none are present. */
export function cosineSets(only?: string, dir = findAnnDir()): AnnSet[] {
  if (!dir) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('-angular') && (!only || name.includes(only)))
    .sort()
    .map((name) => {
      const base = readVecs(join(dir, name, 'base.fvecs'), 'f').map((v) => unit(v as Float32Array));
      const queries = readVecs(join(dir, name, 'query.fvecs'), 'f').map((v) => unit(v as Float32Array));
      const truth = readVecs(join(dir, name, 'groundtruth.ivecs'), 'i') as Int32Array[];
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

/** Exact top-k by dot product over unit rows that `accept` keeps (ground truth for filtered search). */
export function exactTopKWhere(base: readonly Float32Array[], query: Float32Array, k: number, accept: (i: number) => boolean): number[] {
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
