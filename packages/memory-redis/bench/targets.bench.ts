/**
 * Issue 5's four Redis targets, each against raw ioredis in the same process and rounds. Run from
 * packages/memory-redis:
 *
 *   npx tsx --tsconfig bench/tsconfig.json bench/targets.bench.ts [path] [bulk] [clear]
 *
 * (no argument: all three). `OTHER_KEYS=100000` shrinks the crowded clear phase (default 1M).
 * Talks to REDIS_URL (default redis://127.0.0.1:6379) under fresh `bench:<uuid>` prefixes and
 * removes every key it wrote before exiting. Never flushes anything.
 *
 * Every comparison runs in interleaved rounds whose order alternates, and reports the median of
 * the per-round ratios, so load from other jobs on the machine hits both sides alike. Raw sides
 * store the codec's bytes (`serializeData`), ours adds its 10-byte expiry header.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { deserializeData, escapeGlob, serializeData } from '@engram/memory-utils';
import { Redis } from 'ioredis';
import { RedisMemory, getConnectionManager } from '../src/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TTL = 3_600;
const sections = new Set(process.argv.slice(2));
const wants = (name: string) => sections.size === 0 || sections.has(name);

const prefix = `bench:${randomUUID()}`;
const rawPrefix = `bench:${randomUUID()}`;
const raw = new Redis(REDIS_URL);
const store = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix, defaultTtl: TTL });

/** The ~300-byte agent record apps/bench uses; `i` varies it. */
const record = (i = 42) => ({
  id: `msg-${String(i).padStart(6, '0')}`,
  agentId: 'researcher-7',
  role: 'assistant',
  content: 'Three papers on retrieval-augmented generation; the second reports +12% on multi-hop QA.',
  createdAt: 1717243200000 + i * 1000,
  tokens: 184 + (i % 50),
  score: 0.873,
  tags: ['summary', 'rag'],
  tool: null,
  metadata: { model: 'gpt-4o-mini', latencyMs: 912 },
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * q)]!;

type Side = { name: string; op: () => Promise<unknown>; before?: () => Promise<unknown> };

/** µs per op of each side, per round; sides run in rotating order, `ops` awaited ops each. */
async function rounds(sides: Side[], count: number, ops: number, warmup = 1): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(sides.map((s) => [s.name, []]));
  for (let r = -warmup; r < count; r++) {
    const order = sides.map((_, i) => sides[(i + Math.max(r, 0)) % sides.length]!);
    for (const side of order) {
      let total = 0;
      for (let i = 0; i < ops; i++) {
        if (side.before) await side.before();
        const t = performance.now();
        await side.op();
        total += performance.now() - t;
      }
      if (r >= 0) out[side.name]!.push((total / ops) * 1000);
    }
  }
  return out;
}

function report(title: string, result: Record<string, number[]>, ours: string, base: string, target: number, unit: 'µs' | 'ms'): void {
  const scale = unit === 'ms' ? 1 / 1000 : 1;
  const ratios = result[ours]!.map((v, i) => v / result[base]![i]!);
  const ratio = median(ratios);
  console.log(`\n${title}`);
  for (const [name, values] of Object.entries(result)) {
    console.log(`  ${name.padEnd(28)} median ${(median(values) * scale).toFixed(unit === 'ms' ? 2 : 1)} ${unit}  p90 ${(quantile(values, 0.9) * scale).toFixed(unit === 'ms' ? 2 : 1)}`);
  }
  console.log(
    `  ratio ${ours} / ${base}: median ${ratio.toFixed(2)}x (per-round p10 ${quantile(ratios, 0.1).toFixed(2)}, p90 ${quantile(ratios, 0.9).toFixed(2)})  target <= ${target}x: ${ratio <= target ? 'PASS' : 'FAIL'}`,
  );
}

async function path(): Promise<void> {
  const value = record();
  const rawKey = `${rawPrefix}:path`;
  await store.saveContext('profile', 'user-42', value);
  await raw.set(rawKey, serializeData(value) as Buffer, 'EX', TTL);
  const save = await rounds(
    [
      { name: 'saveContext', op: () => store.saveContext('profile', 'user-42', value) },
      { name: 'raw encode + SET EX', op: () => raw.set(rawKey, serializeData(value) as Buffer, 'EX', TTL) },
    ],
    40,
    200,
  );
  report('save: saveContext vs raw SET EX + encode (sequential awaits)', save, 'saveContext', 'raw encode + SET EX', 1.2, 'µs');
  const load = await rounds(
    [
      { name: 'loadContext', op: () => store.loadContext('profile', 'user-42') },
      { name: 'raw GET + decode', op: async () => deserializeData((await raw.getBuffer(rawKey))!) },
    ],
    40,
    200,
  );
  report('load: loadContext vs raw GET + decode (sequential awaits)', load, 'loadContext', 'raw GET + decode', 1.2, 'µs');
}

