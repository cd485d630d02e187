import { ErrorCode, MemoryError } from '@engram/memory-core';
import { MetadataIndex, type BackendRecord, type StoredMetadata } from '@engram/vector-core';
import type { FaissIndex, FaissModule } from './faiss_binding.js';
import { decodeFlatIp, encodeFlatIp } from './flat_ip_codec.js';

/** Metadata of a deleted row: no filter may ever see it, so scans test for it by identity first. */
export const DEAD: StoredMetadata = Object.freeze({});

const INITIAL_CAPACITY = 4;

function nativeFailure(what: string): MemoryError {
  return new MemoryError(
    ErrorCode.VECTOR_DB_ERROR,
    `faiss ${what} left the index with an unexpected row count; reopen the store (the persisted file is unaffected) and report this`,
    { details: { backend: 'faiss' } },
  );
}

/**
 * One context's rows: a faiss IndexFlatIP plus a JS copy of the same vectors in the same order,
 * so label i is row i in both. The copy lets a selective filter score just its matching rows
 * exactly (faiss-node has no filtered search) and lets the index be rebuilt and persisted without
 * the slow per-element `add`.
 *
 * Deletes and replacements leave a tombstone (metadata DEAD, id undefined) instead of calling
 * faiss `removeIds`, which renumbers every later label and is O(rows × removed) on a flat index;
 * once tombstones reach a quarter of the rows the index is rebuilt from the live rows in one pass.
 */
export class FaissContextIndex {
  readonly dimension: number;
  readonly #faiss: FaissModule;
  #index: FaissIndex;
  #vectors: Float32Array;
  #ids: (string | undefined)[] = [];
  #metadata: StoredMetadata[] = [];
  #labelOf = new Map<string, number>();
  #dead = 0;
  #metadataIndex: MetadataIndex | undefined;
  compactions = 0;

  constructor(faiss: FaissModule, dimension: number, capacity = INITIAL_CAPACITY) {
    this.#faiss = faiss;
    this.dimension = dimension;
    this.#index = new faiss.IndexFlatIP(dimension);
    this.#vectors = new Float32Array(Math.max(1, capacity) * dimension);
  }

