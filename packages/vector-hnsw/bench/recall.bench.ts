/**
 * recall@10 against the exact ground truth, QPS and ingest time of HnswBackend next to raw
 * hnswlib-node with the same M / efConstruction / ef / seed, in the same process, on every cosine
 * set in ../shared/data/ann. One query at a time, k = 10, no filter, one context.
 *
 * Run (from packages/vector-hnsw; ~1 minute, one core):
 *   npx tsx --tsconfig bench/tsconfig.json bench/recall.bench.ts [set-name-part]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hnswlib from 'hnswlib-node';
import { MATCH_ALL, type CollectionSpec } from '@engram/vector-core';
import { DEFAULT_HNSW_OPTIONS, HnswBackend } from '../src/index.js';
import { cosineSets, fmt, median, recallAt } from './ann_sets.js';

const native = ((hnswlib as unknown as { default?: typeof hnswlib }).default ?? hnswlib) as typeof hnswlib;
const { M, efConstruction, randomSeed } = DEFAULT_HNSW_OPTIONS;
const EFS = [16, 32, 64, 128, 256];
const K = 10;
const ROUNDS = 21;

/** Seconds per query of one pass over all queries. */
async function pass(queries: number, run: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000 / queries;
}

async function main(): Promise<void> {
  const only = process.argv[2];
  console.log(`M=${M} efConstruction=${efConstruction} seed=${randomSeed} k=${K}; QPS from the median of ${ROUNDS} alternating passes over the queries\n`);
  const table: string[] = ['| set | n × dim | efSearch | recall@10 raw | recall@10 hnsw backend | QPS raw | QPS backend | backend/raw |', '|---|---|---|---|---|---|---|---|'];
  const ingestRows: string[] = ['| set | raw ingest s | backend ingest s | backend/raw speed | persist s | open s |', '|---|---|---|---|---|---|'];

  for (const set of cosineSets(only)) {
    const n = set.base.length;
    const spec: CollectionSpec = { name: 'bench', model: set.name, dimension: set.dim };
    const baseArrays = set.base.map((v) => Array.from(v));
    const queryArrays = set.queries.map((v) => Array.from(v));

    // Ingest: three alternating builds of each, the fastest counted (the machine is shared, and
    // interference only ever adds time). The raw library gets prebuilt number[] rows; the backend
    // gets Float32Array records, as VectorStore hands them over, into a default-sized index that
    // grows by doubling. The last backend build is persisted for the searches.
    const rawTimes: number[] = [];
    const times: number[] = [];
    let raw = new native.HierarchicalNSW('ip', set.dim);
    const dir = await mkdtemp(join(tmpdir(), 'engram-hnsw-bench-'));
    let persist = 0;
    for (let round = 0; round < 3; round++) {
      let t = performance.now();
      raw = new native.HierarchicalNSW('ip', set.dim);
      raw.initIndex(n, M, efConstruction, randomSeed);
      for (let i = 0; i < n; i++) raw.addPoint(baseArrays[i]!, i);
      rawTimes.push((performance.now() - t) / 1000);

      const last = round === 2;
      const writer = new HnswBackend(last ? { storageDir: dir } : {});
      await writer.open(spec);
      t = performance.now();
      for (let s = 0; s < n; s += 1_000) {
        await writer.upsert(spec, 'default', set.base.slice(s, s + 1_000).map((vector, j) => ({ id: String(s + j), vector, metadata: { text: '' } })));
      }
      times.push((performance.now() - t) / 1000);
      t = performance.now();
      await writer.close();
      if (last) persist = (performance.now() - t) / 1000;
    }
    const rawIngest = Math.min(...rawTimes);
    const ingest = Math.min(...times);
    ingestRows.push(`| ${set.name} | ${fmt(rawIngest, 2)} | ${fmt(ingest, 2)} | ${fmt(rawIngest / ingest, 2)}× | ${fmt(persist, 3)} | `);
    console.log(`${set.name}: ${n} × ${set.dim}, ${set.queries.length} queries; ingest raw ${fmt(rawIngest, 2)} s, backend ${fmt(ingest, 2)} s`);

    let openSeconds = 0;
    let t: number;
    for (const ef of EFS) {
      t = performance.now();
      const backend = new HnswBackend({ storageDir: dir, efSearch: ef });
      await backend.open(spec);
      if (ef === EFS[0]) openSeconds = (performance.now() - t) / 1000;
      raw.setEf(ef);

      let rawRecall = 0;
      let recall = 0;
      for (let q = 0; q < set.queries.length; q++) {
        rawRecall += recallAt(K, raw.searchKnn(queryArrays[q]!, K).neighbors, set.truth[q]!);
        const hits = await backend.search(spec, 'default', set.queries[q]!, { k: K, filter: MATCH_ALL });
        recall += recallAt(K, hits.map((h) => Number(h.id)), set.truth[q]!);
      }
      // One pass each per round, alternating which goes first; QPS from the median pass. The
      // machine is shared, so short alternating passes compare like with like better than long runs.
      const rawRuns: number[] = [];
      const runs: number[] = [];
      const timeRaw = async () =>
        rawRuns.push(await pass(queryArrays.length, () => {
          for (const q of queryArrays) raw.searchKnn(q, K);
        }));
      const timeBackend = async () =>
        runs.push(await pass(set.queries.length, async () => {
          for (const q of set.queries) await backend.search(spec, 'default', q, { k: K, filter: MATCH_ALL });
        }));
      // Warm-up passes (discarded) so both paths are JIT-compiled and cached before timing; the
      // first configuration of the run gets more, as V8 is still optimising the backend's path.
      for (let r = 0; r < (ef === EFS[0] ? 40 : 5); r++) {
        await timeRaw();
        await timeBackend();
      }
      rawRuns.length = 0;
      runs.length = 0;
      for (let r = 0; r < ROUNDS; r++) {
        if (r % 2 === 0) {
          await timeRaw();
          await timeBackend();
        } else {
          await timeBackend();
          await timeRaw();
        }
      }
      const rawQps = 1 / median(rawRuns);
      const backendQps = 1 / median(runs);
      const stats = await backend.stats();
      if (stats.graphSearches === 0) throw new Error('the backend did not use the graph: the comparison would be meaningless');
      const nq = set.queries.length;
      table.push(
        `| ${set.name} | ${n} × ${set.dim} | ${ef} | ${fmt(rawRecall / nq, 3)} | ${fmt(recall / nq, 3)} | ${fmt(rawQps)} | ${fmt(backendQps)} | ${fmt(backendQps / rawQps, 2)} |`,
      );
      await backend.close();
    }
    ingestRows[ingestRows.length - 1] += `${fmt(openSeconds, 3)} |`;
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`\n${table.join('\n')}\n\n${ingestRows.join('\n')}`);
}

await main();
