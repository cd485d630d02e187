import { type FilterNode, isMatchAll } from '../filter.js';
import { compileFilter, type MetadataPredicate, type StoredMetadata } from '../filter_compiler.js';
import { TopK } from '../top_k.js';
import { MetadataIndex } from './metadata_index.js';
import { scanAll, scanFiltered, scanSlots } from './scan.js';
import { SimdRows } from './simd_rows.js';

export interface FlatHit {
  id: string;
  score: number;
  metadata: StoredMetadata;
}

/** How a search ran; counted in the backend's stats. */
export type SearchPlan = 'all' | 'filtered-scan' | 'index';

/** Below this many rows a filtered full scan is already sub-millisecond: no metadata index is built. */
const INDEX_MIN_ROWS = 4_096;
/** Scan the index's candidates when they are at most this share of the rows; else scan all with the filter. */
const INDEX_MAX_SELECTIVITY = 0.25;
/** Smaller buffers stay plain arrays: a WebAssembly memory costs at least a 64 KiB page. */
const SIMD_MIN_BYTES = 256 * 1024;
const INITIAL_CAPACITY = 4;

/**
 * Exact search over one context: every vector in one contiguous Float32Array (grown by doubling),
 * slot i at [i*dim, (i+1)*dim). Delete is O(1): the last row moves into the hole. Large buffers
 * live in WebAssembly memory so the SIMD kernel scans them in place.
 */
export class FlatIndex {
  readonly dimension: number;
  readonly #simd: boolean;
  #data: Float32Array;
  #rows: SimdRows | undefined;
  readonly #ids: string[] = [];
  readonly #metadata: StoredMetadata[] = [];
  readonly #slotOf = new Map<string, number>();
  #index: MetadataIndex | undefined;
  lastPlan: SearchPlan = 'all';

  constructor(dimension: number, capacity = INITIAL_CAPACITY, simd = true) {
    this.dimension = dimension;
    this.#simd = simd;
    this.#data = this.#allocate(Math.max(1, capacity));
  }

  get count(): number {
    return this.#ids.length;
  }

  get allocatedBytes(): number {
    return this.#data.byteLength;
  }

  get usesSimd(): boolean {
    return this.#rows !== undefined;
  }

