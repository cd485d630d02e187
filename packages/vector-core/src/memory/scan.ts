import type { MetadataPredicate, StoredMetadata } from '../filter_compiler.js';
import { TopK } from '../top_k.js';

/*
 * The plain-JS loops of exact search, for small contexts and where WebAssembly SIMD is missing
 * (large contexts use simd_kernel.ts, ~4x faster). The dot product (scoreRow, which V8 inlines)
 * runs four accumulators, and rows are addressed by offset so no per-row view is allocated.
 */

export function scanAll(data: Float32Array, count: number, dim: number, query: Float32Array, heap: TopK): void {
  for (let slot = 0, base = 0; slot < count; slot++, base += dim) {
    const score = scoreRow(data, base, dim, query);
    if (score > heap.threshold) heap.push(score, slot);
  }
}

function scoreRow(data: Float32Array, base: number, dim: number, query: Float32Array): number {
  const end4 = dim - (dim & 3);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i < end4; i += 4) {
    const o = base + i;
    s0 += (data[o] as number) * (query[i] as number);
    s1 += (data[o + 1] as number) * (query[i + 1] as number);
    s2 += (data[o + 2] as number) * (query[i + 2] as number);
    s3 += (data[o + 3] as number) * (query[i + 3] as number);
  }
  for (; i < dim; i++) s0 += (data[base + i] as number) * (query[i] as number);
  return s0 + s1 + s2 + s3;
}

/** Full scan that evaluates the filter first: a rejected row costs a metadata lookup, not a dot product. */
export function scanFiltered(
  data: Float32Array,
  metadata: readonly StoredMetadata[],
  count: number,
  dim: number,
  query: Float32Array,
  heap: TopK,
  predicate: MetadataPredicate,
): void {
  for (let slot = 0; slot < count; slot++) {
    if (!predicate(metadata[slot] as StoredMetadata)) continue;
    const score = scoreRow(data, slot * dim, dim, query);
    if (score > heap.threshold) heap.push(score, slot);
  }
}

/** Scores only the candidate slots the metadata index found, re-checking the full filter on each. */
export function scanSlots(
  data: Float32Array,
  metadata: readonly StoredMetadata[],
  slots: Iterable<number>,
  dim: number,
  query: Float32Array,
  heap: TopK,
  predicate: MetadataPredicate,
): void {
  for (const slot of slots) {
    if (!predicate(metadata[slot] as StoredMetadata)) continue;
    const score = scoreRow(data, slot * dim, dim, query);
    if (score > heap.threshold) heap.push(score, slot);
  }
}
