/**
 * Per-query cost of HnswBackend.search on top of raw hnswlib-node searchKnn, in CPU time
 * (process.cpuUsage per pass): on a shared machine wall-clock QPS swings by ±30% between runs,
 * CPU time much less. Same graph on both sides (same M / efConstruction / seed, same insert order).
 *
 * Run (from packages/vector-hnsw; ~20 s per set, one core):
 *   npx tsx --tsconfig bench/tsconfig.json bench/overhead.bench.ts [set-name-part] [efSearch]
 */
import * as hnswlib from 'hnswlib-node';
import { MATCH_ALL, type CollectionSpec } from '@engram/vector-core';
import { DEFAULT_HNSW_OPTIONS, HnswBackend } from '../src/index.js';
import { cosineSets, fmt, median } from './ann_sets.js';

const native = ((hnswlib as unknown as { default?: typeof hnswlib }).default ?? hnswlib) as typeof hnswlib;
const { M, efConstruction, randomSeed } = DEFAULT_HNSW_OPTIONS;
const K = 10;
const WARMUP = 40;
const PASSES = 120;

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function main(): Promise<void> {
  const only = process.argv[2];
  const ef = Number(process.argv[3] ?? DEFAULT_HNSW_OPTIONS.efSearch);
  console.log(`k=${K} efSearch=${ef}; median CPU µs per query over ${PASSES} alternating passes (after ${WARMUP} warm-up passes)\n`);
  console.log('| set | raw µs | backend µs | backend − raw µs | backend/raw QPS |\n|---|---|---|---|---|');
  for (const set of cosineSets(only)) {
    const n = set.base.length;
    const spec: CollectionSpec = { name: 'bench', model: set.name, dimension: set.dim };
    const raw = new native.HierarchicalNSW('ip', set.dim);
    raw.initIndex(n, M, efConstruction, randomSeed);
    for (let i = 0; i < n; i++) raw.addPoint(Array.from(set.base[i]!), i);
    raw.setEf(ef);
    const backend = new HnswBackend({ efSearch: ef });
    await backend.open(spec);
    for (let s = 0; s < n; s += 1_000) {
      await backend.upsert(spec, 'default', set.base.slice(s, s + 1_000).map((vector, j) => ({ id: String(s + j), vector, metadata: { text: '' } })));
    }
    const queryArrays = set.queries.map((v) => Array.from(v));
    const rawUs: number[] = [];
    const backendUs: number[] = [];
    const ratios: number[] = [];
    for (let pass = 0; pass < WARMUP + PASSES; pass++) {
      let since = process.cpuUsage();
      for (const q of queryArrays) raw.searchKnn(q, K);
      const r = cpuMs(since);
      since = process.cpuUsage();
      for (const q of set.queries) await backend.search(spec, 'default', q, { k: K, filter: MATCH_ALL });
      const b = cpuMs(since);
      if (pass < WARMUP) continue;
      rawUs.push((r * 1000) / queryArrays.length);
      backendUs.push((b * 1000) / set.queries.length);
      ratios.push(r / b);
    }
    if ((await backend.stats()).graphSearches === 0) throw new Error('the backend did not use the graph: the comparison would be meaningless');
    const [r, b] = [median(rawUs), median(backendUs)];
    console.log(`| ${set.name} | ${fmt(r, 2)} | ${fmt(b, 2)} | ${fmt(b - r, 2)} | ${fmt(median(ratios), 3)} |`);
    await backend.close();
  }
}

await main();
