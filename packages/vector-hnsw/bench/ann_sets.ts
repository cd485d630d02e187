// The loader lives in @engram/vector-core/testing; this file keeps the bench's short names.
export { cosineSets, exactTopKWhere as exactTopK, recallAt, type AnnSet } from '@engram/vector-core/testing';

export const fmt = (n: number, digits = 0) => n.toFixed(digits);
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
