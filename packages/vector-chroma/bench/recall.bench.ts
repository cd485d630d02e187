/**
 * recall@10 against the exact ground truth, QPS and ingest time of ChromaBackend next to the raw
 * chromadb client on the same Chroma server, in the same run, on every cosine set in
 * ../shared/data/ann; plus recall@10 of a 1%-selective filtered search against exact filtered
 * search. One query at a time, k = 10, all rows in one context: the worst case for the shared
 * collection, whose context condition then matches every row (see the README's tenancy notes).
 * Starts its own Chroma on a loopback port.
 *
 * Run (from packages/vector-chroma; about a minute, mostly Chroma's ingest):
 *   npx tsx --tsconfig bench/tsconfig.json bench/recall.bench.ts [set-name-part]
 */
import { ChromaClient } from 'chromadb';
import { startChroma } from '@engram/test-servers';
import { MATCH_ALL, parseFilter, type CollectionSpec } from '@engram/vector-core';
import { ChromaBackend } from '../src/index.js';
import { cosineSets, exactTopK, fmt, recallAt, type AnnSet } from './ann_sets.js';

const K = 10;
const BATCH = 1_000;

interface Row {
  set: string;
  path: string;
  ingestS: number;
  recall: number;
  qps: number;
  filteredRecall?: number;
  filteredQps?: number;
}

async function timeQueries(count: number, run: (q: number) => Promise<number[]>): Promise<{ qps: number; results: number[][] }> {
  for (let q = 0; q < Math.min(5, count); q++) await run(q);
  const results: number[][] = [];
  const start = performance.now();
  for (let q = 0; q < count; q++) results.push(await run(q));
  return { qps: count / ((performance.now() - start) / 1000), results };
}

const meanRecall = (set: AnnSet, results: number[][], truth: (q: number) => ArrayLike<number>) =>
  results.reduce((sum, found, q) => sum + recallAt(K, found, truth(q)), 0) / results.length;

async function raw(url: URL, set: AnnSet, slug: string): Promise<Row> {
  const client = new ChromaClient({ host: url.hostname, port: Number(url.port) });
  const collection = await client.createCollection({ name: `raw_${slug}`, configuration: { hnsw: { space: 'cosine' } }, embeddingFunction: null });
  const start = performance.now();
  for (let i = 0; i < set.base.length; i += BATCH) {
    const rows = set.base.slice(i, i + BATCH);
    await collection.add({ ids: rows.map((_, j) => String(i + j)), embeddings: rows.map((v) => Array.from(v)) });
  }
  const ingestS = (performance.now() - start) / 1000;
  const { qps, results } = await timeQueries(set.queries.length, async (q) => {
    const r = await collection.query({ queryEmbeddings: [Array.from(set.queries[q]!)], nResults: K, include: ['distances'] });
    return (r.ids[0] ?? []).map(Number);
  });
  return { set: set.name, path: 'raw chromadb client', ingestS, recall: meanRecall(set, results, (q) => set.truth[q]!), qps };
}

async function engram(url: URL, set: AnnSet, slug: string, perContext: boolean): Promise<Row> {
  const backend = new ChromaBackend({ url: url.origin, collectionPerContext: perContext });
  const spec: CollectionSpec = { name: `engram_${perContext ? 'own' : 'shared'}_${slug}`, model: 'bench', dimension: set.dim };
  await backend.open(spec);
  const records = set.base.map((vector, i) => ({ id: String(i), vector, metadata: { text: '', bucket: `b${i % 100}` } }));
  const start = performance.now();
  await backend.upsert(spec, 'bench', records);
  const ingestS = (performance.now() - start) / 1000;
  const plain = await timeQueries(set.queries.length, async (q) =>
    (await backend.search(spec, 'bench', set.queries[q]!, { k: K, filter: MATCH_ALL })).map((h) => Number(h.id)),
  );
  const filter = parseFilter({ bucket: 'b7' });
  const accept = (i: number) => i % 100 === 7;
  const filtered = await timeQueries(set.queries.length, async (q) =>
    (await backend.search(spec, 'bench', set.queries[q]!, { k: K, filter })).map((h) => Number(h.id)),
  );
  await backend.close();
  return {
    set: set.name,
    path: perContext ? 'ChromaBackend, collection per context' : 'ChromaBackend, shared collection',
    ingestS,
    recall: meanRecall(set, plain.results, (q) => set.truth[q]!),
    qps: plain.qps,
    filteredRecall: meanRecall(set, filtered.results, (q) => exactTopK(set.base, set.queries[q]!, K, accept)),
    filteredQps: filtered.qps,
  };
}

async function main(): Promise<void> {
  const sets = cosineSets(process.argv[2]);
  const server = await startChroma();
  const url = new URL(server.url);
  const rows: Row[] = [];
  try {
    for (const set of sets) {
      const slug = set.name.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
      console.error(`${set.name}: ${set.base.length} x ${set.dim}, ${set.queries.length} queries`);
      rows.push(await raw(url, set, slug));
      rows.push(await engram(url, set, slug, false));
      rows.push(await engram(url, set, slug, true));
    }
  } finally {
    await server.stop();
  }
  console.log(`\nChroma ${'1.0.0'} (chromadb client 3.5.0), HNSW defaults (M 16, ef_construction 100, ef_search 100), k = ${K}`);
  console.log('| set | path | ingest s | recall@10 | QPS | 1%-filter recall@10 | 1%-filter QPS |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const f = r.filteredRecall === undefined ? '| - | - |' : `| ${fmt(r.filteredRecall, 3)} | ${fmt(r.filteredQps!, 0)} |`;
    console.log(`| ${r.set} | ${r.path} | ${fmt(r.ingestS, 2)} | ${fmt(r.recall, 3)} | ${fmt(r.qps, 0)} ${f}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
