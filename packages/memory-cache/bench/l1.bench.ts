/**
 * L1-hit cost of MemoryManager.load for a ~300-byte record, next to its building blocks.
 * Run from packages/memory-cache: `npx tsx bench/l1.bench.ts` (imports memory-core and
 * memory-utils through their built dist: build them first). Figures are medians over RUNS
 * timed runs of ITERATIONS operations each, after a warm-up; nothing here is asserted.
 */
import { cloneValue, compositeKey } from '@engram/memory-utils';
import { LRUCache } from 'lru-cache';
import { InProcessMemory, MemoryManager } from '../src/index.js';

const ITERATIONS = 200_000;
const RUNS = 9;

const record = {
  id: 'user-42',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  tags: ['math', 'poetry', 'engines', 'notes'],
  prefs: { theme: 'dark', lang: 'en', notifications: true },
  stats: { visits: 1234, score: 0.97, streak: 12 },
  createdAt: '2024-01-02T03:04:05.678Z',
  bio: 'Wrote the notes on the Analytical Engine.',
};

let sink: unknown;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** ns per operation: median of RUNS runs, after one untimed warm-up run. */
async function measure(label: string, op: () => unknown, isAsync: boolean): Promise<number> {
  const runs: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const start = process.hrtime.bigint();
    if (isAsync) for (let i = 0; i < ITERATIONS; i++) sink = await op();
    else for (let i = 0; i < ITERATIONS; i++) sink = op();
    const ns = Number(process.hrtime.bigint() - start) / ITERATIONS;
    if (run > 0) runs.push(ns);
  }
  const result = median(runs);
  console.log(`${label.padEnd(52)} ${result.toFixed(0).padStart(6)} ns/op   (runs: ${runs.map((r) => r.toFixed(0)).join(' ')})`);
  return result;
}

async function main(): Promise<void> {
  console.log(`record: ${JSON.stringify(record).length} bytes as JSON; ${ITERATIONS} ops per run, median of ${RUNS} runs`);
  console.log(`node ${process.version}, ${process.platform} ${process.arch}\n`);

  const lru = new LRUCache<string, object>({ max: 1000 });
  const ck = compositeKey('profile', 'user-42');
  lru.set(ck, record);
  await measure('raw lru-cache get', () => lru.get(ck), false);
  await measure('raw lru-cache get + structuredClone', () => structuredClone(lru.get(ck)), false);
  await measure('raw lru-cache get + cloneValue', () => cloneValue(lru.get(ck)), false);
  await measure('async no-op (the cost of one await)', async () => sink, true);

  const manager = new MemoryManager(new InProcessMemory(), undefined, { cacheSize: 1000 });
  await manager.save('profile', 'user-42', record);
  await manager.load('profile', 'user-42');
  const hitsBefore = manager.getManagerStats().hits;
  await measure('MemoryManager.load, L1 hit (awaited)', () => manager.load('profile', 'user-42'), true);
  const stats = manager.getManagerStats();
  if (stats.loads !== 0 || stats.hits - hitsBefore !== ITERATIONS * (RUNS + 1)) throw new Error('the benchmark left L1: not measuring hits');
  await measure('MemoryManager.withCache, L1 hit (awaited)', () => manager.withCache(() => record, 'profile', 'user-42'), true);
  // What instrumentManager (memory-metrics) subscribes to: timing and hit/miss reporting switch on.
  let observed = 0;
  manager.on('operation', () => observed++).on('cache:hit', () => observed++);
  await measure('MemoryManager.load, L1 hit, with operation + cache:hit listeners', () => manager.load('profile', 'user-42'), true);
  if (observed !== 2 * ITERATIONS * (RUNS + 1)) throw new Error('the listeners did not run on every load');
  await manager.close();
}

await main();