async function bulk(): Promise<void> {
  const n = 10_000;
  const keys = Array.from({ length: n }, (_, i) => `turn:${i}`);
  const values = keys.map((_, i) => record(i));
  const entries = new Map(keys.map((k, i) => [k, values[i]]));
  const rawKeys = keys.map((_, i) => `${rawPrefix}:bulk:${i}`);
  const save = await rounds(
    [
      { name: 'bulkSave', op: () => store.bulkSave(entries, 'bulk', { ttl: TTL }) },
      {
        name: 'raw pipeline SET EX + encode',
        op: async () => {
          const pipeline = raw.pipeline();
          for (let i = 0; i < n; i++) pipeline.set(rawKeys[i]!, serializeData(values[i]) as Buffer, 'EX', TTL);
          await pipeline.exec();
        },
      },
    ],
    11,
    1,
  );
  report('bulkSave of 10,000 vs a raw pipeline of 10,000 SET EX, encoding each', save, 'bulkSave', 'raw pipeline SET EX + encode', 1.0, 'ms');
  const load = await rounds(
    [
      { name: 'bulkLoad', op: () => store.bulkLoad(keys, 'bulk') },
      { name: 'raw MGET + decode', op: async () => (await raw.mgetBuffer(rawKeys)).map((b) => deserializeData(b!)) },
    ],
    11,
    1,
  );
  report('bulkLoad of 10,000 vs raw MGET + decode each', load, 'bulkLoad', 'raw MGET + decode', 1.3, 'ms');
  await store.clear('bulk');
}

async function fill(count: number): Promise<void> {
  for (let start = 0; start < count; start += 10_000) {
    const pipeline = raw.pipeline();
    for (let i = start; i < Math.min(count, start + 10_000); i++) pipeline.set(`${rawPrefix}:fill:${i}`, 'x', 'EX', TTL);
    await pipeline.exec();
  }
}

async function unfill(count: number): Promise<void> {
  for (let start = 0; start < count; start += 10_000) {
    const batch = Array.from({ length: Math.min(count, start + 10_000) - start }, (_, i) => `${rawPrefix}:fill:${start + i}`);
    await raw.unlink(...batch);
  }
}

async function clear(): Promise<void> {
  const others = Number(process.env.OTHER_KEYS ?? 1_000_000);
  const entries = new Map(Array.from({ length: 1_000 }, (_, i) => [`memory:${i}`, record(i)]));
  const rawKeys = Array.from({ length: 1_000 }, (_, i) => `${rawPrefix}:clear:${i}`);
  const rawBytes = [...entries.values()].map((v) => serializeData(v) as Buffer);
  const rawTimes: Record<string, number[]> = { quiet: [], crowded: [] };
  /** clear(ctx) timings; in the same rounds, raw UNLINK of 1,000 known keys of the same size (the server's floor). */
  const clearOnce = async (phase: 'quiet' | 'crowded' = 'quiet'): Promise<number[]> => {
    const times: number[] = [];
    for (let r = 0; r < 15; r++) {
      await store.bulkSave(entries, 'agent-clear', { ttl: TTL });
      const pipeline = raw.pipeline();
      rawKeys.forEach((key, i) => pipeline.set(key, rawBytes[i]!, 'EX', TTL));
      await pipeline.exec();
      const clearStart = performance.now();
      const removed = await store.clear('agent-clear');
      if (r >= 2) times.push(performance.now() - clearStart);
      if (removed !== 1_000) throw new Error(`clear removed ${removed}`);
      const unlinkStart = performance.now();
      await raw.unlink(...rawKeys);
      if (r >= 2) rawTimes[phase]!.push(performance.now() - unlinkStart);
    }
    return times;
  };
  const quietA = await clearOnce();
  const t = performance.now();
  await fill(others);
  console.log(`\nfilled ${others} other keys in ${((performance.now() - t) / 1000).toFixed(1)} s; db size ${await raw.dbsize()}`);
  const crowded = await clearOnce('crowded');
  await unfill(others);
  const quietB = await clearOnce();
  const quiet = [...quietA, ...quietB];
  const ratio = median(crowded) / median(quiet);
  console.log(`clear(ctx) of 1,000 keys (median of ${crowded.length} / ${quiet.length}):`);
  console.log(`  0 other keys:  ${median(quiet).toFixed(2)} ms (before ${median(quietA).toFixed(2)}, after ${median(quietB).toFixed(2)})`);
  console.log(`  ${others} other keys: ${median(crowded).toFixed(2)} ms  p90 ${quantile(crowded, 0.9).toFixed(2)}`);
  console.log(`  ratio crowded / quiet: ${ratio.toFixed(2)}x  target <= 2x: ${ratio <= 2 ? 'PASS' : 'FAIL'}`);
  const rawRatio = median(rawTimes.crowded!) / median(rawTimes.quiet!);
  console.log(
    `  raw UNLINK of 1,000 known keys, same rounds: ${median(rawTimes.quiet!).toFixed(2)} ms quiet, ${median(rawTimes.crowded!).toFixed(2)} ms crowded (${rawRatio.toFixed(2)}x)`,
  );
}

async function removeAll(p: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${escapeGlob(p)}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await raw.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

try {
  console.log(`Redis ${REDIS_URL}: ${await raw.dbsize()} keys before the run (shared server)`);
  if (wants('path')) await path();
  if (wants('bulk')) await bulk();
  if (wants('clear')) await clear();
} finally {
  const leftovers = (await removeAll(prefix)) + (await removeAll(rawPrefix));
  console.log(`\ncleanup: ${leftovers} leftover keys removed; ${await raw.dbsize()} keys in the db now`);
  await store.close();
  await getConnectionManager().closeAll();
  await raw.quit();
}
