/*
 * Recall@10 and speed of @engram/vector-faiss against the ground truth of every cosine set in
 * /work/shared/data/ann, and against raw faiss-node IndexFlatIP in the same run; then a
 * 100,000 x 384 synthetic set, one query at a time. Run from packages/vector-faiss:
 *   npx tsx bench/recall.bench.ts
 * Single-threaded JS, but faiss may use OpenMP threads; the machine is shared, so figures vary.
 */
import { parseFilter, type BackendRecord, type CollectionSpec } from '@engram/vector-core';
import { FaissBackend, loadFaiss, type FaissModule } from '../src/index.js';
import { exactTopK, loadCosineSets, recall, unitRow } from './ann_sets.js';

const K = 10;
const faiss = await loadFaiss();
const matchAll = parseFilter(undefined);

interface Row {
  set: string;
  n: string;
  engine: string;
  recall: string;
  qps: string;
  ingest: string;
}
const table: Row[] = [];
const fmt = (x: number, digits = 0) => x.toFixed(digits);

function timed<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

async function ingest(backend: FaissBackend, c: CollectionSpec, unit: Float32Array[], metadata: (i: number) => Record<string, string>): Promise<number> {
  const [, ms] = await timedAsync(async () => {
    for (let start = 0; start < unit.length; start += 10_000) {
      const records: BackendRecord[] = [];
      for (let i = start; i < Math.min(unit.length, start + 10_000); i++) {
        records.push({ id: String(i), vector: unit[i] as Float32Array, metadata: { text: '', ...metadata(i) } });
      }
      await backend.upsert(c, 'bench', records);
    }
  });
  return ms;
}

function rawIngest(raw: FaissModule, unit: Float32Array[], dimension: number): [ReturnType<FaissModule['IndexFlatIP']['fromBuffer']>, number] {
  return timed(() => {
    const index = new raw.IndexFlatIP(dimension);
    for (let start = 0; start < unit.length; start += 1_000) {
      const batch: number[] = [];
      for (let i = start; i < Math.min(unit.length, start + 1_000); i++) for (const v of unit[i] as Float32Array) batch.push(v);
      index.add(batch);
    }
    return index;
  });
}

for (const set of loadCosineSets()) {
  const { dimension } = set;
  const unit = Array.from({ length: set.baseCount }, (_, i) => unitRow(set.base, dimension, i));
  const queries = Array.from({ length: set.queryCount }, (_, i) => unitRow(set.queries, dimension, i));
  const c: CollectionSpec = { name: 'bench', model: 'bench', dimension };

  const backend = new FaissBackend({ binding: faiss });
  const ingestMs = await ingest(backend, c, unit, (i) => ({ bucket: `b${i % 100}` }));
  for (const q of queries.slice(0, 5)) await backend.search(c, 'bench', q, { k: K, filter: matchAll });
  let sum = 0;
  const [, ms] = await timedAsync(async () => {
    for (const [i, q] of queries.entries()) {
      const hits = await backend.search(c, 'bench', q, { k: K, filter: matchAll });
      sum += recall(hits.map((h) => Number(h.id)), set.groundTruth[i] as Int32Array, K);
    }
  });
  const n = `${set.baseCount} x ${dimension}`;
  table.push({ set: set.name, n, engine: 'vector-faiss', recall: fmt(sum / queries.length, 4), qps: fmt((queries.length / ms) * 1000), ingest: `${fmt(ingestMs)} ms` });

  const [raw, rawIngestMs] = rawIngest(faiss, unit, dimension);
  sum = 0;
  const [, rawMs] = timed(() => {
    for (const [i, q] of queries.entries()) sum += recall(raw.search(Array.from(q), K).labels, set.groundTruth[i] as Int32Array, K);
  });
  table.push({ set: '', n, engine: 'raw faiss-node IndexFlatIP', recall: fmt(sum / queries.length, 4), qps: fmt((queries.length / rawMs) * 1000), ingest: `${fmt(rawIngestMs)} ms (add(number[]))` });

  // 1% selectivity: exact top 10 among the rows of one bucket, computed in float64.
  const filter = parseFilter({ bucket: 'b7' });
  sum = 0;
  const before = await backend.stats();
  for (const q of queries) {
    const hits = await backend.search(c, 'bench', q, { k: K, filter });
    sum += recall(hits.map((h) => Number(h.id)), exactTopK(unit, q, K, (i) => i % 100 === 7), K);
  }
  const after = await backend.stats();
  const plan = (['indexedScans', 'filteredScans', 'overFetchSearches', 'faissSearches'] as const).find((key) => after[key] !== before[key]);
  const [, filteredMs] = await timedAsync(async () => {
    for (const q of queries) await backend.search(c, 'bench', q, { k: K, filter });
  });
  table.push({ set: '', n, engine: `vector-faiss, 1% filter (${plan})`, recall: fmt(sum / queries.length, 4), qps: fmt((queries.length / filteredMs) * 1000), ingest: '' });
  await backend.close();
}