  #allocate(capacity: number): Float32Array {
    const rows = this.#simd && capacity * this.dimension * 4 >= SIMD_MIN_BYTES ? SimdRows.tryCreate(this.dimension, capacity) : undefined;
    this.#rows = rows;
    return rows?.data ?? new Float32Array(capacity * this.dimension);
  }

  #resize(capacity: number): void {
    const old = this.#data;
    this.#data = this.#allocate(capacity);
    this.#data.set(old.subarray(0, this.count * this.dimension));
  }

  upsert(id: string, vector: Float32Array, metadata: StoredMetadata): void {
    const existing = this.#slotOf.get(id);
    if (existing !== undefined) {
      this.#data.set(vector, existing * this.dimension);
      this.#index?.remove(existing, this.#metadata[existing] as StoredMetadata);
      this.#metadata[existing] = metadata;
      this.#index?.add(existing, metadata);
      return;
    }
    const slot = this.count;
    if ((slot + 1) * this.dimension > this.#data.length) this.#resize((this.#data.length / this.dimension) * 2);
    this.#data.set(vector, slot * this.dimension);
    this.#ids.push(id);
    this.#metadata.push(metadata);
    this.#slotOf.set(id, slot);
    this.#index?.add(slot, metadata);
  }

  delete(id: string): boolean {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.count - 1;
    const dim = this.dimension;
    this.#index?.remove(slot, this.#metadata[slot] as StoredMetadata);
    if (slot !== last) {
      this.#data.copyWithin(slot * dim, last * dim, (last + 1) * dim);
      const movedId = this.#ids[last] as string;
      const movedMetadata = this.#metadata[last] as StoredMetadata;
      this.#ids[slot] = movedId;
      this.#metadata[slot] = movedMetadata;
      this.#slotOf.set(movedId, slot);
      this.#index?.move(last, slot, movedMetadata);
    }
    this.#ids.pop();
    this.#metadata.pop();
    this.#slotOf.delete(id);
    // Give memory back after mass deletes, with headroom so delete/insert cycles do not thrash.
    const capacity = this.#data.length / dim;
    if (capacity > 64 && this.count * 4 <= capacity) this.#resize(capacity / 2);
    return true;
  }

  search(query: Float32Array, k: number, filter: FilterNode): FlatHit[] {
    const heap = new TopK(Math.min(k, this.count));
    if (heap.capacity === 0) return [];
    if (isMatchAll(filter)) {
      this.lastPlan = 'all';
      if (this.#rows) pushScores(this.#rows.scores(query, this.count), this.count, heap);
      else scanAll(this.#data, this.count, this.dimension, query, heap);
      return this.#hits(heap);
    }
    const predicate = compileFilter(filter);
    if (this.count >= INDEX_MIN_ROWS) {
      this.#index ??= new MetadataIndex(() => this.#metadata);
      const estimate = this.#index.estimate(filter);
      if (estimate !== undefined && estimate <= this.count * INDEX_MAX_SELECTIVITY) {
        this.lastPlan = 'index';
        scanSlots(this.#data, this.#metadata, this.#index.candidates(filter), this.dimension, query, heap, predicate);
        return this.#hits(heap);
      }
    }
    this.lastPlan = 'filtered-scan';
    if (this.#rows) this.#pushMatching(this.#rows.scores(query, this.count), heap, predicate);
    else scanFiltered(this.#data, this.#metadata, this.count, this.dimension, query, heap, predicate);
    return this.#hits(heap);
  }

  /** SIMD scores everything; the filter then runs only on rows good enough to enter the top k. */
  #pushMatching(scores: Float64Array, heap: TopK, predicate: MetadataPredicate): void {
    let threshold = heap.threshold;
    for (let slot = 0; slot < this.count; slot++) {
      const score = scores[slot] as number;
      if (score > threshold && predicate(this.#metadata[slot] as StoredMetadata)) {
        heap.push(score, slot);
        threshold = heap.threshold;
      }
    }
  }

  #hits(heap: TopK): FlatHit[] {
    return heap.sorted().map(({ score, slot }) => ({
      id: this.#ids[slot] as string,
      score,
      metadata: this.#metadata[slot] as StoredMetadata,
    }));
  }

  /** Rows in slot order, for snapshots: vectors as a view over the live buffer (copy before mutating). */
  snapshot(): { ids: readonly string[]; metadata: readonly StoredMetadata[]; vectors: Float32Array } {
    return { ids: this.#ids, metadata: this.#metadata, vectors: this.#data.subarray(0, this.count * this.dimension) };
  }

  /** Builds an index from snapshot rows (ids.length × dimension floats in `vectors`). */
  static fromRows(dimension: number, ids: readonly string[], metadata: readonly StoredMetadata[], vectors: Float32Array, simd = true): FlatIndex {
    const index = new FlatIndex(dimension, 1, simd);
    const floats = ids.length * dimension;
    if (ids.length > 0) {
      // A plain buffer of the exact size is adopted as is; a SIMD one must live in wasm memory.
      index.#data = index.#allocate(ids.length);
      if (index.#rows || vectors.length !== floats) index.#data.set(vectors.subarray(0, floats));
      else index.#data = vectors;
    }
    for (let slot = 0; slot < ids.length; slot++) {
      const id = ids[slot] as string;
      index.#ids.push(id);
      index.#metadata.push(metadata[slot] as StoredMetadata);
      index.#slotOf.set(id, slot);
    }
    return index;
  }
}

function pushScores(scores: Float64Array, count: number, heap: TopK): void {
  let threshold = heap.threshold;
  for (let slot = 0; slot < count; slot++) {
    const score = scores[slot] as number;
    if (score > threshold) {
      heap.push(score, slot);
      threshold = heap.threshold;
    }
  }
}
