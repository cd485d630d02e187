import { MATCH_ALL, MemoryBackend, VectorStore, type VectorBackend } from '@engram/vector-core';
import { FaissBackend, faissAvailability, loadFaiss, type FaissIndex } from '@engram/vector-faiss';
import { compare, singleShots, timeOnce, type Subject } from '../harness.js';
import { atLeast, notEvaluated } from '../results.js';
import { pick, type BenchContext, type Scenario } from '../scenario.js';
import { givenVectorsOnly } from '../vectors/given_vectors.js';
import { syntheticSet } from '../vectors/synthetic.js';
import { meanRecall, rowOf, type VectorSet } from '../vectors/vector_set.js';

const K = 10;
const DIM = 384;
const BATCH = 10_000;

/** Stores the whole set through VectorStore (ids are row numbers); returns the ingest time in ns. */
async function ingest(store: VectorStore, set: VectorSet): Promise<number> {
  const [, ns] = await timeOnce(async () => {
    for (let start = 0; start < set.count; start += BATCH) {
      const items = [];
      for (let i = start; i < Math.min(set.count, start + BATCH); i++) items.push({ id: String(i), text: '', vector: rowOf(set.base, DIM, i) });
      await store.storeVectors(items);
    }
  });
  return ns;
}

/** faiss-node's add takes a JS number[]; rows go in 1,000 at a time, as a user of the raw library would. */
function rawFaissIngest(index: FaissIndex, set: VectorSet): void {
  for (let start = 0; start < set.count; start += 1_000) {
    const end = Math.min(set.count, start + 1_000);
    index.add(Array.from(set.base.subarray(start * DIM, end * DIM)));
  }
}

const ids = (hits: ReadonlyArray<{ id: string }>) => hits.map((h) => Number(h.id));

async function searchAll(
  ctx: BenchContext,
  set: VectorSet,
  stores: Map<string, { backend: VectorBackend; store: VectorStore }>,
  raw: FaissIndex | undefined,
  faissSkip: string | undefined,
): Promise<void> {
  const queries = Array.from({ length: set.queryCount }, (_, q) => rowOf(set.queries, DIM, q));
  const queryArrays = queries.map((q) => Array.from(q));
  const next = (() => {
    let n = 0;
    return () => n++ % queries.length;
  })();
  const subjects: Subject[] = [];
  for (const [name, { backend, store }] of stores) {
    subjects.push({ name, op: () => backend.search(store.collection, 'default', queries[next()]!, { k: K, filter: MATCH_ALL }) });
  }
  const memory = stores.get('memory')!;
  subjects.push({ name: 'memory-store', op: () => memory.store.searchVectors('', { vector: queries[next()]!, k: K }) });
  if (raw) subjects.push({ name: 'faiss-raw', op: () => raw.search(queryArrays[next()]!, K) });
  ctx.step('vector-exact: single-query search');
  const result = await compare(subjects, { rounds: pick(ctx, 7, 3), warmupRounds: 1, opsPerRound: pick(ctx, 8, 5), mode: 'per-op', onRound: () => ctx.status('vector-exact: search rounds') });

  ctx.step('vector-exact: recall');
  const recallOf = async (search: (q: Float32Array, i: number) => Promise<number[]> | number[]) => {
    const found: number[][] = [];
    for (let q = 0; q < set.truth.length; q++) found.push(await search(queries[q]!, q));
    return meanRecall(found, set.truth);
  };
  const recall = new Map<string, number>();
  for (const [name, { backend, store }] of stores) recall.set(name, await recallOf(async (q) => ids(await backend.search(store.collection, 'default', q, { k: K, filter: MATCH_ALL }))));
  if (raw) recall.set('faiss-raw', await recallOf((_, i) => raw.search(queryArrays[i]!, K).labels));

  const r = ctx.recorder;
  const size = `${set.count.toLocaleString('en-US')} × ${DIM}`;
  const text = 'exact QPS ≥ 1.0× faiss IndexFlatIP';
  const rec = (name: string) => `recall@10 ${recall.get(name)?.toFixed(3) ?? '–'}`;
  if (raw) {
    const ratio = result.ratio('memory', 'faiss-raw');
    r.row({
      measurement: `exact memory backend, ${size}, top-10`,
      ours: result.timing('memory'),
      display: 'qps',
      value: rec('memory'),
      baseline: `raw faiss-node IndexFlatIP (${rec('faiss-raw')})`,
      raw: result.timing('faiss-raw'),
      ratio,
      target: atLeast(1 / ratio, 1, text),
    });
    r.row({ measurement: 'VectorStore.searchVectors (memory, given vector)', ours: result.timing('memory-store'), display: 'qps', baseline: 'raw faiss-node IndexFlatIP', raw: result.timing('faiss-raw'), ratio: result.ratio('memory-store', 'faiss-raw') });
    if (stores.has('faiss')) {
      r.row({ measurement: 'vector-faiss backend (exact)', ours: result.timing('faiss'), display: 'qps', value: rec('faiss'), baseline: 'raw faiss-node IndexFlatIP', raw: result.timing('faiss-raw'), ratio: result.ratio('faiss', 'faiss-raw') });
    }
  } else {
    r.row({ measurement: `exact memory backend, ${size}, top-10`, ours: result.timing('memory'), display: 'qps', value: rec('memory'), baseline: 'raw faiss-node (unavailable)', target: notEvaluated(text), note: `skipped: faiss-node: ${faissSkip}` });
  }
}

