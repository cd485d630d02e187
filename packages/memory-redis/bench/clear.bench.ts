/**
 * clear(ctx) cost with and without a crowded keyspace, and per-operation overhead against raw
 * ioredis. Run from packages/memory-redis:
 *
 *   npx tsx --tsconfig bench/tsconfig.json bench/clear.bench.ts
 *
 * Talks to REDIS_URL (default redis://127.0.0.1:6379) under fresh `bench:<uuid>` prefixes and
 * removes every key it wrote before exiting. Never flushes anything.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { escapeGlob, generateMemoryKey } from '@engram/memory-utils';
import { Redis } from 'ioredis';
import { saveEntry } from '../src/context_scripts.js';
import { decodeEntry, encodeEntry } from '../src/entry_format.js';
import { LuaScript } from '../src/lua_script.js';
import { entryKeys } from '../src/redis_keys.js';
import { RedisMemory, getConnectionManager } from '../src/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TARGET_KEYS = 1_000;
const OTHER_KEYS = 200_000;
const CLEAR_REPEATS = 7;
const LATENCY_OPS = 200;
const LATENCY_ROUNDS = 60;

const prefix = `bench:${randomUUID()}`;
const otherPrefix = `bench:${randomUUID()}`;
const raw = new Redis(REDIS_URL);
const store = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix, defaultTtl: 3_600 });
const neighbour = new RedisMemory({ url: REDIS_URL, keyPrefix: otherPrefix, defaultTtl: 3_600 });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function timeClearOfTarget(): Promise<number[]> {
  const entries = new Map(Array.from({ length: TARGET_KEYS }, (_, i) => [`key-${i}`, { i, note: 'target' }]));
  const times: number[] = [];
  for (let r = 0; r < CLEAR_REPEATS; r++) {
    await store.bulkSave(entries, 'target');
    const started = performance.now();
    const removed = await store.clear('target');
    times.push(performance.now() - started);
    if (removed !== TARGET_KEYS) throw new Error(`clear removed ${removed}, expected ${TARGET_KEYS}`);
  }
  return times;
}

/** What clear(ctx) would cost without the index: SCAN MATCH over the whole keyspace. */
async function timeScanMatchOfTarget(): Promise<number> {
  const entries = new Map(Array.from({ length: TARGET_KEYS }, (_, i) => [`key-${i}`, i]));
  await store.bulkSave(entries, 'target');
  const started = performance.now();
  let cursor = '0';
  let found = 0;
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:m:{target}:*`, 'COUNT', 1000);
    cursor = next;
    found += keys.length;
  } while (cursor !== '0');
  const elapsed = performance.now() - started;
  if (found < TARGET_KEYS) throw new Error(`scan found ${found}`);
  await store.clear('target');
  return elapsed;
}

async function fillOtherKeys(): Promise<void> {
  // Half in other contexts of the same prefix, half under another prefix.
  const perContext = 100;
  const contexts = OTHER_KEYS / 2 / perContext;
  const entries = new Map(Array.from({ length: perContext }, (_, i) => [`k${i}`, { i }]));
  for (let c = 0; c < contexts; c++) {
    await store.bulkSave(entries, `other-${c}`);
    await neighbour.bulkSave(entries, `other-${c}`);
  }
}

/**
 * Sequential awaited operations, in many short interleaved rounds: the machine is shared, so
 * each round compares store and raw under the same load, and the medians of those per-round
 * figures are reported.
 */
async function latency(): Promise<Record<string, number>> {
  const value = { user: 'Ada', tags: ['math', 'engines'], score: 0.75, text: 'x'.repeat(200), at: new Date() };
  const bytes = encodeEntry(value, Date.now() + 3_600_000);
  const rawKey = `${prefix}:rawbench`;
  const storeKey = generateMemoryKey('latency', 'lat', prefix);
  const perRound: Record<string, number[]> = {
    rawSet: [], save: [], rawGet: [], load: [], encode: [], decode: [], emptyScript: [], saveScript: [], saveRatio: [], loadRatio: [],
  };
  // The floor of any scripted write (EVALSHA of `return 1`), and saveContext's own script fed pre-encoded bytes.
  const empty = new LuaScript('#!lua\nreturn 1');
  const keys = entryKeys('latency', 'lat', prefix);
  const timeOps = async (op: () => unknown): Promise<number> => {
    const t = performance.now();
    for (let i = 0; i < LATENCY_OPS; i++) await op();
    return ((performance.now() - t) / LATENCY_OPS) * 1000;
  };
  await store.saveContext('latency', 'lat', value);
  const stored = (await raw.getBuffer(storeKey))!;
  for (let round = 0; round < LATENCY_ROUNDS; round++) {
    // Alternate which side goes first, so drift within a round favours neither.
    const storeFirst = round % 2 === 1;
    const pair = async (first: () => unknown, second: () => unknown): Promise<[number, number]> => {
      const a = await timeOps(storeFirst ? second : first);
      const b = await timeOps(storeFirst ? first : second);
      return storeFirst ? [b, a] : [a, b];
    };
    const [rawSet, save] = await pair(
      () => raw.set(rawKey, bytes, 'PX', 3_600_000),
      () => store.saveContext('latency', 'lat', value),
    );
    const [rawGet, load] = await pair(
      () => raw.getBuffer(rawKey),
      () => store.loadContext('latency', 'lat'),
    );
    const emptyScript = await timeOps(() => empty.run(raw, [keys.value, keys.index], [keys.member, bytes, '3600000']));
    const saveScript = await timeOps(() => saveEntry(raw, keys, bytes, '3600000'));
    const encode = await timeOps(() => encodeEntry(value, Date.now() + 3_600_000));
    const decode = await timeOps(() => decodeEntry(stored));
    Object.entries({ rawSet, save, rawGet, load, encode, decode, emptyScript, saveScript }).forEach(([name, us]) => perRound[name]!.push(us));
    perRound.saveRatio!.push(save / (rawSet + encode));
    perRound.loadRatio!.push(load / (rawGet + decode));
  }
  await raw.unlink(rawKey);
  return Object.fromEntries(Object.entries(perRound).map(([name, values]) => [name, median(values)]));
}

/** calls and usec per command from INFO commandstats (server-wide: other clients count too). */
async function commandStats(): Promise<Map<string, { calls: number; usec: number }>> {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const line of (await raw.info('commandstats')).split(/\r?\n/)) {
    const match = /^cmdstat_(\w+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match) stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

function serverMicros(before: Map<string, { calls: number; usec: number }>, after: Map<string, { calls: number; usec: number }>, name: string): string {
  const a = after.get(name);
  const b = before.get(name) ?? { calls: 0, usec: 0 };
  if (a === undefined || a.calls === b.calls) return 'n/a';
  return ((a.usec - b.usec) / (a.calls - b.calls)).toFixed(2);
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

async function main(): Promise<void> {
  const serverKeysBefore = await raw.dbsize();
  console.log(`Redis ${REDIS_URL}: ${serverKeysBefore} keys in the db before the run (shared server)`);

  const quiet = await timeClearOfTarget();
  const scanQuiet = await timeScanMatchOfTarget();

  let t = performance.now();
  await fillOtherKeys();
  console.log(`filled ${OTHER_KEYS} other keys in ${fmt(performance.now() - t)}`);
  const crowded = await timeClearOfTarget();
  const scanCrowded = await timeScanMatchOfTarget();

  t = performance.now();
  const stats = await neighbour.getStats();
  const statsMs = performance.now() - t;

  console.log(`\nclear(ctx) of ${TARGET_KEYS} keys, median of ${CLEAR_REPEATS}:`);
  console.log(`  with 0 other keys:         ${fmt(median(quiet))}  (all: ${quiet.map((x) => x.toFixed(2)).join(', ')})`);
  console.log(`  with ${OTHER_KEYS} other keys:  ${fmt(median(crowded))}  (all: ${crowded.map((x) => x.toFixed(2)).join(', ')})`);
  console.log(`  for contrast, SCAN MATCH of that context: ${fmt(scanQuiet)} quiet, ${fmt(scanCrowded)} crowded`);
  console.log(`getStats() with ${stats.totalKeys} keys in its prefix, ${await raw.dbsize()} in the db: ${fmt(statsMs)}`);

  const before = await commandStats();
  const lat = await latency();
  const after = await commandStats();
  console.log(`\nlatency per op in µs, sequential awaits, median of ${LATENCY_ROUNDS} interleaved rounds x ${LATENCY_OPS} ops:`);
  console.log(`  raw SET PX:        ${lat.rawSet!.toFixed(1)}`);
  console.log(`  EVALSHA 'return 1' (same arguments):       ${lat.emptyScript!.toFixed(1)}`);
  console.log(`  saveContext's script on pre-encoded bytes: ${lat.saveScript!.toFixed(1)}`);
  console.log(`  saveContext:       ${lat.save!.toFixed(1)}   (encode alone ${lat.encode!.toFixed(1)})`);
  console.log(`  raw GET (buffer):  ${lat.rawGet!.toFixed(1)}`);
  console.log(`  loadContext:       ${lat.load!.toFixed(1)}   (decode alone ${lat.decode!.toFixed(1)})`);
  console.log(
    `  median per-round ratio: save / (raw SET + encode) = ${lat.saveRatio!.toFixed(2)}x;  load / (raw GET + decode) = ${lat.loadRatio!.toFixed(2)}x`,
  );

  console.log(
    `  server time per call during that section (INFO commandstats, server-wide): SET ${serverMicros(before, after, 'set')} µs, GET ${serverMicros(
      before,
      after,
      'get',
    )} µs, EVALSHA (saveContext's script) ${serverMicros(before, after, 'evalsha')} µs`,
  );

  t = performance.now();
  const cleared = (await store.clear()) + (await neighbour.clear());
  console.log(`\nclear() of both prefixes removed ${cleared} values in ${fmt(performance.now() - t)}`);
}

try {
  await main();
} finally {
  const leftovers = (await removeAll(prefix)) + (await removeAll(otherPrefix));
  console.log(`cleanup: ${leftovers} leftover keys removed; ${await raw.dbsize()} keys in the db now`);
  await store.close();
  await neighbour.close();
  await getConnectionManager().closeAll();
  await raw.quit();
}
