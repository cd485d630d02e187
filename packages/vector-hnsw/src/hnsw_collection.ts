import {
  MetadataIndex,
  clampScore,
  compileFilter,
  isMatchAll,
  type BackendHit,
  type BackendRecord,
  type CollectionSpec,
  type FilterNode,
  type MetadataPredicate,
  type StoredMetadata,
  type TopK,
} from '@engram/vector-core';
import { ContextTable, type ContextEntry } from './context_table.js';
import { copyInto, createIndex, nativeError, scratchPoint, type NativeIndex } from './hnsw_native.js';
import type { HnswOptions } from './hnsw_options.js';
import { LabelTable } from './label_table.js';
import { rescoredHits, scoredHits } from './walk_hits.js';
import { exactScanCutoff, graphEf, newHeap, sampleSelectivity, scanContext, scanLabels, type ScanSource, type SearchPlan } from './search_plan.js';

/** The graph parameters an index was built with (a reloaded file keeps its own). */
export interface GraphParams {
  M: number;
  efConstruction: number;
}

/**
 * One collection: ONE hnswlib index for every context, the context of each label kept in an
 * Int32Array and checked inside the graph walk (hnswlib's filter callback), together with the
 * metadata filter, so no plan can return another context's vectors. A context too small for the
 * graph to pay off is scanned exactly from its own label list, which also makes 10,000 small
 * contexts cost no more than their vectors.
 */
export class HnswCollection {
  readonly spec: CollectionSpec;
  readonly #options: HnswOptions;
  #graph: GraphParams;
  #index: NativeIndex;
  #table: LabelTable;
  readonly #contexts: ContextTable;
  #metadataIndex: MetadataIndex;
  #ef = -1;
  /** Scratch point handed to hnswlib (which copies it), one per collection: see `copyInto`. */
  readonly #point: number[];
  /** The plan of the last search, for stats and tests. */
  lastPlan: SearchPlan | undefined;

  constructor(spec: CollectionSpec, options: HnswOptions, restored?: { index: NativeIndex; table: LabelTable; contexts: ContextTable; graph: GraphParams }) {
    this.spec = spec;
    this.#options = options;
    this.#graph = restored?.graph ?? { M: options.M, efConstruction: options.efConstruction };
    this.#index = restored?.index ?? createIndex(spec.dimension, options.initialCapacity, options);
    this.#table = restored?.table ?? new LabelTable(spec.dimension, options.initialCapacity);
    this.#contexts = restored?.contexts ?? new ContextTable();
    this.#metadataIndex = new MetadataIndex(() => this.#table.metadata);
    this.#point = scratchPoint(spec.dimension);
  }

  get live(): number {
    return this.#table.live;
  }

  get contextCount(): number {
    return this.#contexts.size;
  }

  get capacity(): number {
    return this.#table.capacity;
  }

  get graph(): GraphParams {
    return this.#graph;
  }

  get table(): LabelTable {
    return this.#table;
  }

  get index(): NativeIndex {
    return this.#index;
  }

  contexts(): IterableIterator<ContextEntry> {
    return this.#contexts.values();
  }

  count(contextId?: string): number {
    return contextId === undefined ? this.#table.live : (this.#contexts.get(contextId)?.labels.size ?? 0);
  }

  upsert(contextId: string, records: readonly BackendRecord[]): void {
    const entry = this.#contexts.getOrCreate(contextId);
    try {
      for (const record of records) this.#put(entry, record);
    } finally {
      this.#contexts.dropIfEmpty(entry);
    }
  }

  #put(entry: ContextEntry, record: BackendRecord): void {
    const table = this.#table;
    const point = copyInto(record.vector, this.#point);
    const existing = entry.labels.get(record.id);
    if (existing !== undefined) {
      // hnswlib updates a live label in place and repairs its neighbours.
      this.#native('could not update a vector in the HNSW index', () => this.#index.addPoint(point, existing));
      this.#metadataIndex.remove(existing, table.metadata[existing] as StoredMetadata);
      table.set(existing, record.id, entry.ordinal, record.vector, record.metadata);
      this.#metadataIndex.add(existing, record.metadata);
      return;
    }
    if (table.full) this.#grow();
    const { label, reused } = table.take();
    try {
      // A reused label is marked deleted in hnswlib: addPoint revives that slot with the new vector.
      this.#index.addPoint(point, label);
    } catch (error) {
      table.untake(label, reused);
      throw nativeError('could not add a vector to the HNSW index; check free memory', error);
    }
    table.set(label, record.id, entry.ordinal, record.vector, record.metadata);
    entry.labels.set(record.id, label);
    this.#metadataIndex.add(label, record.metadata);
  }

