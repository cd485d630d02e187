import { MATCH_ALL } from '@engram/vector-core';
import { DEFAULT_HNSW_OPTIONS } from '@engram/vector-hnsw';
import { compare, singleShots, roundRatio } from '../harness.js';
import { allOf, atLeast, atMost } from '../results.js';
import { pick, type BenchContext, type Scenario } from '../scenario.js';
import { ANN_MISSING, annSets, hnswSyntheticSet } from '../vectors/bench_sets.js';
import { buildSet, openBackend, type BuiltSet } from '../vectors/hnsw_builds.js';
import { meanRecall, rowOf, type VectorSet } from '../vectors/vector_set.js';

const K = 10;
const DEFAULT_EF = DEFAULT_HNSW_OPTIONS.efSearch;

async function searchCurve(ctx: BenchContext, built: BuiltSet, efs: readonly number[]): Promise<void> {
  const { set, raw, queryArrays, spec } = built;
  const queries = Array.from({ length: set.queryCount }, (_, q) => rowOf(set.queries, set.dim, q));
  for (const [e, ef] of efs.entries()) {
    ctx.status(`vector-hnsw: ${set.name} efSearch ${ef}`);
    const backend = await openBackend(built, { efSearch: ef });
    try {
      raw.setEf(ef);
      const ours: number[][] = [];
      const theirs: number[][] = [];
      for (let q = 0; q < set.truth.length; q++) {
        ours.push((await backend.search(spec, 'default', queries[q]!, { k: K, filter: MATCH_ALL })).map((h) => Number(h.id)));
        theirs.push(raw.searchKnn(queryArrays[q]!, K).neighbors);
      }
      const recall = { engram: meanRecall(ours, set.truth), raw: meanRecall(theirs, set.truth) };
      // One pass over the queries per round; V8 is still optimising the backend's path during the first configuration.
      const result = await compare(
        [
          { name: 'engram', op: (i) => backend.search(spec, 'default', queries[i]!, { k: K, filter: MATCH_ALL }) },
          { name: 'raw', op: (i) => raw.searchKnn(queryArrays[i]!, K) },
        ],
        { rounds: pick(ctx, 15, 5), warmupRounds: e === 0 ? pick(ctx, 20, 8) : 3, opsPerRound: set.queryCount, mode: 'batch' },
      );
      const stats = await backend.stats();
      if (stats.graphSearches === 0) throw new Error('the backend did not walk the graph: the comparison would be meaningless');
      const engram = result.timing('engram');
      const rawTiming = result.timing('raw');
      ctx.recorder.curve({ set: set.name, engine: 'engram', efSearch: ef, recall: recall.engram, qps: engram.opsPerSec });
      ctx.recorder.curve({ set: set.name, engine: 'raw', efSearch: ef, recall: recall.raw, qps: rawTiming.opsPerSec });
      if (ef !== DEFAULT_EF) continue;
      const ratio = result.ratio('engram', 'raw');
      ctx.recorder.row({
        measurement: `HNSW search, ${set.name} (${set.count.toLocaleString('en-US')} × ${set.dim}), efSearch ${ef}`,
        ours: engram,
        display: 'qps',
        value: `recall@10 ${recall.engram.toFixed(3)}`,
        baseline: `raw hnswlib-node searchKnn (recall@10 ${recall.raw.toFixed(3)})`,
        raw: rawTiming,
        ratio,
        target: allOf('recall@10 ≥ 0.95 at ≥ 0.8× raw QPS', atLeast(recall.engram, 0.95, ''), atLeast(1 / ratio, 0.8, '')),
      });
    } finally {
      await backend.close();
    }
  }
}

function ingestRow(ctx: BenchContext, built: BuiltSet): void {
  const { engram, raw } = built.ingestNs;
  const ratio = roundRatio(engram, raw);
  ctx.recorder.row({
    measurement: `HNSW ingest, ${built.set.name} (${built.set.count.toLocaleString('en-US')} × ${built.set.dim})`,
    ours: singleShots(engram),
    baseline: 'raw hnswlib-node addPoint (pre-sized index)',
    raw: singleShots(raw),
    ratio,
    // "Ingest ≥ 0.9× raw" is a speed: raw time / ours ≥ 0.9, i.e. ours/raw time ≤ 1/0.9.
    target: atMost(ratio, 1 / 0.9, 'ingest ≥ 0.9× raw speed'),
  });
}

/**
 * HnswBackend against raw hnswlib-node with the same M, efConstruction and seed: ingest (a
 * few alternating builds), then recall@10 against exact ground truth and single-query QPS at
 * several efSearch values, on every cosine set of ../shared/data/ann and a synthetic 384-d set.
 * The recall / QPS points become the SVG chart.
 */
export const vectorHnswScenario: Scenario = {
  name: 'vector-hnsw',
  title: 'HNSW backend vs raw hnswlib-node (recall@10, QPS, ingest)',
  plan: (quick) => ({ seconds: quick ? 25 : 120, steps: 9 }),
  async run(ctx) {
    const efs = pick(ctx, [16, 32, 64, 128, 256], [16, 64, 256]);
    const sets: VectorSet[] = annSets(ctx);
    if (sets.length === 0) ctx.log(`vector-hnsw: ${ANN_MISSING}`);
    ctx.step('vector-hnsw: generating the synthetic set');
    sets.push(hnswSyntheticSet(ctx));
    for (const set of sets) {
      ctx.step(`vector-hnsw: building ${set.name}`);
      const built = await buildSet(set, pick(ctx, 3, 2), (label) => ctx.status(`vector-hnsw: ${set.name}: ${label}`));
      ingestRow(ctx, built);
      ctx.step(`vector-hnsw: searching ${set.name}`);
      await searchCurve(ctx, built, efs);
    }
  },
};
