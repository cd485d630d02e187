import type { BenchContext } from '../scenario.js';
import { cosineSetNames, loadCosineSet } from './ann_sets.js';
import { memoSet } from './hnsw_builds.js';
import { syntheticSet } from './synthetic.js';
import type { VectorSet } from './vector_set.js';

/** The synthetic 384-d set of the HNSW scenarios: 20,000 rows (5,000 with --quick), 100 queries (50). */
export function hnswSyntheticSet(ctx: BenchContext): VectorSet {
  const count = ctx.quick ? 5_000 : 20_000;
  const queries = ctx.quick ? 50 : 100;
  return memoSet(`synthetic-${count}`, () => syntheticSet(count, 384, queries));
}

/** Every cosine set of the shared folder (loaded once per run), or none when the folder is absent. */
export function annSets(ctx: BenchContext, only?: (name: string) => boolean): VectorSet[] {
  if (!ctx.annDir) return [];
  const dir = ctx.annDir;
  return cosineSetNames(dir)
    .filter((name) => !only || only(name))
    .map((name) => memoSet(`ann-${name}`, () => loadCosineSet(dir, name)));
}

export const ANN_MISSING =
  'skipped the shared ANN sets: not found (expected ../shared/data/ann beside the repository, or set ENGRAM_ANN_DIR); the synthetic set still runs';
