import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The shared real vector sets (TEXMEX fvecs/ivecs); see /work/shared/data/ann/README.md. */
export const ANN_DIR = process.env.ENGRAM_ANN_DIR ?? '/work/shared/data/ann';

export interface AnnSet {
  name: string;
  dimension: number;
  base: Float32Array;
  baseCount: number;
  queries: Float32Array;
  queryCount: number;
  /** Per query, the exact nearest base rows (0-based), best first. */
  groundTruth: Int32Array[];
}

/** Rows of an fvecs/ivecs file: per row an int32 dimension, then that many 4-byte values. */
function readVecs(file: string): { dimension: number; count: number; data: ArrayBuffer } {
  const bytes = readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimension = view.getInt32(0, true);
  const rowBytes = 4 + dimension * 4;
  const count = bytes.byteLength / rowBytes;
  if (!Number.isInteger(count)) throw new Error(`${file}: not a vecs file of dimension ${dimension}`);
  const out = new ArrayBuffer(count * dimension * 4);
  const target = new Uint8Array(out);
  for (let i = 0; i < count; i++) {
    if (view.getInt32(i * rowBytes, true) !== dimension) throw new Error(`${file}: row ${i} has another dimension`);
    target.set(bytes.subarray(i * rowBytes + 4, (i + 1) * rowBytes), i * dimension * 4);
  }
  return { dimension, count, data: out };
}

/** Every cosine (angular) set; the L2 set is skipped because cosine ranking differs from its ground truth. */
export function loadCosineSets(): AnnSet[] {
  return readdirSync(ANN_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.endsWith('-angular'))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const base = readVecs(join(ANN_DIR, name, 'base.fvecs'));
      const queries = readVecs(join(ANN_DIR, name, 'query.fvecs'));
      const truth = readVecs(join(ANN_DIR, name, 'groundtruth.ivecs'));
      const rows = new Int32Array(truth.data);
      const groundTruth = Array.from({ length: truth.count }, (_, q) => rows.subarray(q * truth.dimension, (q + 1) * truth.dimension));
      return {
        name,
        dimension: base.dimension,
        base: new Float32Array(base.data),
        baseCount: base.count,
        queries: new Float32Array(queries.data),
        queryCount: queries.count,
        groundTruth,
      };
    });
}

export function unitRow(data: Float32Array, dimension: number, i: number): Float32Array {
  const row = data.slice(i * dimension, (i + 1) * dimension);
  let norm = 0;
  for (const v of row) norm += v * v;
  const inv = 1 / Math.sqrt(norm);
  for (let d = 0; d < dimension; d++) row[d] = (row[d] as number) * inv;
  return row;
}

/** |found ∩ expected top k| / |expected top k| (a filter may match fewer than k rows). */
export function recall(found: ArrayLike<number>, expected: ArrayLike<number>, k: number): number {
  const want = new Set(Array.from(expected).slice(0, k));
  if (want.size === 0) return 1;
  let hit = 0;
  for (let i = 0; i < Math.min(k, found.length); i++) if (want.has(found[i] as number)) hit++;
  return hit / want.size;
}

/** Exact top k of the rows `accept` keeps, in float64: the reference for filtered recall. */
export function exactTopK(unit: Float32Array[], query: Float32Array, k: number, accept: (row: number) => boolean): number[] {
  const scored: Array<[number, number]> = [];
  unit.forEach((row, i) => {
    if (!accept(i)) return;
    let dot = 0;
    for (let d = 0; d < row.length; d++) dot += (row[d] as number) * (query[d] as number);
    scored.push([dot, i]);
  });
  scored.sort((a, b) => b[0] - a[0]);
  return scored.slice(0, k).map(([, i]) => i);
}
