import type { StoredMetadata } from '@engram/vector-core';

/** Context ordinal of a label that holds no record (never used, or deleted and waiting for reuse). */
export const FREE = -1;

/** What a free label's metadata row holds: the metadata index reads every row, so none may be missing. */
export const NO_METADATA: StoredMetadata = Object.freeze({});

/**
 * Everything the backend knows per hnswlib label: id, context, metadata and a copy of the vector.
 * Labels are dense slots `0 … used-1`; a deleted label goes on a free list and the next insert
 * takes it, so the hnswlib index (which never shrinks) does not grow under churn.
 *
 * The vector copy is what the exact-scan plan reads: hnswlib-node can only return a point as a
 * JS array, one call per label, which is ~50× slower than reading a Float32Array row.
 */
export class LabelTable {
  readonly dimension: number;
  #capacity: number;
  #vectors: Float32Array;
  #contexts: Int32Array;
  readonly ids: Array<string | undefined> = [];
  readonly metadata: StoredMetadata[] = [];
  readonly #free: number[] = [];
  #used = 0;
  #live = 0;

  constructor(dimension: number, capacity: number) {
    this.dimension = dimension;
    this.#capacity = Math.max(1, capacity);
    this.#vectors = new Float32Array(this.#capacity * dimension);
    this.#contexts = new Int32Array(this.#capacity).fill(FREE);
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Labels ever handed to hnswlib (its element count): live ones plus free ones. */
  get used(): number {
    return this.#used;
  }

  get live(): number {
    return this.#live;
  }

  get freeCount(): number {
    return this.#free.length;
  }

  /** Row-major copies of the vectors, label i at [i*dim, (i+1)*dim). Replaced when the table grows. */
  get vectors(): Float32Array {
    return this.#vectors;
  }

  /** Label → context ordinal (FREE for free labels). Replaced when the table grows. */
  get contexts(): Int32Array {
    return this.#contexts;
  }

  get allocatedBytes(): number {
    return this.#vectors.byteLength + this.#contexts.byteLength;
  }

  /** True when the next `take()` needs a label beyond the capacity (the caller grows hnswlib first). */
  get full(): boolean {
    return this.#free.length === 0 && this.#used >= this.#capacity;
  }

  grow(capacity: number): void {
    if (capacity <= this.#capacity) return;
    const vectors = new Float32Array(capacity * this.dimension);
    vectors.set(this.#vectors);
    const contexts = new Int32Array(capacity).fill(FREE);
    contexts.set(this.#contexts);
    this.#vectors = vectors;
    this.#contexts = contexts;
    this.#capacity = capacity;
  }

  /** A label for a new record: a freed one when there is one, else the next unused slot. */
  take(): { label: number; reused: boolean } {
    const reused = this.#free.pop();
    if (reused !== undefined) return { label: reused, reused: true };
    if (this.#used >= this.#capacity) throw new Error('LabelTable.take() called while full; grow() first');
    return { label: this.#used++, reused: false };
  }

  /** Gives back a label `take()` returned but that was never filled (a failed insert). */
  untake(label: number, reused: boolean): void {
    if (reused) this.#free.push(label);
    else if (label === this.#used - 1) this.#used--;
    else this.#free.push(label);
  }

  /** Fills or overwrites a label's record; without `vector` the row already holds it (a reload). */
  set(label: number, id: string, context: number, vector: Float32Array | undefined, metadata: StoredMetadata): void {
    if (this.#contexts[label] === FREE) this.#live++;
    this.ids[label] = id;
    this.#contexts[label] = context;
    this.metadata[label] = metadata;
    if (vector) this.#vectors.set(vector, label * this.dimension);
  }

  /** Frees a live label for reuse. */
  release(label: number): void {
    if (this.#contexts[label] === FREE) return;
    this.#contexts[label] = FREE;
    this.ids[label] = undefined;
    this.metadata[label] = NO_METADATA;
    this.#live--;
    this.#free.push(label);
  }

  /**
   * After a reload: labels `0 … used-1` exist in hnswlib and those never `set` are deleted there,
   * so they become the free list.
   */
  restoreUsed(used: number): void {
    this.#used = used;
    for (let label = used - 1; label >= 0; label--) {
      if (this.#contexts[label] === FREE) {
        this.metadata[label] = NO_METADATA;
        this.#free.push(label);
      }
    }
  }

  isFree(label: number): boolean {
    return this.#contexts[label] === FREE;
  }
}
