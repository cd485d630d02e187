/**
 * RedisMemory on a private 3-master, 3-replica Redis Cluster against the same store on one
 * private Redis: sequential save/load latency, bulk of 100, and clear() across masters. Run from
 * packages/memory-redis:
 *
 *   npx tsx --tsconfig bench/tsconfig.json bench/cluster.bench.ts
 *
 * Starts its own servers on free loopback ports and stops them; never touches 127.0.0.1:6379.
 */
import { performance } from 'node:perf_hooks';
import { startRedis, startRedisCluster } from '../../../tools/test-servers/src/index.js';
import { RedisMemory, getConnectionManager } from '../src/index.js';

const OPS = 2_000;
const value = { text: 'x'.repeat(200), n: 42, tags: ['a', 'b'] };

async function usPerOp(action: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < OPS; i++) await action(i);
  return ((performance.now() - started) * 1000) / OPS;
}

async function measure(label: string, store: RedisMemory): Promise<void> {
  await store.saveContext('warm', 'ctx', value);
  const save = await usPerOp((i) => store.saveContext(`k${i % 100}`, `ctx-${i % 50}`, value));
  const load = await usPerOp((i) => store.loadContext(`k${i % 100}`, `ctx-${i % 50}`));
  const bulk = new Map(Array.from({ length: 100 }, (_, i) => [`b${i}`, value]));
  let started = performance.now();
  for (let i = 0; i < 50; i++) await store.bulkSave(bulk, `bulk-${i}`);
  const bulkSaveMs = (performance.now() - started) / 50;
  started = performance.now();
  for (let i = 0; i < 50; i++) await store.bulkLoad([...bulk.keys()], `bulk-${i}`);
  const bulkLoadMs = (performance.now() - started) / 50;
  for (let c = 0; c < 100; c++) await store.bulkSave(bulk, `many-${c}`);
  started = performance.now();
  const removed = await store.clear();
  const clearMs = performance.now() - started;
  console.log(
    `${label}: saveContext ${save.toFixed(0)} µs, loadContext ${load.toFixed(0)} µs, bulkSave(100) ${bulkSaveMs.toFixed(2)} ms, ` +
      `bulkLoad(100) ${bulkLoadMs.toFixed(2)} ms, clear() of ${removed} values ${clearMs.toFixed(0)} ms`,
  );
}

let started = performance.now();
const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
console.log(`startRedisCluster (3 masters + 3 replicas, settled): ${(performance.now() - started).toFixed(0)} ms`);
const single = await startRedis();
try {
  await measure('single Redis', new RedisMemory({ url: single.url, keyPrefix: 'bench' }));
  await measure('cluster     ', new RedisMemory({ cluster: { nodes: cluster.nodes }, keyPrefix: 'bench' }));
} finally {
  await getConnectionManager().closeAll();
  started = performance.now();
  await Promise.all([cluster.stop(), single.stop()]);
  console.log(`stop: ${(performance.now() - started).toFixed(0)} ms`);
}
