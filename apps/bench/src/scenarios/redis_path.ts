import { createHash } from 'node:crypto';
import { MemoryManager } from '@engram/memory-cache';
import { deserializeData, serializeData } from '@engram/memory-utils';
import { openRedisMemory, rawKeyLike, BENCH_TTL } from '../bench_stores.js';
import { agentRecord, jsonBytes } from '../fixtures/agent_record.js';
import { compare, type Comparison, type CompareOptions } from '../harness.js';
import { atMost, type Recorder } from '../results.js';
import { pick, type Scenario } from '../scenario.js';

const KEY = 'profile';
const SET_ONLY = "return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])";
const SET_ONLY_SHA = createHash('sha1').update(SET_ONLY).digest('hex');
const CTX = 'user-42';

function rows(r: Recorder, c: Comparison, op: 'load' | 'save', raw: string, rawCodec: string, codecWord: string): void {
  const manager = `manager-${op}`;
  const store = `store-${op}`;
  const rawName = op === 'load' ? 'raw ioredis GET' : 'raw ioredis SET EX';
  r.row({
    measurement: `${op} through Redis (L1 bypassed)`,
    ours: c.timing(manager),
    baseline: `${rawName} + ${codecWord}`,
    raw: c.timing(rawCodec),
    ratio: c.ratio(manager, rawCodec),
    target: atMost(c.ratio(manager, rawCodec), 1.2, `${op} ≤ 1.2× raw + ${codecWord}`),
  });
  r.row({ measurement: `${op} through Redis`, ours: c.timing(manager), baseline: `${rawName} of the same bytes`, raw: c.timing(raw), ratio: c.ratio(manager, raw) });
  r.row({
    measurement: `RedisMemory.${op === 'load' ? 'loadContext' : 'saveContext'} (store alone)`,
    ours: c.timing(store),
    baseline: `${rawName} + ${codecWord}`,
    raw: c.timing(rawCodec),
    ratio: c.ratio(store, rawCodec),
  });
}

/**
 * One awaited load and save through MemoryManager with L1 out of the way (`useCache: false`;
 * a save still refreshes L1, as every save does), against raw ioredis GET / SET EX of the
 * codec's bytes, with and without the same decode / encode, and RedisMemory alone to show
 * where the difference lives. Every operation is timed on its own; rounds alternate the order.
 */
export const redisPathScenario: Scenario = {
  name: 'redis-path',
  title: 'Redis-path load / save vs raw GET / SET EX',
  plan: (quick) => ({ seconds: quick ? 6 : 18, steps: 3 }),
  skipReason: (ctx) => ctx.redisSkip,
  async run(ctx) {
    const redis = ctx.redis!;
    const raw = redis.raw;
    const record = agentRecord();
    const store = await openRedisMemory(redis, 'path');
    const manager = new MemoryManager(store, undefined, { cacheSize: 1_000 });
    try {
      ctx.step('redis-path: preparing');
      const bytes = serializeData(record) as Buffer;
      const rawKey = rawKeyLike(redis, 'path', KEY, CTX);
      await manager.save(KEY, CTX, record, { ttl: BENCH_TTL });
      await raw.set(rawKey, bytes, 'EX', BENCH_TTL);
      await raw.script('LOAD', SET_ONLY);
      const options: CompareOptions = {
        rounds: pick(ctx, 30, 8),
        warmupRounds: 2,
        opsPerRound: pick(ctx, 200, 100),
        mode: 'per-op',
        onRound: () => ctx.status('redis-path: timing rounds'),
      };

      ctx.step('redis-path: load');
      const load = await compare(
        [
          { name: 'manager-load', op: () => manager.load(KEY, CTX, { useCache: false }) },
          { name: 'store-load', op: () => store.loadContext(KEY, CTX) },
          { name: 'raw-get', op: () => raw.getBuffer(rawKey) },
          { name: 'raw-get+decode', op: async () => deserializeData((await raw.getBuffer(rawKey))!) },
        ],
        options,
      );
      if (manager.getManagerStats().hits > 0) throw new Error('a load was answered from L1: the Redis path was not measured');
      rows(ctx.recorder, load, 'load', 'raw-get', 'raw-get+decode', 'decode');

      ctx.step('redis-path: save');
      const save = await compare(
        [
          { name: 'manager-save', op: () => manager.save(KEY, CTX, record, { ttl: BENCH_TTL }) },
          { name: 'store-save', op: () => store.saveContext(KEY, CTX, record, { ttl: BENCH_TTL }) },
          { name: 'raw-set', op: () => raw.set(rawKey, bytes, 'EX', BENCH_TTL) },
          { name: 'raw-encode+set', op: () => raw.set(rawKey, serializeData(record) as Buffer, 'EX', BENCH_TTL) },
          { name: 'raw-eval-set', op: () => raw.evalsha(SET_ONLY_SHA, 1, rawKey, bytes, BENCH_TTL * 1000) },
        ],
        options,
      );
      rows(ctx.recorder, save, 'save', 'raw-set', 'raw-encode+set', 'encode');
      // The floor for an atomic value + index write: any server-side script, even one that only SETs.
      ctx.recorder.row({
        measurement: 'raw EVALSHA of a script that only SETs',
        ours: save.timing('raw-eval-set'),
        baseline: 'raw ioredis SET EX of the same bytes',
        raw: save.timing('raw-set'),
        ratio: save.ratio('raw-eval-set', 'raw-set'),
        note: 'what a Lua script costs before it does anything: RedisMemory.saveContext runs one (SADD + SET + PEXPIRE) so a value and its context index change together',
      });
      ctx.recorder.row({
        measurement: 'value size',
        value: `${bytes.length} B codec (+10 B RedisMemory header)`,
        note: `the ${jsonBytes(record)}-byte record; raw baselines store the codec bytes without RedisMemory's 10-byte expiry header`,
      });
    } finally {
      await manager.close();
    }
  },
};
