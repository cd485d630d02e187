import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeRows, type VectorSet } from './vector_set.js';

/** Rows of an fvecs / ivecs file: per row an int32 LE dimension, then that many float32 / int32 LE values. */
export function readVecs(file: string, kind: 'f' | 'i'): { dim: number; rows: number; data: Float32Array | Int32Array } {
  const bytes = readFileSync(file);
  const dim = bytes.readInt32LE(0);
  const rowBytes = 4 + 4 * dim;
  if (dim <= 0 || bytes.length % rowBytes !== 0) throw new Error(`${file} is not a ${kind}vecs file with one dimension throughout`);
  const rows = bytes.length / rowBytes;
  const data = kind === 'f' ? new Float32Array(rows * dim) : new Int32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const offset = r * rowBytes;
    if (bytes.readInt32LE(offset) !== dim) throw new Error(`${file}: row ${r} has another dimension`);
    for (let d = 0; d < dim; d++) data[r * dim + d] = kind === 'f' ? bytes.readFloatLE(offset + 4 + 4 * d) : bytes.readInt32LE(offset + 4 + 4 * d);
  }
  return { dim, rows, data };
}

/** The cosine ("-angular") sets of the shared folder, normalised; the L2 set is left out (scores are cosine). */
export function cosineSetNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('-angular'))
    .sort();
}

export function loadCosineSet(dir: string, name: string): VectorSet {
  const base = readVecs(join(dir, name, 'base.fvecs'), 'f');
  const queries = readVecs(join(dir, name, 'query.fvecs'), 'f');
  const truth = readVecs(join(dir, name, 'groundtruth.ivecs'), 'i');
  const k = truth.dim;
  return {
    name: name.replace(/-angular$/, ''),
    dim: base.dim,
    count: base.rows,
    base: normalizeRows(base.data as Float32Array, base.dim),
    queries: normalizeRows(queries.data as Float32Array, base.dim),
    queryCount: queries.rows,
    truth: Array.from({ length: truth.rows }, (_, q) => Array.from(truth.data.subarray(q * k, q * k + 10))),
  };
}