  /** Doubles hnswlib's capacity and the label table with it. */
  #grow(): void {
    const capacity = this.#table.capacity * 2;
    this.#native('could not grow the HNSW index; check free memory', () => this.#index.resizeIndex(capacity));
    this.#table.grow(capacity);
  }

  delete(contextId: string, ids: readonly string[]): number {
    const entry = this.#contexts.get(contextId);
    if (!entry) return 0;
    let removed = 0;
    for (const id of ids) {
      const label = entry.labels.get(id);
      if (label === undefined) continue;
      this.#remove(entry, id, label);
      removed++;
    }
    this.#contexts.dropIfEmpty(entry);
    if (this.#table.live === 0 && removed > 0) this.#reset();
    return removed;
  }

  #remove(entry: ContextEntry, id: string, label: number): void {
    this.#native('could not delete a vector from the HNSW index', () => this.#index.markDelete(label));
    this.#metadataIndex.remove(label, this.#table.metadata[label] as StoredMetadata);
    this.#table.release(label);
    entry.labels.delete(id);
  }

  clear(contextId?: string): number {
    if (contextId === undefined) {
      const removed = this.#table.live;
      this.#reset();
      return removed;
    }
    const entry = this.#contexts.get(contextId);
    if (!entry) return 0;
    const removed = entry.labels.size;
    for (const [id, label] of [...entry.labels]) this.#remove(entry, id, label);
    this.#contexts.delete(contextId);
    if (this.#table.live === 0) this.#reset();
    return removed;
  }

  /** An empty collection starts over at the initial capacity, giving the grown index's memory back. */
  #reset(): void {
    this.#index = createIndex(this.spec.dimension, this.#options.initialCapacity, this.#options);
    this.#graph = { M: this.#options.M, efConstruction: this.#options.efConstruction };
    this.#table = new LabelTable(this.spec.dimension, this.#options.initialCapacity);
    this.#contexts.clear();
    this.#metadataIndex = new MetadataIndex(() => this.#table.metadata);
    this.#ef = -1;
  }

  search(contextId: string, query: Float32Array, k: number, filter: FilterNode): BackendHit[] {
    this.lastPlan = undefined;
    const entry = this.#contexts.get(contextId);
    const size = entry?.labels.size ?? 0;
    if (!entry || size === 0) return [];
    const table = this.#table;
    const matchAll = isMatchAll(filter);
    const predicate = matchAll ? undefined : compileFilter(filter);
    if (matchAll && size === table.live) return this.#walk(entry, undefined, query, k, 1, size, 'graph');
    const cutoff = exactScanCutoff(table.live, this.#options);
    if (size <= cutoff) return this.#exact(undefined, entry, predicate, query, k, 'exact');
    if (!predicate) return this.#walk(entry, undefined, query, k, size / table.live, size, 'filtered-graph');

    const estimate = this.#metadataIndex.estimate(filter);
    if (estimate !== undefined) {
      if (estimate <= cutoff) return this.#exact(this.#metadataIndex.candidates(filter), entry, predicate, query, k, 'exact');
      const bound = Math.min(estimate, size);
      return this.#walk(entry, predicate, query, k, bound / table.live, bound, 'filtered-graph');
    }
    // Ranges, $ne, $exists, $not: the index cannot count them, so a sample of the context estimates it.
    const share = sampleSelectivity(this.#source(), table.used, entry.ordinal, predicate);
    const expected = share === undefined ? size : share * size;
    if (expected <= cutoff) return this.#exact(undefined, entry, predicate, query, k, 'exact-predicate');
    return this.#walk(entry, predicate, query, k, Math.max(expected, 1) / table.live, size, 'filtered-graph');
  }

  #source(): ScanSource {
    const table = this.#table;
    return { vectors: table.vectors, contexts: table.contexts, metadata: table.metadata, dimension: table.dimension };
  }

  /** Exact top-k over `labels` (metadata-index candidates), or over the whole context when undefined. */
  #exact(
    labels: Iterable<number> | undefined,
    entry: ContextEntry,
    predicate: MetadataPredicate | undefined,
    query: Float32Array,
    k: number,
    plan: SearchPlan,
  ): BackendHit[] {
    const heap = newHeap(k, entry.labels.size);
    if (heap.capacity > 0) {
      if (labels) scanLabels(this.#source(), labels, entry.ordinal, predicate, query, heap);
      else scanContext(this.#source(), entry.labels, this.#table.used, entry.ordinal, predicate, query, heap);
    }
    this.lastPlan = plan;
    return this.#hits(heap);
  }

  /**
   * hnswlib's graph walk, with the context (and filter) checked for every candidate when the
   * context is not the whole collection. `bound` is an upper bound on the matches: a walk that
   * returns fewer than min(k, bound) may have missed some, so the exact scan answers instead.
   */
  #walk(
    entry: ContextEntry,
    predicate: MetadataPredicate | undefined,
    query: Float32Array,
    k: number,
    selectivity: number,
    bound: number,
    plan: SearchPlan,
  ): BackendHit[] {
    const table = this.#table;
    const want = Math.min(k, bound, table.live);
    const ef = graphEf(this.#options.efSearch, want, selectivity);
    if (ef !== this.#ef) {
      this.#index.setEf(ef);
      this.#ef = ef;
    }
    const contexts = table.contexts;
    const metadata = table.metadata;
    const ordinal = entry.ordinal;
    const accept =
      plan === 'graph'
        ? undefined
        : predicate
          ? (label: number) => contexts[label] === ordinal && predicate(metadata[label] as StoredMetadata)
          : (label: number) => contexts[label] === ordinal;
    let found: { neighbors: number[]; distances: number[] };
    try {
      found = this.#index.searchKnn(copyInto(query, this.#point), want, accept);
    } catch (error) {
      throw nativeError('the HNSW search failed', error);
    }
    const neighbors = found.neighbors;
    if (neighbors.length < want) return this.#exact(undefined, entry, predicate, query, k, 'fallback');
    this.lastPlan = plan;
    // A plain walk's scores come from hnswlib itself (see scoredHits); a walk with a callback is
    // rescored so its hits score bit for bit as the exact scan that answers the same filter when
    // it is more selective.
    return plan === 'graph' ? scoredHits(table, neighbors, found.distances) : rescoredHits(table, neighbors, query);
  }

  #hits(heap: TopK): BackendHit[] {
    return heap.sorted().map(({ score, slot }) => this.#hit(slot, score));
  }

  #hit(label: number, score: number): BackendHit {
    return { id: this.#table.ids[label] as string, score: clampScore(score), metadata: this.#table.metadata[label] as StoredMetadata };
  }

  #native<T>(message: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      throw nativeError(message, error);
    }
  }
}
