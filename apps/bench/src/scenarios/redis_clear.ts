import { MemoryManager } from '@engram/memory-cache';
import { openRedisMemory, BENCH_TTL } from '../bench_stores.js';
import { agentRecord } from '../fixtures/agent_record.js';
import { compare, summarize, type Comparison, type CompareOptions } from '../harness.js';
import { unlinkKnown } from '../redis_target.js';
import { atMost } from '../results.js';
import { pick, type BenchContext, type Scenario } from '../scenario.js';

const CTX = 'agent-clear';
const KEYS = 1_000;
const BATCH = 10_000;

/** Loads `count` small keys with pipelined raw SET EX, 10,000 per pipeline. */
async function fill(ctx: BenchContext, count: number, keyAt: (i: number) => string): Promise<void> {
  const raw = ctx.redis!.raw;
  for (let start = 0; start < count; start += BATCH) {
    const pipeline = raw.pipeline();
    for (let i = start; i < Math.min(count, start + BATCH); i++) pipeline.set(keyAt(i), 'x', 'EX', BENCH_TTL);
    await pipeline.exec();
    ctx.status(`redis-clear: loading other keys ${Math.min(count, start + BATCH).toLocaleString('en-US')} / ${count.toLocaleString('en-US')}`);
  }
}

/**
 * clear(context) of 1,000 keys through MemoryManager, first with no other bench keys in
 * Redis, then with 1,000,000 others (100,000 with --quick), then with none again; the quiet
 * figure is the median of both quiet phases, which brackets drift. Raw UNLINK of 1,000 known
 * keys runs in the same rounds as a floor. The shared server may hold colleagues' keys too:
 * the database size is in the note.
 */
export const redisClearScenario: Scenario = {
  name: 'redis-clear',
  title: 'clear(context) of 1,000 keys with 0 and with 1,000,000 other keys',
  plan: (quick) => ({ seconds: quick ? 8 : 45, steps: 5 }),
  skipReason: (ctx) => ctx.redisSkip,
  async run(ctx) {
    const redis = ctx.redis!;
    const raw = redis.raw;
    const others = pick(ctx, 1_000_000, 100_000);
    const store = await openRedisMemory(redis, 'clear');
    const manager = new MemoryManager(store, undefined, { cacheSize: 1_000 });
    const fillKey = (i: number) => `${redis.prefix}:fill:${i}`;
    const rawKeys = Array.from({ length: KEYS }, (_, i) => `${redis.prefix}:raw:clear:${i}`);
    const entries = new Map(Array.from({ length: KEYS }, (_, i) => [`memory:${i}`, agentRecord(i)]));
    const options: CompareOptions = {
      rounds: pick(ctx, 15, 6),
      warmupRounds: 2,
      opsPerRound: 1,
      mode: 'per-op',
      onRound: () => ctx.status('redis-clear: timing rounds'),
    };
    const measure = () =>
      compare(
        [
          {
            name: 'clear',
            before: () => manager.bulkSave(entries, CTX, { ttl: BENCH_TTL }),
            op: async () => {
              const removed = await manager.clear(CTX);
              if (removed !== KEYS) throw new Error(`clear removed ${removed} keys, expected ${KEYS}`);
            },
          },
          {
            name: 'unlink',
            before: async () => {
              const pipeline = raw.pipeline();
              for (const key of rawKeys) pipeline.set(key, 'x', 'EX', BENCH_TTL);
              await pipeline.exec();
            },
            op: () => raw.unlink(...rawKeys),
          },
        ],
        options,
      );
    let filled = false;
    try {
      ctx.step('redis-clear: no other keys');
      const sizes = [await raw.dbsize()];
      const quietBefore = await measure();
      ctx.step(`redis-clear: loading ${others.toLocaleString('en-US')} other keys`);
      filled = true;
      const started = performance.now();
      await fill(ctx, others, fillKey);
      const fillSeconds = (performance.now() - started) / 1000;
      sizes.push(await raw.dbsize());
      ctx.step(`redis-clear: ${others.toLocaleString('en-US')} other keys`);
      const crowded = await measure();
      ctx.step('redis-clear: removing the other keys');
      await unlinkKnown(raw, others, fillKey);
      filled = false;
      ctx.step('redis-clear: no other keys again');
      const quietAfter = await measure();
      sizes.push(await raw.dbsize());

      const quietClear = summarize([...perOp(quietBefore, 'clear'), ...perOp(quietAfter, 'clear')], 'per-op');
      const crowdedClear = crowded.timing('clear');
      const ratio = crowdedClear.medianNs / quietClear.medianNs;
      const r = ctx.recorder;
      r.row({
        measurement: `clear(context) of 1,000 keys, ${others.toLocaleString('en-US')} other keys`,
        ours: crowdedClear,
        baseline: 'the same clear with 0 other keys',
        raw: quietClear,
        ratio,
        target: atMost(ratio, 2, `crowded ≤ 2× quiet`),
        note: `database size during the phases: ${sizes.map((s) => s.toLocaleString('en-US')).join(' → ')} keys (the server is shared); loading the others took ${fillSeconds.toFixed(1)} s`,
      });
      r.row({
        measurement: `clear(context) of 1,000 keys, ${others.toLocaleString('en-US')} other keys`,
        ours: crowdedClear,
        baseline: 'raw UNLINK of the 1,000 known keys',
        raw: crowded.timing('unlink'),
        ratio: crowded.ratio('clear', 'unlink'),
      });
    } finally {
      // A failure half-way must not leave a million keys on the shared server.
      if (filled) await unlinkKnown(raw, others, fillKey).catch(() => undefined);
      await manager.close();
    }
  },
};

/** Every per-operation figure of a subject, across rounds (one op per round here). */
function perOp(c: Comparison, name: string): number[] {
  return c.rounds.get(name) ?? [];
}