/**
 * Exact single-query search (k = 10, no filter) on clustered synthetic unit vectors: the memory
 * backend (WASM SIMD scan) and vector-faiss against raw faiss-node IndexFlatIP, all holding the
 * same rows; recall against a float64 brute force. Ingest is timed once per engine.
 */
export const vectorExactScenario: Scenario = {
  name: 'vector-exact',
  title: 'Exact memory backend vs faiss-node IndexFlatIP',
  plan: (quick) => ({ seconds: quick ? 10 : 50, steps: 4 }),
  async run(ctx) {
    const count = pick(ctx, 100_000, 20_000);
    ctx.step(`vector-exact: generating ${count.toLocaleString('en-US')} × ${DIM}`);
    const set = syntheticSet(count, DIM, pick(ctx, 40, 20), pick(ctx, 10, 5));
    const faiss = await faissAvailability();
    const faissSkip = faiss.available ? undefined : faiss.reason;
    if (faissSkip) ctx.log(`vector-exact: skipped raw faiss-node and vector-faiss: ${faissSkip}`);
    const stores = new Map<string, { backend: VectorBackend; store: VectorStore }>();
    const open = (name: string, backend: VectorBackend) => {
      stores.set(name, { backend, store: new VectorStore({ backend, embedder: givenVectorsOnly(DIM), embeddingCache: false }) });
    };
    open('memory', new MemoryBackend());
    if (faiss.available) open('faiss', new FaissBackend());
    try {
      ctx.step('vector-exact: ingest');
      const ingestNs = new Map<string, number>();
      for (const [name, { store }] of stores) ingestNs.set(name, await ingest(store, set));
      let raw: FaissIndex | undefined;
      if (faiss.available) {
        const binding = await loadFaiss();
        const index = new binding.IndexFlatIP(DIM);
        ingestNs.set('faiss-raw', (await timeOnce(() => rawFaissIngest(index, set)))[1]);
        raw = index;
      }
      await searchAll(ctx, set, stores, raw, faissSkip);
      const r = ctx.recorder;
      const rawIngest = ingestNs.get('faiss-raw');
      for (const [name, label] of [['memory', 'memory backend'], ['faiss', 'vector-faiss backend']] as const) {
        const ns = ingestNs.get(name);
        if (ns === undefined) continue;
        r.row({
          measurement: `ingest ${count.toLocaleString('en-US')} × ${DIM} via VectorStore, ${label}`,
          ours: singleShots([ns]),
          baseline: rawIngest === undefined ? undefined : 'raw faiss-node add(number[]), 1,000 rows per call',
          raw: rawIngest === undefined ? undefined : singleShots([rawIngest]),
          ratio: rawIngest === undefined ? undefined : ns / rawIngest,
        });
      }
    } finally {
      for (const { store } of stores.values()) await store.close();
    }
  },
};
