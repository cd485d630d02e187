import { ErrorCode, MemoryError, invalidArgument, type VectorInput } from '@engram/memory-core';

/**
 * Copies `input` into a new unit-length Float32Array. The norm is summed in float64 so
 * long vectors of small components do not lose precision before the division.
 */
export function normalizedCopy(input: VectorInput, dimension: number, field = 'vector'): Float32Array {
  if (!(input instanceof Float32Array) && !Array.isArray(input)) {
    throw invalidArgument(`${field} must be a Float32Array or an array of numbers`, { field });
  }
  if (input.length !== dimension) {
    throw invalidArgument(
      `${field} has ${input.length} dimensions but this collection holds ${dimension}-dimensional vectors; ` +
        'embed with the same model as the collection (vectors are never truncated or padded)',
      { field, expected: dimension, actual: input.length },
    );
  }
  const out = new Float32Array(dimension);
  let sum = 0;
  for (let i = 0; i < dimension; i++) {
    const v = input[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalidArgument(`${field}[${i}] must be a finite number`, { field, index: i });
    }
    out[i] = v;
    sum += v * v;
  }
  if (sum === 0) {
    throw invalidArgument(`${field} is all zeros: cosine similarity is undefined for it; pass a non-zero vector`, { field });
  }
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < dimension; i++) out[i] = (out[i] as number) * inv;
  return out;
}

/** Like `normalizedCopy`, for an embedder's output: a wrong shape is the embedder's fault, not the caller's. */
export function normalizedEmbedding(vector: Float32Array, dimension: number, model: string): Float32Array {
  try {
    return normalizedCopy(vector, dimension, 'embedding');
  } catch (error) {
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      `embedder "${model}" returned an unusable vector (${(error as Error).message}); fix the embedder or its dimension`,
      { cause: error, details: { model } },
    );
  }
}

/**
 * Dot product of `query` with the row starting at `offset` in `data`. Four independent
 * accumulators let the CPU overlap the multiply-adds instead of waiting on one sum.
 */
export function dotAt(data: Float32Array, offset: number, query: Float32Array, dimension: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const end4 = dimension - (dimension & 3);
  for (; i < end4; i += 4) {
    const o = offset + i;
    s0 += (data[o] as number) * (query[i] as number);
    s1 += (data[o + 1] as number) * (query[i + 1] as number);
    s2 += (data[o + 2] as number) * (query[i + 2] as number);
    s3 += (data[o + 3] as number) * (query[i + 3] as number);
  }
  for (; i < dimension; i++) s0 += (data[offset + i] as number) * (query[i] as number);
  return s0 + s1 + s2 + s3;
}

/** Rounding can push the dot product of two unit vectors a hair past ±1; the contract promises [-1, 1]. */
export function clampScore(score: number): number {
  return score > 1 ? 1 : score < -1 ? -1 : score;
}