// Synthetic scale: 100,000 x 384 clustered vectors, single queries.
{
  const count = 100_000;
  const dimension = 384;
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const centres = Array.from({ length: 64 }, () => Float32Array.from({ length: dimension }, () => random() - 0.5));
  const makeUnit = () => {
    const centre = centres[Math.floor(random() * centres.length)] as Float32Array;
    const v = Float32Array.from(centre, (x) => x + (random() - 0.5) * 0.6);
    let norm = 0;
    for (const x of v) norm += x * x;
    return v.map((x) => x / Math.sqrt(norm));
  };
  const unit = Array.from({ length: count }, makeUnit);
  const queries = Array.from({ length: 30 }, makeUnit);
  const c: CollectionSpec = { name: 'synthetic', model: 'bench', dimension };
  const n = `${count} x ${dimension}`;

  const backend = new FaissBackend({ binding: faiss });
  const ingestMs = await ingest(backend, c, unit, () => ({}));
  const [raw, rawIngestMs] = rawIngest(faiss, unit, dimension);
  for (const q of queries.slice(0, 3)) {
    await backend.search(c, 'bench', q, { k: K, filter: matchAll });
    raw.search(Array.from(q), K);
  }
  let agreement = 0;
  const [ours, ms] = await timedAsync(async () => {
    const out: number[][] = [];
    for (const q of queries) out.push((await backend.search(c, 'bench', q, { k: K, filter: matchAll })).map((h) => Number(h.id)));
    return out;
  });
  const [theirs, rawMs] = timed(() => queries.map((q) => raw.search(Array.from(q), K).labels));
  ours.forEach((ids, i) => (agreement += recall(ids, theirs[i] as number[], K)));
  table.push({ set: 'synthetic clustered', n, engine: 'vector-faiss (recall vs raw)', recall: fmt(agreement / queries.length, 4), qps: fmt((queries.length / ms) * 1000, 1), ingest: `${fmt(ingestMs)} ms` });
  table.push({ set: '', n, engine: 'raw faiss-node IndexFlatIP', recall: '(exact)', qps: fmt((queries.length / rawMs) * 1000, 1), ingest: `${fmt(rawIngestMs)} ms (add(number[]))` });
  await backend.close();
}

const columns: Array<[keyof Row, string]> = [
  ['set', 'set'],
  ['n', 'base'],
  ['engine', 'engine'],
  ['recall', 'recall@10'],
  ['qps', 'QPS (1 query/call)'],
  ['ingest', 'ingest'],
];
console.log(`| ${columns.map(([, title]) => title).join(' | ')} |`);
console.log(`|${columns.map(() => '---').join('|')}|`);
for (const row of table) console.log(`| ${columns.map(([key]) => row[key]).join(' | ')} |`);
