import { TopK, compileFilter, dotAt, isMatchAll, type FilterNode, type MetadataPredicate, type StoredMetadata } from '@engram/vector-core';
import { DEAD, type ContextView } from './context_index.js';

/**
 * How a search ran, counted in the backend's stats:
 * - `faiss`: no filter; faiss scans every row natively.
 * - `index-scan`: the metadata index (value → labels) names a small candidate set, scored exactly in JS.
 * - `filtered-scan`: a small context or a selective filter the index cannot answer: one JS pass that
 *   tests the filter first and computes a dot product only for matching rows.
 * - `over-fetch`: an unselective filter: faiss returns the exact top k' and the filter keeps the
 *   matches; k' widens until k matches are found or every row was returned.
 * Every plan is exact: it returns the true top k of the matching rows.
 */
export type SearchPlan = 'faiss' | 'index-scan' | 'filtered-scan' | 'over-fetch';

export interface LabelHit {
  label: number;
  score: number;
}

export interface PlannedSearch {
  plan: SearchPlan;
  /** faiss searches run (over-fetch may widen several times). */
  faissCalls: number;
  hits: LabelHit[];
}

/** Below this many rows a filtered JS pass costs less than one call into faiss. */
export const SMALL_CONTEXT_ROWS = 4_096;
/** A filter matching at most this share of rows is scored in JS; above it faiss over-fetches. */
export const SELECTIVE_SHARE = 0.25;
/** Rows sampled to estimate a filter's selectivity when the metadata index cannot count it. */
const SAMPLE_ROWS = 512;
const GOLDEN_FRACTION = 0.6180339887498949;
/** Safety margin on the estimated selectivity when choosing how many rows to fetch. */
const OVERFETCH_MARGIN = 1.5;

export function searchContext(view: ContextView, query: Float32Array, k: number, filter: FilterNode): PlannedSearch {
  if (view.rows === view.dead) return { plan: 'faiss', faissCalls: 0, hits: [] };
  if (isMatchAll(filter)) return faissTopK(view, query, k);
  const predicate = compileFilter(filter);
  const accept: MetadataPredicate = (m) => m !== DEAD && predicate(m);
  if (view.rows < SMALL_CONTEXT_ROWS) return { plan: 'filtered-scan', faissCalls: 0, hits: scan(view, query, k, accept) };

  const metadataIndex = view.metadataIndex();
  const counted = metadataIndex.estimate(filter);
  if (counted !== undefined && counted <= view.rows * SELECTIVE_SHARE) {
    return { plan: 'index-scan', faissCalls: 0, hits: scan(view, query, k, accept, metadataIndex.candidates(filter)) };
  }
  // The index cannot count this filter, or counted an upper bound (an `and` bounds by its most
  // selective indexed part only): a sample of rows tells how selective it really is.
  const selectivity = sampledSelectivity(view, accept);
  if (selectivity <= SELECTIVE_SHARE) return { plan: 'filtered-scan', faissCalls: 0, hits: scan(view, query, k, accept) };
  return overFetch(view, query, k, accept, selectivity);
}

/** Unfiltered: the exact top (k + tombstones) from faiss always holds the top k live rows. */
function faissTopK(view: ContextView, query: Float32Array, k: number): PlannedSearch {
  const fetch = Math.min(view.rows, k + view.dead);
  const { labels, distances } = view.index.search(Array.from(query), fetch);
  const hits: LabelHit[] = [];
  for (let i = 0; i < fetch && hits.length < k; i++) {
    const label = labels[i] as number;
    if (label >= 0 && view.ids[label] !== undefined) hits.push({ label, score: distances[i] as number });
  }
  return { plan: 'faiss', faissCalls: 1, hits };
}

function overFetch(view: ContextView, query: Float32Array, k: number, accept: MetadataPredicate, selectivity: number): PlannedSearch {
  const q = Array.from(query);
  let fetch = Math.min(view.rows, Math.ceil((k / selectivity) * OVERFETCH_MARGIN) + view.dead);
  let faissCalls = 0;
  while (true) {
    faissCalls++;
    const { labels, distances } = view.index.search(q, fetch);
    const hits: LabelHit[] = [];
    for (let i = 0; i < fetch && hits.length < k; i++) {
      const label = labels[i] as number;
      if (label >= 0 && accept(view.metadata[label] as StoredMetadata)) hits.push({ label, score: distances[i] as number });
    }
    // Faiss returned the exact top `fetch`, so the first k matches in it are the exact top k matches.
    if (hits.length === k || fetch === view.rows) return { plan: 'over-fetch', faissCalls, hits };
    const observed = hits.length / Math.max(1, fetch - view.dead);
    const wanted = observed > 0 ? Math.ceil((k / observed) * OVERFETCH_MARGIN) + view.dead : fetch * 4;
    const next = Math.max(wanted, fetch * 2);
    if (next > view.rows * SELECTIVE_SHARE) {
      // The estimate was far off: one exact JS pass now beats more full scans in faiss.
      return { plan: 'filtered-scan', faissCalls, hits: scan(view, query, k, accept) };
    }
    fetch = Math.min(view.rows, next);
  }
}

/**
 * Rows picked by a golden-ratio (Weyl) sequence: spread over the whole context, so a field
 * written in bursts is still seen, and never in step with a periodic pattern (every 10th row),
 * which an even stride can alias with completely.
 */
function sampledSelectivity(view: ContextView, accept: MetadataPredicate): number {
  const samples = Math.min(SAMPLE_ROWS, view.rows);
  let seen = 0;
  let matched = 0;
  for (let j = 0; j < samples; j++) {
    const label = Math.floor(((j * GOLDEN_FRACTION) % 1) * view.rows);
    const metadata = view.metadata[label] as StoredMetadata;
    if (metadata === DEAD) continue;
    seen++;
    if (accept(metadata)) matched++;
  }
  // Zero sends the search to the exact JS pass, which still finds rows the sample missed.
  return seen === 0 ? 0 : matched / seen;
}

/** Exact top k of the rows that pass `accept`, over `labels` or every row; the filter runs before the dot product. */
function scan(view: ContextView, query: Float32Array, k: number, accept: MetadataPredicate, labels?: Iterable<number>): LabelHit[] {
  const heap = new TopK(Math.min(k, view.rows));
  const { vectors, metadata, dimension } = view;
  const visit = (label: number) => {
    if (!accept(metadata[label] as StoredMetadata)) return;
    const score = dotAt(vectors, label * dimension, query, dimension);
    if (score > heap.threshold) heap.push(score, label);
  };
  if (labels) for (const label of labels) visit(label);
  else for (let label = 0; label < view.rows; label++) visit(label);
  return heap.sorted().map(({ score, slot }) => ({ label: slot, score }));
}
