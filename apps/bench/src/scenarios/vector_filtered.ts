import { parseFilter } from '@engram/vector-core';
import { compare } from '../harness.js';
import { allOf, atLeast } from '../results.js';
import { pick, type BenchContext, type Scenario } from '../scenario.js';
import { ANN_MISSING, annSets, hnswSyntheticSet } from '../vectors/bench_sets.js';
import { bucketOf, buildSet, builtSet, openBackend, type BuiltSet } from '../vectors/hnsw_builds.js';
import { exactTopK, meanRecall, rowOf, type VectorSet } from '../vectors/vector_set.js';

const K = 10;
const PLANS = ['graphSearches', 'filteredGraphSearches', 'exactScans', 'predicateScans', 'fallbackScans'];
const RAW_EF = 64;

async function measure(ctx: BenchContext, built: BuiltSet): Promise<void> {
  const { set, raw, queryArrays, spec } = built;
  const accept = (i: number) => bucketOf(i) === 0;
  const filter = parseFilter({ bucket: 'b0' });
  const queries = Array.from({ length: set.queryCount }, (_, q) => rowOf(set.queries, set.dim, q));
  const truth = queries.map((q) => exactTopK(set, q, K, accept));
  const backend = await openBackend(built);
  try {
    raw.setEf(RAW_EF);
    const before = await backend.stats();
    const ours: number[][] = [];
    const theirs: number[][] = [];
    for (let q = 0; q < queries.length; q++) {
      ours.push((await backend.search(spec, 'default', queries[q]!, { k: K, filter })).map((h) => Number(h.id)));
      theirs.push(raw.searchKnn(queryArrays[q]!, K, accept).neighbors);
    }
    const after = await backend.stats();
    const plan = PLANS.filter((p) => after[p] !== before[p]).join(' + ') || 'unknown';
    const recall = { engram: meanRecall(ours, truth), raw: meanRecall(theirs, truth) };
    const result = await compare(
      [
        { name: 'engram', op: (i) => backend.search(spec, 'default', queries[i]!, { k: K, filter }) },
        // The callback only does arithmetic on the label: the cheapest filter a raw user could write.
        { name: 'raw', op: (i) => raw.searchKnn(queryArrays[i]!, K, accept) },
      ],
      { rounds: pick(ctx, 9, 3), warmupRounds: pick(ctx, 3, 2), opsPerRound: set.queryCount, mode: 'batch', onRound: () => ctx.status(`vector-filtered: ${set.name}`) },
    );
    const ratio = result.ratio('engram', 'raw');
    ctx.recorder.row({
      measurement: `filtered 1% ($eq), ${set.name} (${set.count.toLocaleString('en-US')} × ${set.dim})`,
      ours: result.timing('engram'),
      display: 'qps',
      value: `recall ${recall.engram.toFixed(3)}`,
      baseline: `raw hnswlib filtered searchKnn, ef ${RAW_EF} (recall ${recall.raw.toFixed(3)})`,
      raw: result.timing('raw'),
      ratio,
      target: allOf('recall 1.0 at ≥ 20× raw filtered QPS', atLeast(recall.engram, 0.9995, ''), atLeast(1 / ratio, 20, '')),
      note: `backend plan: ${plan}`,
    });
  } finally {
    await backend.close();
  }
}

/**
 * Filtered search at 1% selectivity (`{ bucket: 'b0' }`, one row in a hundred): HnswBackend,
 * whose planner picks its own strategy, against raw hnswlib-node's filtered searchKnn with a
 * label callback; recall against an exact filtered brute force. Runs on GloVe-50 (when the
 * shared sets are present) and the synthetic set, reusing the HNSW scenario's builds.
 */
export const vectorFilteredScenario: Scenario = {
  name: 'vector-filtered',
  title: 'Filtered search at 1% selectivity vs raw hnswlib filtered searchKnn',
  plan: (quick) => ({ seconds: quick ? 8 : 30, steps: 4 }),
  async run(ctx) {
    const sets: VectorSet[] = annSets(ctx, (name) => name.startsWith('glove-6B-50d'));
    if (sets.length === 0) ctx.log(`vector-filtered: ${ANN_MISSING}`);
    sets.push(hnswSyntheticSet(ctx));
    for (const set of sets) {
      ctx.step(`vector-filtered: ${set.name}`);
      const built = builtSet(set.name) ?? (await buildSet(set, 1, (label) => ctx.status(`vector-filtered: ${set.name}: ${label}`)));
      ctx.step(`vector-filtered: searching ${set.name}`);
      await measure(ctx, built);
    }
  },
};
