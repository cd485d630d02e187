import * as hnswlib from 'hnswlib-node';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import type { HnswOptions } from './hnsw_options.js';

export type NativeIndex = hnswlib.HierarchicalNSW;

// hnswlib-node is CommonJS whose exports Node's ESM loader cannot see by name: under ESM the
// classes sit on `default`, under the CJS build and vitest on the namespace itself.
const native = ((hnswlib as unknown as { default?: typeof hnswlib }).default ?? hnswlib) as typeof hnswlib;

/**
 * Space `ip`: the store hands over unit vectors, so inner product is cosine similarity. Space
 * `cosine` would normalise every vector and query again in C++ (the same numbers, more work), and
 * `ip` keeps the graph's vectors bit-identical to the copies the exact scan reads.
 */
export const SPACE = 'ip';

export function createIndex(dimension: number, capacity: number, options: HnswOptions): NativeIndex {
  const index = new native.HierarchicalNSW(SPACE, dimension);
  try {
    // Deleted labels are reused through our own free list (addPoint on a deleted label revives it),
    // so hnswlib's replace-deleted mode, which relabels slots behind our back, stays off.
    index.initIndex({
      maxElements: capacity,
      m: options.M,
      efConstruction: options.efConstruction,
      randomSeed: options.randomSeed,
      allowReplaceDeleted: false,
    });
  } catch (error) {
    throw nativeError('could not allocate the HNSW index; lower initialCapacity or M, or free memory', error);
  }
  return index;
}

export async function loadIndex(file: string, dimension: number): Promise<NativeIndex> {
  const index = new native.HierarchicalNSW(SPACE, dimension);
  await index.readIndex(file, false);
  return index;
}

/** hnswlib reports problems as plain Errors ("Hnswlib Error: …"); callers match on MemoryError codes. */
export function nativeError(message: string, cause: unknown): MemoryError {
  return new MemoryError(ErrorCode.VECTOR_DB_ERROR, message, { cause });
}

/** A fresh `number[]` copy of a vector, for one-off calls; hot paths reuse one with `copyInto`. */
export function toArray(vector: Float32Array): number[] {
  return copyInto(vector, new Array<number>(vector.length));
}

/**
 * hnswlib-node takes points as JS arrays only (it checks IsArray), never typed arrays. It copies
 * the array into C++ before returning, so one scratch array per collection serves every call and
 * no search or insert allocates one.
 */
export function copyInto(vector: Float32Array, out: number[]): number[] {
  for (let i = 0; i < vector.length; i++) out[i] = vector[i] as number;
  return out;
}

/** A scratch point for `copyInto`: packed doubles from the start, so V8 never changes its element kind. */
export function scratchPoint(dimension: number): number[] {
  return Array.from({ length: dimension }, () => 0.5);
}
