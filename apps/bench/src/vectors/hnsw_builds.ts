import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import type { CollectionSpec } from '@engram/vector-core';
import { DEFAULT_HNSW_OPTIONS, HnswBackend, type HnswBackendOptions } from '@engram/vector-hnsw';
import { rowOf, type VectorSet } from './vector_set.js';

type RawIndex = InstanceType<typeof hnswlib.HierarchicalNSW>;

/** 1% of rows fall in each bucket: `b0` is the 1%-selective filter value. */
export const bucketOf = (i: number): number => (i * 37) % 100;

export interface BuiltSet {
  set: VectorSet;
  spec: CollectionSpec;
  /** Raw hnswlib-node index of the whole set (label = row). */
  raw: RawIndex;
  /** Query rows as the number[] hnswlib-node requires, converted once, outside any timing. */
  queryArrays: number[][];
  /** The persisted HnswBackend build; open it with any efSearch through `openBackend`. */
  dir: string;
  /** Nanoseconds per build, in alternating order. */
  ingestNs: { engram: number[]; raw: number[] };
}

const builds = new Map<string, BuiltSet>();
const dirs: string[] = [];
// Index files of a run are scratch: never leave them in the temp folder, however the run ends.
process.once('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const { M, efConstruction, randomSeed } = DEFAULT_HNSW_OPTIONS;

function buildRaw(set: VectorSet, rows: number[][]): RawIndex {
  const index = new hnswlib.HierarchicalNSW('ip', set.dim);
  index.initIndex(set.count, M, efConstruction, randomSeed);
  for (let i = 0; i < set.count; i++) index.addPoint(rows[i]!, i);
  return index;
}

/** Ids are row numbers; every record carries the bucket field the filtered search uses. */
async function buildEngram(set: VectorSet, spec: CollectionSpec, storageDir: string | undefined): Promise<HnswBackend> {
  const backend = new HnswBackend(storageDir ? { storageDir } : {});
  await backend.open(spec);
  for (let start = 0; start < set.count; start += 1_000) {
    const records = [];
    for (let i = start; i < Math.min(set.count, start + 1_000); i++) {
      records.push({ id: String(i), vector: rowOf(set.base, set.dim, i), metadata: { text: '', bucket: `b${bucketOf(i)}` } });
    }
    await backend.upsert(spec, 'default', records);
  }
  return backend;
}

/**
 * Builds the set `builds` times with each engine, alternating which goes first, and keeps the
 * last raw index and the last HnswBackend build (persisted) for searching. Same M,
 * efConstruction and seed on both sides. Raw gets prebuilt number[] rows and a pre-sized
 * index; the backend gets Float32Array records, as VectorStore hands them over, and grows.
 */
export async function buildSet(set: VectorSet, count: number, onBuild: (label: string) => void): Promise<BuiltSet> {
  const rows = Array.from({ length: set.count }, (_, i) => Array.from(rowOf(set.base, set.dim, i)));
  const spec: CollectionSpec = { name: 'bench', model: set.name, dimension: set.dim };
  const dir = await mkdtemp(join(tmpdir(), 'engram-bench-hnsw-'));
  dirs.push(dir);
  const ingestNs = { engram: [] as number[], raw: [] as number[] };
  let raw: RawIndex | undefined;
  for (let b = 0; b < count; b++) {
    const last = b === count - 1;
    const timeRaw = () => {
      onBuild(`raw hnswlib build ${b + 1}/${count}`);
      const start = performance.now();
      raw = buildRaw(set, rows);
      ingestNs.raw.push((performance.now() - start) * 1e6);
    };
    const timeEngram = async () => {
      onBuild(`HnswBackend build ${b + 1}/${count}`);
      const start = performance.now();
      const backend = await buildEngram(set, spec, last ? dir : undefined);
      ingestNs.engram.push((performance.now() - start) * 1e6);
      await backend.close(); // persists the last build (untimed)
    };
    if (b % 2 === 0) {
      timeRaw();
      await timeEngram();
    } else {
      await timeEngram();
      timeRaw();
    }
  }
  const queryArrays = Array.from({ length: set.queryCount }, (_, q) => Array.from(rowOf(set.queries, set.dim, q)));
  const built: BuiltSet = { set, spec, raw: raw!, queryArrays, dir, ingestNs };
  builds.set(set.name, built);
  return built;
}

/** A set built earlier in this run (the filtered scenario reuses the HNSW scenario's builds). */
export const builtSet = (name: string): BuiltSet | undefined => builds.get(name);

export async function openBackend(built: BuiltSet, options: HnswBackendOptions = {}): Promise<HnswBackend> {
  const backend = new HnswBackend({ storageDir: built.dir, ...options });
  await backend.open(built.spec);
  return backend;
}

const sets = new Map<string, VectorSet>();
/** One instance per set per run, so the scenarios that share it share its builds. */
export function memoSet(key: string, make: () => VectorSet): VectorSet {
  let set = sets.get(key);
  if (!set) sets.set(key, (set = make()));
  return set;
}
