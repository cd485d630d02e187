/**
 * What many small contexts cost: 10,000 contexts × 10 vectors in ONE HnswBackend collection
 * (memory, insert, persist, open and search time), next to the alternative of one hnswlib index
 * per context (raw hnswlib-node, same M / efConstruction).
 *
 * Run (from packages/vector-hnsw; ~30 s, one core, < 1 GiB):
 *   npx tsx --expose-gc --tsconfig bench/tsconfig.json bench/contexts.bench.ts [contexts] [perContext] [dim]
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hnswlib from 'hnswlib-node';
import { MATCH_ALL, normalizedCopy, type CollectionSpec } from '@engram/vector-core';
import { clusteredVectors, row } from '@engram/vector-core/testing';
import { DEFAULT_HNSW_OPTIONS, HnswBackend } from '../src/index.js';
import { fmt } from './ann_sets.js';

const native = ((hnswlib as unknown as { default?: typeof hnswlib }).default ?? hnswlib) as typeof hnswlib;
const contexts = Number(process.argv[2] ?? 10_000);
const perContext = Number(process.argv[3] ?? 10);
const dim = Number(process.argv[4] ?? 32);
const n = contexts * perContext;
const MiB = 2 ** 20;

function memory(): { rss: number; heap: number; external: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external };
}

function delta(before: ReturnType<typeof memory>, after: ReturnType<typeof memory>): string {
  return `rss +${fmt((after.rss - before.rss) / MiB, 1)} MiB, JS heap +${fmt((after.heap - before.heap) / MiB, 1)} MiB, external +${fmt((after.external - before.external) / MiB, 1)} MiB`;
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) total += (await stat(join(dir, f))).size;
  return total;
}

async function main(): Promise<void> {
  const raw = clusteredVectors(n, dim, { seed: 9, clusters: 64 });
  const vectors = Array.from({ length: n }, (_, i) => normalizedCopy(row(raw, dim, i), dim));
  const ctx = (c: number) => `user-${c}`;
  const spec: CollectionSpec = { name: 'ctxbench', model: 'synthetic', dimension: dim };
  console.log(`${contexts} contexts × ${perContext} vectors × ${dim} dims = ${n} vectors (${fmt((n * dim * 4) / MiB, 1)} MiB of float32)\n`);

  // One collection, one HNSW graph, contexts as labels.
  const dir = await mkdtemp(join(tmpdir(), 'engram-hnsw-contexts-'));
  let before = memory();
  let t = performance.now();
  const backend = new HnswBackend({ storageDir: dir });
  await backend.open(spec);
  for (let c = 0; c < contexts; c++) {
    const records = [];
    for (let j = 0; j < perContext; j++) {
      const i = c * perContext + j;
      records.push({ id: `m${j}`, vector: vectors[i]!, metadata: { text: `memory ${j}`, kind: j % 2 ? 'fact' : 'event' } });
    }
    await backend.upsert(spec, ctx(c), records);
  }
  const insert = (performance.now() - t) / 1000;
  console.log(`one index: insert ${fmt(insert, 2)} s; ${delta(before, memory())}`);
  t = performance.now();
  await backend.persist();
  console.log(`one index: persist ${fmt((performance.now() - t) / 1000, 3)} s, ${fmt((await dirSize(dir)) / MiB, 1)} MiB on disk`);
  await backend.close();

  before = memory();
  t = performance.now();
  const reopened = new HnswBackend({ storageDir: dir });
  await reopened.open(spec);
  const open = (performance.now() - t) / 1000;
  console.log(`one index: open ${fmt(open, 3)} s (${await reopened.count(spec)} vectors, ${(await reopened.stats()).contexts} contexts); ${delta(before, memory())}`);
  const searches = 5_000;
  for (let s = 0; s < 500; s++) await reopened.search(spec, ctx(s % contexts), vectors[s]!, { k: 5, filter: MATCH_ALL });
  t = performance.now();
  for (let s = 0; s < searches; s++) {
    const c = (s * 7919) % contexts;
    await reopened.search(spec, ctx(c), vectors[(s * 31) % n]!, { k: 5, filter: s % 2 ? MATCH_ALL : { op: 'eq', field: 'kind', value: 'fact' } });
  }
  const stats = await reopened.stats();
  console.log(`one index: search in a random context ${fmt(((performance.now() - t) * 1000) / searches, 1)} µs (plans: exact ${stats.exactScans}, graph ${stats.graphSearches}, filtered graph ${stats.filteredGraphSearches})`);
  await reopened.close();
  await rm(dir, { recursive: true, force: true });

  // The alternative: an hnswlib index per context. Each one allocates hnswlib's 65,536 label locks
  // (~2.5 MiB) up front, so only SAMPLE of them are built and the cost is scaled to `contexts`:
  // building all 10,000 would need ~25 GiB.
  const { M, efConstruction, randomSeed } = DEFAULT_HNSW_OPTIONS;
  const sample = Math.min(contexts, 100);
  const scale = contexts / sample;
  const perDir = await mkdtemp(join(tmpdir(), 'engram-hnsw-per-context-'));
  before = memory();
  t = performance.now();
  const indexes: hnswlib.HierarchicalNSW[] = [];
  for (let c = 0; c < sample; c++) {
    const index = new native.HierarchicalNSW('ip', dim);
    index.initIndex(perContext, M, efConstruction, randomSeed);
    for (let j = 0; j < perContext; j++) index.addPoint(Array.from(vectors[c * perContext + j]!), j);
    indexes.push(index);
  }
  const built = (performance.now() - t) / 1000;
  const after = memory();
  console.log(
    `\nindex per context (${sample} built, scaled ×${scale} to ${contexts}): insert ${fmt(built * scale, 2)} s; ` +
      `rss +${fmt(((after.rss - before.rss) * scale) / MiB, 0)} MiB (${fmt((after.rss - before.rss) / sample / MiB, 2)} MiB per index)`,
  );
  t = performance.now();
  for (let c = 0; c < sample; c++) await indexes[c]!.writeIndex(join(perDir, `${c}.hnsw`));
  console.log(`index per context: write files ${fmt(((performance.now() - t) / 1000) * scale, 2)} s, ${fmt(((await dirSize(perDir)) * scale) / MiB, 1)} MiB on disk`);
  indexes.length = 0;
  t = performance.now();
  for (let c = 0; c < sample; c++) {
    const index = new native.HierarchicalNSW('ip', dim);
    await index.readIndex(join(perDir, `${c}.hnsw`));
    indexes.push(index);
  }
  console.log(`index per context: open files ${fmt(((performance.now() - t) / 1000) * scale, 2)} s (ids and metadata not included)`);
  await rm(perDir, { recursive: true, force: true });
}

await main();
