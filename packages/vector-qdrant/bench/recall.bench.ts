/**
 * recall@10 against the exact ground truth, QPS and ingest time of QdrantBackend (shared
 * collection and collection per context) next to the raw @qdrant/js-client-rest on the same
 * server, in the same run, on every cosine set in ../shared/data/ann; plus recall@10 of a
 * 1%-selective filtered search against exact filtered search. One query at a time, k = 10.
 *
 * Needs a Qdrant server (none can be installed on the project's machines):
 *   QDRANT_URL=http://localhost:6333 [QDRANT_API_KEY=…] npx tsx --tsconfig bench/tsconfig.json bench/recall.bench.ts [set-name-part]
 * It creates collections named bench_* and deletes them at the end.
 */
import { QdrantClient } from '@qdrant/js-client-rest';
import { MATCH_ALL, parseFilter, type CollectionSpec } from '@engram/vector-core';
import { QdrantBackend, contextCollectionName } from '../src/index.js';
import { cosineSets, exactTopK, fmt, recallAt, type AnnSet } from './ann_sets.js';

const K = 10;
const BATCH = 256;
const url = process.env.QDRANT_URL;
const apiKey = process.env.QDRANT_API_KEY || undefined;

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

const meanRecall = (results: number[][], truth: (q: number) => ArrayLike<number>) =>
  results.reduce((sum, found, q) => sum + recallAt(K, found, truth(q)), 0) / results.length;

async function raw(client: QdrantClient, set: AnnSet, name: string): Promise<Row> {
  await client.createCollection(name, { vectors: { size: set.dim, distance: 'Cosine' } });
  const start = performance.now();
  for (let i = 0; i < set.base.length; i += BATCH) {
    const points = set.base.slice(i, i + BATCH).map((v, j) => ({ id: i + j, vector: Array.from(v) }));
    await client.upsert(name, { wait: true, points });
  }
  const ingestS = (performance.now() - start) / 1000;
  const { qps, results } = await timeQueries(set.queries.length, async (q) => {
    const r = await client.query(name, { query: Array.from(set.queries[q]!), limit: K });
    return r.points.map((p) => Number(p.id));
  });
  return { set: set.name, path: 'raw @qdrant/js-client-rest', ingestS, recall: meanRecall(results, (q) => set.truth[q]!), qps };
}

async function engram(set: AnnSet, spec: CollectionSpec, perContext: boolean): Promise<Row> {
  const backend = new QdrantBackend({ url, apiKey, collectionPerContext: perContext });
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
    path: perContext ? 'QdrantBackend, collection per context' : 'QdrantBackend, shared collection',
    ingestS,
    recall: meanRecall(plain.results, (q) => set.truth[q]!),
    qps: plain.qps,
    filteredRecall: meanRecall(filtered.results, (q) => exactTopK(set.base, set.queries[q]!, K, accept)),
    filteredQps: filtered.qps,
  };
}

async function main(): Promise<void> {
  if (!url) {
    console.log('Qdrant recall bench skipped: set QDRANT_URL (and QDRANT_API_KEY if needed) to run it against a real server');
    return;
  }
  const client = new QdrantClient({ url, apiKey, checkCompatibility: false });
  const rows: Row[] = [];
  const created: string[] = [];
  try {
    for (const set of cosineSets(process.argv[2])) {
      const slug = set.name.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
      console.error(`${set.name}: ${set.base.length} x ${set.dim}, ${set.queries.length} queries`);
      created.push(`bench_raw_${slug}`);
      rows.push(await raw(client, set, `bench_raw_${slug}`));
      for (const perContext of [false, true]) {
        const spec = { name: `bench_${perContext ? 'own' : 'shared'}_${slug}`, model: 'bench', dimension: set.dim };
        created.push(perContext ? contextCollectionName(spec.name, 'bench') : spec.name);
        rows.push(await engram(set, spec, perContext));
      }
    }
  } finally {
    for (const name of created) await client.deleteCollection(name).catch(() => undefined);
  }
  console.log(`\nQdrant at ${new URL(url).host}, k = ${K}`);
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
