/**
 * Exact search speed and recall of the memory backend on 100k x 384 clustered vectors.
 * Run: npx tsx bench/exact.bench.ts [rows] [dimension]   (takes ~1 minute; uses one core)
 * The machine is shared: run it once, not in a loop.
 */
// Imports only what the scan needs, so the bench runs against the sibling packages' built dist.
import { MATCH_ALL, parseFilter } from '../src/filter.js';
import { MemoryBackend } from '../src/memory/memory_backend.js';
import type { CollectionSpec } from '../src/vector_backend.js';
import { normalizedCopy } from '../src/vector_math.js';
import { clusteredVectors, exactTopK, recallAtK, row } from '../src/testing/synthetic.js';

const rows = Number(process.argv[2] ?? 100_000);
const dim = Number(process.argv[3] ?? 384);
const queryCount = 40;
const k = 10;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (n: number) => n.toFixed(1);

async function main(): Promise<void> {
  let t = performance.now();
  // Queries come from the same clusters as the data (drawn together, then split off).
  const all = clusteredVectors(rows + queryCount, dim, { seed: 42, clusters: 256, spread: 0.8 });
  const base = all.subarray(0, rows * dim);
  const queries = Array.from({ length: queryCount }, (_, q) => normalizedCopy(row(all, dim, rows + q), dim));
  console.log(`generated ${rows} x ${dim} in ${fmt((performance.now() - t) / 1000)} s`);

  const backend = new MemoryBackend();
  const plain = new MemoryBackend({ simd: false });
  const c: CollectionSpec = { name: 'bench', model: 'synthetic', dimension: dim };
  t = performance.now();
  const batch = 10_000;
  for (let start = 0; start < rows; start += batch) {
    const records = [];
    for (let i = start; i < Math.min(rows, start + batch); i++) {
      records.push({ id: `r${i}`, vector: normalizedCopy(row(base, dim, i), dim), metadata: { text: '', bucket: i % 100 } });
    }
    await backend.upsert(c, 'ctx', records);
    await plain.upsert(c, 'ctx', records);
  }
  console.log(`inserted in ${fmt((performance.now() - t) / 1000)} s; heap ${fmt(process.memoryUsage().heapUsed / 2 ** 20)} MiB, arrayBuffers ${fmt(process.memoryUsage().arrayBuffers / 2 ** 20)} MiB`);

  // Warm-up so the JIT has compiled the scan before timing.
  for (let i = 0; i < 5; i++) {
    await backend.search(c, 'ctx', queries[i] as Float32Array, { k, filter: MATCH_ALL });
    await plain.search(c, 'ctx', queries[i] as Float32Array, { k, filter: MATCH_ALL });
  }

  const runs = 5;
  for (const [label, b] of [['SIMD kernel', backend], ['plain JS scan', plain]] as const) {
    const single: number[] = [];
    for (let r = 0; r < runs; r++) {
      t = performance.now();
      for (const q of queries) await b.search(c, 'ctx', q, { k, filter: MATCH_ALL });
      single.push(queries.length / ((performance.now() - t) / 1000));
    }
    console.log(`single-query QPS, ${label}: median ${fmt(median(single))} of ${runs} runs [${single.map(fmt).join(', ')}]`);
  }
  await plain.close();

  const filter = parseFilter({ bucket: 7 });
  await backend.search(c, 'ctx', queries[0] as Float32Array, { k, filter }); // builds the metadata index
  t = performance.now();
  for (const q of queries) await backend.search(c, 'ctx', q, { k, filter });
  console.log(`1%-selective filtered QPS (metadata index): ${fmt(queries.length / ((performance.now() - t) / 1000))}`);
  const range = parseFilter({ bucket: { $gte: 7, $lt: 8 } });
  t = performance.now();
  for (const q of queries) await backend.search(c, 'ctx', q, { k, filter: range });
  console.log(`1%-selective range filter QPS (full scan, SIMD scores then filter): ${fmt(queries.length / ((performance.now() - t) / 1000))}`);

  // Recall against brute force in float64 over the raw (unnormalised) vectors.
  let recall = 0;
  let filteredRecall = 0;
  const checked = 20;
  for (let q = 0; q < checked; q++) {
    const query = queries[q] as Float32Array;
    const hits = await backend.search(c, 'ctx', query, { k, filter: MATCH_ALL });
    recall += recallAtK(hits.map((h) => Number(h.id.slice(1))), exactTopK(base, dim, query, k));
    const fhits = await backend.search(c, 'ctx', query, { k, filter });
    filteredRecall += recallAtK(fhits.map((h) => Number(h.id.slice(1))), exactTopK(base, dim, query, k, (i) => i % 100 === 7));
  }
  console.log(`recall@${k} vs float64 brute force: ${(recall / checked).toFixed(4)}; filtered: ${(filteredRecall / checked).toFixed(4)}`);
  console.log(JSON.stringify(await backend.stats()));
  await backend.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
