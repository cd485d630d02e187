/**
 * Cold-path cost over InProcessMemory: load misses and withCache misses (fn returns
 * undefined, so nothing is saved), ROUND concurrent calls at a time on distinct keys.
 * Run from packages/memory-cache: `npx tsx bench/with_cache.bench.ts` (imports memory-core and
 * memory-utils through their built dist). Median of RUNS runs after a warm-up.
 */
import { InProcessMemory, MemoryManager } from '../src/index.js';

const CALLS = 200_000;
const ROUND = 100;
const RUNS = 5;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function measure(label: string, call: (key: string) => Promise<unknown>): Promise<void> {
  const runs: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const start = process.hrtime.bigint();
    for (let first = 0; first < CALLS; first += ROUND) {
      const round: Array<Promise<unknown>> = [];
      for (let i = first; i < first + ROUND; i++) round.push(call(`r${run}:k${i}`));
      await Promise.all(round);
    }
    if (run > 0) runs.push(Number(process.hrtime.bigint() - start) / CALLS);
  }
  console.log(`${label.padEnd(44)} ${median(runs).toFixed(0).padStart(6)} ns/call   (runs: ${runs.map((r) => r.toFixed(0)).join(' ')})`);
}

async function main(): Promise<void> {
  console.log(`${CALLS} calls per run, ${ROUND} concurrent, median of ${RUNS} runs; node ${process.version}\n`);
  const store = new InProcessMemory({ sweepIntervalMs: 0 });
  await measure('InProcessMemory.loadEntry, missing key', (key) => store.loadEntry(key, 'ctx'));
  const manager = new MemoryManager(new InProcessMemory({ sweepIntervalMs: 0 }), undefined, { cacheSize: 1000 });
  await measure('MemoryManager.load, miss', (key) => manager.load(key, 'ctx'));
  const nothing = () => undefined;
  await measure('MemoryManager.withCache, miss, fn → undefined', (key) => manager.withCache(nothing, key, 'ctx'));
  if (manager.getManagerStats().inflight !== 0) throw new Error('in-flight entries left behind');
  await manager.close();
  await store.close();
}

await main();