  /** Rebuilds a context from a persisted block (faiss's own IndexFlatIP bytes) and its rows' ids and metadata. */
  static fromBlock(
    faiss: FaissModule,
    dimension: number,
    ids: readonly string[],
    metadata: readonly StoredMetadata[],
    block: Buffer,
  ): FaissContextIndex {
    const context = new FaissContextIndex(faiss, dimension, 1);
    const vectors = decodeFlatIp(block, dimension);
    if (vectors.length !== ids.length * dimension || metadata.length !== ids.length) {
      throw new Error('block row count differs from its ids');
    }
    const index = faiss.IndexFlatIP.fromBuffer(block);
    if (index.ntotal() !== ids.length) throw new Error('faiss read a different row count');
    context.#index = index;
    context.#vectors = vectors.length > 0 ? vectors : context.#vectors;
    context.#ids = [...ids];
    context.#metadata = [...metadata];
    ids.forEach((id, label) => context.#labelOf.set(id, label));
    return context;
  }

  /** Live records. */
  get count(): number {
    return this.#labelOf.size;
  }

  /** Rows in faiss, tombstones included. */
  get rows(): number {
    return this.#ids.length;
  }

  get tombstones(): number {
    return this.#dead;
  }

  get allocatedBytes(): number {
    return this.#vectors.byteLength;
  }

  /** What search plans read; valid until the next write. */
  get view(): ContextView {
    return {
      index: this.#index,
      vectors: this.#vectors,
      ids: this.#ids,
      metadata: this.#metadata,
      rows: this.rows,
      dead: this.#dead,
      dimension: this.dimension,
      metadataIndex: () => (this.#metadataIndex ??= new MetadataIndex(() => this.#metadata)),
    };
  }

  /** Inserts or replaces by id. The faiss side goes first, so a failure there changes nothing. */
  upsert(records: readonly BackendRecord[]): void {
    const n = records.length;
    if (n === 0) return;
    const dim = this.dimension;
    const batch = new Float32Array(n * dim);
    records.forEach((r, i) => batch.set(r.vector, i * dim));
    const before = this.rows;
    const incoming = this.#faiss.IndexFlatIP.fromBuffer(encodeFlatIp(dim, batch));
    if (before === 0) this.#index = incoming;
    else this.#index.mergeFrom(incoming);
    if (this.#index.ntotal() !== before + n) throw nativeFailure('add');

    this.#ensureCapacity(before + n);
    this.#vectors.set(batch, before * dim);
    records.forEach((r, i) => {
      const old = this.#labelOf.get(r.id);
      if (old !== undefined) this.#kill(old);
      const label = before + i;
      this.#ids.push(r.id);
      this.#metadata.push(r.metadata);
      this.#labelOf.set(r.id, label);
      this.#metadataIndex?.add(label, r.metadata);
    });
    this.#compactIfSparse();
  }

  /** Returns how many of `ids` existed. */
  delete(ids: readonly string[]): number {
    let removed = 0;
    for (const id of ids) {
      const label = this.#labelOf.get(id);
      if (label === undefined) continue;
      this.#kill(label);
      removed++;
    }
    if (removed > 0) this.#compactIfSparse();
    return removed;
  }

  #kill(label: number): void {
    this.#labelOf.delete(this.#ids[label] as string);
    this.#ids[label] = undefined;
    this.#metadata[label] = DEAD;
    this.#dead++;
  }

  #ensureCapacity(rows: number): void {
    const needed = rows * this.dimension;
    if (needed <= this.#vectors.length) return;
    let capacity = Math.max(1, this.#vectors.length / this.dimension);
    while (capacity * this.dimension < needed) capacity *= 2;
    const grown = new Float32Array(capacity * this.dimension);
    grown.set(this.#vectors.subarray(0, this.rows * this.dimension));
    this.#vectors = grown;
  }

  #compactIfSparse(): void {
    if (this.#dead > 0 && this.#dead * 4 >= this.rows) this.compact();
  }

  /** Drops tombstones: live rows keep their order, labels become 0..count-1, faiss is rebuilt from the copy. */
  compact(): void {
    if (this.#dead === 0) return;
    const dim = this.dimension;
    const live = this.count;
    const vectors = new Float32Array(Math.max(live, INITIAL_CAPACITY) * dim);
    const ids: string[] = [];
    const metadata: StoredMetadata[] = [];
    for (let label = 0; label < this.rows; label++) {
      const id = this.#ids[label];
      if (id === undefined) continue;
      vectors.set(this.#vectors.subarray(label * dim, (label + 1) * dim), ids.length * dim);
      ids.push(id);
      metadata.push(this.#metadata[label] as StoredMetadata);
    }
    const index =
      live === 0 ? new this.#faiss.IndexFlatIP(dim) : this.#faiss.IndexFlatIP.fromBuffer(encodeFlatIp(dim, vectors.subarray(0, live * dim)));
    if (index.ntotal() !== live) throw nativeFailure('rebuild');
    this.#index = index;
    this.#vectors = vectors;
    this.#ids = ids;
    this.#metadata = metadata;
    this.#labelOf = new Map(ids.map((id, label) => [id, label]));
    this.#dead = 0;
    // Labels moved, so postings are stale; the index is rebuilt lazily by the next filtered search.
    this.#metadataIndex = undefined;
    this.compactions++;
  }

  /** Live rows in label order, for persisting: compacts first, and the vectors are a view (write before the next change). */
  snapshot(): { ids: readonly string[]; metadata: readonly StoredMetadata[]; vectors: Float32Array } {
    this.compact();
    return {
      ids: this.#ids as string[],
      metadata: this.#metadata,
      vectors: this.#vectors.subarray(0, this.rows * this.dimension),
    };
  }
}

/** A read-only look at a context for the search plans. */
export interface ContextView {
  index: FaissIndex;
  vectors: Float32Array;
  ids: readonly (string | undefined)[];
  metadata: readonly StoredMetadata[];
  rows: number;
  dead: number;
  dimension: number;
  metadataIndex(): MetadataIndex;
}
