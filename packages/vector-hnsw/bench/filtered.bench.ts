/**
 * Filtered search on GloVe-50 (9,900 words): recall@10 against an exact filtered scan and QPS of
 * HnswBackend (its planner, and forced to the filtered graph walk) next to raw hnswlib-node's
 * filtered searchKnn (filter callback, ef 64), at 1% to 50% selectivity. k = 10.
 *
 * Run (from packages/vector-hnsw; ~1 minute, one core):
 *   npx tsx --tsconfig bench/tsconfig.json bench/filtered.bench.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hnswlib from 'hnswlib-node';
import { parseFilter, type CollectionSpec, type FilterNode } from '@engram/vector-core';
import { DEFAULT_HNSW_OPTIONS, HnswBackend } from '../src/index.js';
import { cosineSets, fmt, median } from './ann_sets.js';

const native = ((hnswlib as unknown as { default?: typeof hnswlib }).default ?? hnswlib) as typeof hnswlib;
const { M, efConstruction, randomSeed, efSearch } = DEFAULT_HNSW_OPTIONS;
const K = 10;
const ROUNDS = 15;
const PLAN_KEYS = ['graphSearches', 'filteredGraphSearches', 'exactScans', 'predicateScans', 'fallbackScans'];

/** Seconds per query of one pass over all queries. */
async function pass(queries: number, run: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000 / queries;
}

function exactTop(base: Float32Array[], q: Float32Array, accept: (i: number) => boolean): Set<number> {
  const scored: Array<[number, number]> = [];
  base.forEach((v, i) => {
    if (!accept(i)) return;
    let dot = 0;
    for (let d = 0; d < v.length; d++) dot += (v[d] as number) * (q[d] as number);
    scored.push([dot, i]);
  });
  return new Set(scored.sort((a, b) => b[0] - a[0]).slice(0, K).map(([, i]) => i));
}

const recallOf = (found: readonly number[], truth: Set<number>) => found.filter((f) => truth.has(f)).length / truth.size;

async function plansOf(backend: HnswBackend): Promise<Record<string, number>> {
  const stats = await backend.stats();
  return Object.fromEntries(PLAN_KEYS.map((k) => [k, stats[k] as number]));
}

async function main(): Promise<void> {
  const [set] = cosineSets('glove-6B-50d');
  if (!set) throw new Error('glove-6B-50d-10k-angular not found; set ANN_DIR');
  const n = set.base.length;
  const bucket = (i: number) => (i * 37) % 100;
  const spec: CollectionSpec = { name: 'bench', model: set.name, dimension: set.dim };

  const raw = new native.HierarchicalNSW('ip', set.dim);
  raw.initIndex(n, M, efConstruction, randomSeed);
  set.base.forEach((v, i) => raw.addPoint(Array.from(v), i));
  raw.setEf(efSearch);

  const dir = await mkdtemp(join(tmpdir(), 'engram-hnsw-filtered-'));
  const writer = new HnswBackend({ storageDir: dir });
  await writer.open(spec);
  for (let s = 0; s < n; s += 1_000) {
    await writer.upsert(
      spec,
      'default',
      set.base.slice(s, s + 1_000).map((vector, j) => ({ id: String(s + j), vector, metadata: { text: '', bucket: `b${bucket(s + j)}`, n: bucket(s + j) } })),
    );
  }
  await writer.close();
  const planned = new HnswBackend({ storageDir: dir });
  const graphOnly = new HnswBackend({ storageDir: dir, exactScanLimit: 0, exactScanSelectivity: 0 });
  await planned.open(spec);
  await graphOnly.open(spec);

  const cases: Array<[string, number, FilterNode]> = [
    ['1% $eq', 1, parseFilter({ bucket: 'b0' })],
    ['1% range', 1, parseFilter({ n: { $gte: 0, $lt: 1 } })],
    ['5% $in', 5, parseFilter({ bucket: { $in: ['b0', 'b1', 'b2', 'b3', 'b4'] } })],
    ['10% range', 10, parseFilter({ n: { $lt: 10 } })],
    ['25% range', 25, parseFilter({ n: { $lt: 25 } })],
    ['50% range', 50, parseFilter({ n: { $lt: 50 } })],
  ];
  console.log(`${set.name}: ${n} × ${set.dim}; M=${M} efConstruction=${efConstruction} efSearch=${efSearch} k=${K}; QPS from the median of ${ROUNDS} rotating passes over the queries\n`);
  const table = [
    '| filter | recall raw filtered | QPS raw filtered | recall backend | QPS backend | backend plan | backend/raw | recall backend graph-only | QPS backend graph-only |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [label, pct, node] of cases) {
    const accept = (i: number) => bucket(i) < pct;
    const rawFilter = (labelId: number) => bucket(labelId) < pct;
    const truth = set.queries.map((q) => exactTop(set.base, q, accept));
    const measure = async (search: (q: number) => Promise<number[]> | number[]) => {
      let recall = 0;
      for (let q = 0; q < set.queries.length; q++) recall += recallOf(await search(q), truth[q]!);
      return recall / set.queries.length;
    };
    const rawSearch = (q: number) => raw.searchKnn(Array.from(set.queries[q]!), K, rawFilter).neighbors;
    const viaBackend = (backend: HnswBackend) => async (q: number) =>
      (await backend.search(spec, 'default', set.queries[q]!, { k: K, filter: node })).map((h) => Number(h.id));
    const before = await plansOf(planned);
    const recalls = [await measure(rawSearch), await measure(viaBackend(planned)), await measure(viaBackend(graphOnly))];
    const after = await plansOf(planned);
    const plan = PLAN_KEYS.filter((k) => after[k] !== before[k]).join('+');

    // One pass of each per round, in rotating order; QPS from the median pass.
    const runs: number[][] = [[], [], []];
    const queryArrays = set.queries.map((q) => Array.from(q));
    const timers = [
      async () => runs[0]!.push(await pass(queryArrays.length, () => {
        for (const q of queryArrays) raw.searchKnn(q, K, rawFilter);
      })),
      ...([planned, graphOnly] as const).map((backend, i) => async () =>
        runs[i + 1]!.push(await pass(set.queries.length, async () => {
          for (const q of set.queries) await backend.search(spec, 'default', q, { k: K, filter: node });
        })),
      ),
    ];
    for (let r = 0; r < ROUNDS; r++) for (let j = 0; j < 3; j++) await timers[(r + j) % 3]!();
    const [rawQps, plannedQps, graphQps] = runs.map((xs) => 1 / median(xs)) as [number, number, number];
    table.push(
      `| ${label} | ${fmt(recalls[0]!, 3)} | ${fmt(rawQps)} | ${fmt(recalls[1]!, 3)} | ${fmt(plannedQps)} | ${plan} | ${fmt(plannedQps / rawQps, 1)}× | ${fmt(recalls[2]!, 3)} | ${fmt(graphQps)} |`,
    );
    console.log(table[table.length - 1]);
  }
  console.log(`\n${table.join('\n')}`);
  await planned.close();
  await graphOnly.close();
  await rm(dir, { recursive: true, force: true });
}

await main();
