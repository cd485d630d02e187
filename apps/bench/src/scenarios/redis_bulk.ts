import { MemoryManager } from '@engram/memory-cache';
import { deserializeData, serializeData } from '@engram/memory-utils';
import { openRedisMemory, rawKeyLike, BENCH_TTL } from '../bench_stores.js';
import { agentRecord } from '../fixtures/agent_record.js';
import { compare, type CompareOptions } from '../harness.js';
import { atMost } from '../results.js';
import { pick, type Scenario } from '../scenario.js';

const CTX = 'session-bulk';
const N = 10_000;

/**
 * bulkSave / bulkLoad of 10,000 agent records through MemoryManager against what a user would
 * write with ioredis alone: a pipeline of SET EX (encoding each value) and one MGET (decoding
 * each value). Each bulkLoad starts with the context dropped from L1 (untimed), so it reads
 * Redis. RedisMemory alone is shown too.
 */
export const redisBulkScenario: Scenario = {
  name: 'redis-bulk',
  title: 'bulkSave / bulkLoad of 10,000 vs raw pipeline / MGET',
  plan: (quick) => ({ seconds: quick ? 9 : 40, steps: 3 }),
  skipReason: (ctx) => ctx.redisSkip,
  async run(ctx) {
    const redis = ctx.redis!;
    const raw = redis.raw;
    const store = await openRedisMemory(redis, 'bulk');
    const manager = new MemoryManager(store, undefined, { cacheSize: 1_000 });
    try {
      ctx.step('redis-bulk: preparing 10,000 records');
      const keys = Array.from({ length: N }, (_, i) => `turn:${i}`);
      const values = keys.map((_, i) => agentRecord(i));
      const entries = new Map(keys.map((k, i) => [k, values[i]]));
      const rawKeys = keys.map((key) => rawKeyLike(redis, 'bulk', key, CTX));
      const rawBytes = values.map((v) => serializeData(v) as Buffer);
      const pipelineSet = async (encode: boolean) => {
        const pipeline = raw.pipeline();
        for (let i = 0; i < N; i++) pipeline.set(rawKeys[i]!, encode ? (serializeData(values[i]) as Buffer) : rawBytes[i]!, 'EX', BENCH_TTL);
        const replies = await pipeline.exec();
        if (replies?.some(([error]) => error)) throw new Error('a raw SET EX in the pipeline failed');
      };
      const options: CompareOptions = {
        rounds: pick(ctx, 15, 5),
        warmupRounds: 1,
        opsPerRound: pick(ctx, 2, 1),
        mode: 'per-op',
        onRound: () => ctx.status('redis-bulk: timing rounds'),
      };

      ctx.step('redis-bulk: bulkSave');
      const save = await compare(
        [
          { name: 'manager', op: () => manager.bulkSave(entries, CTX, { ttl: BENCH_TTL }) },
          { name: 'store', op: () => store.bulkSave(entries, CTX, { ttl: BENCH_TTL }) },
          { name: 'raw', op: () => pipelineSet(false) },
          { name: 'raw+encode', op: () => pipelineSet(true) },
        ],
        options,
      );
      const r = ctx.recorder;
      r.row({
        measurement: 'bulkSave of 10,000 records',
        ours: save.timing('manager'),
        baseline: 'raw pipeline of 10,000 SET EX, encoding each',
        raw: save.timing('raw+encode'),
        ratio: save.ratio('manager', 'raw+encode'),
        target: atMost(save.ratio('manager', 'raw+encode'), 1.0, 'bulkSave ≤ 1.0× naive raw pipeline'),
      });
      r.row({ measurement: 'bulkSave of 10,000', ours: save.timing('manager'), baseline: 'raw pipeline, pre-encoded bytes', raw: save.timing('raw'), ratio: save.ratio('manager', 'raw') });
      r.row({ measurement: 'RedisMemory.bulkSave (store alone)', ours: save.timing('store'), baseline: 'raw pipeline, encoding each', raw: save.timing('raw+encode'), ratio: save.ratio('store', 'raw+encode') });

      ctx.step('redis-bulk: bulkLoad');
      const loaded = await manager.bulkLoad(keys, CTX);
      if (Object.keys(loaded).length !== N) throw new Error(`bulkLoad found ${Object.keys(loaded).length} of ${N} keys`);
      const load = await compare(
        [
          { name: 'manager', before: () => manager.invalidateCache({ contextId: CTX }), op: () => manager.bulkLoad(keys, CTX) },
          { name: 'store', op: () => store.bulkLoad(keys, CTX) },
          { name: 'raw', op: () => raw.mgetBuffer(rawKeys) },
          { name: 'raw+decode', op: async () => (await raw.mgetBuffer(rawKeys)).map((b) => deserializeData(b!)) },
        ],
        options,
      );
      r.row({
        measurement: 'bulkLoad of 10,000 records (L1 cold)',
        ours: load.timing('manager'),
        baseline: 'raw MGET of 10,000 + decode each',
        raw: load.timing('raw+decode'),
        ratio: load.ratio('manager', 'raw+decode'),
        target: atMost(load.ratio('manager', 'raw+decode'), 1.3, 'bulkLoad ≤ 1.3× raw MGET + decode'),
      });
      r.row({ measurement: 'bulkLoad of 10,000', ours: load.timing('manager'), baseline: 'raw MGET, no decode', raw: load.timing('raw'), ratio: load.ratio('manager', 'raw') });
      r.row({ measurement: 'RedisMemory.bulkLoad (store alone)', ours: load.timing('store'), baseline: 'raw MGET + decode each', raw: load.timing('raw+decode'), ratio: load.ratio('store', 'raw+decode') });
    } finally {
      await manager.close();
    }
  },
};
