import { startRedis, sleep, type RedisServer } from '@engram/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemory } from '../src/index.js';

/*
 * Redis with `appendfsync always` fsyncs the AOF before it replies, so a write Engram has
 * acknowledged must survive SIGKILL. Contexts hold 100 keys each; half the contexts are written
 * with saveContext (100 concurrent at a time), half with one bulkSave each.
 */
const CONTEXTS = 100;
const KEYS_PER_CONTEXT = 100;
const valueOf = (ctx: number, key: number) => ({ ctx, key, text: `value ${ctx}/${key}`, tags: [ctx % 7, key % 11] });

describe('durability: kill -9 with appendfsync always', () => {
  let server: RedisServer;
  let store: RedisMemory;
  beforeAll(async () => {
    server = await startRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    store = new RedisMemory({ url: server.url, keyPrefix: 'durable', commandTimeout: 2_000, defaultTtl: null });
  });
  afterAll(async () => {
    await store.close();
    await server.stop();
  });

  it('every acknowledged write (10,000 plus some in flight at the kill) is there after restart, through the same store', async () => {
    const acknowledged = new Map<string, string[]>();
    const ack = (ctx: string, key: string) => {
      const keys = acknowledged.get(ctx) ?? [];
      keys.push(key);
      acknowledged.set(ctx, keys);
    };

    for (let c = 0; c < CONTEXTS; c++) {
      const ctx = `ctx-${c}`;
      if (c % 2 === 0) {
        await Promise.all(
          Array.from({ length: KEYS_PER_CONTEXT }, (_, k) => store.saveContext(`k${k}`, ctx, valueOf(c, k)).then(() => ack(ctx, `k${k}`))),
        );
      } else {
        const entries = new Map(Array.from({ length: KEYS_PER_CONTEXT }, (_, k) => [`k${k}`, valueOf(c, k)] as const));
        await store.bulkSave(entries, ctx);
        for (const key of entries.keys()) ack(ctx, key);
      }
    }
    const beforeKill = [...acknowledged.values()].reduce((n, keys) => n + keys.length, 0);
    expect(beforeKill).toBe(CONTEXTS * KEYS_PER_CONTEXT);

    // Writes still in flight when the server dies: only those acknowledged before it died count.
    const inFlightCtx = 'in-flight';
    let firstAck!: () => void;
    const firstAcked = new Promise<void>((resolve) => (firstAck = resolve));
    const inFlight = Array.from({ length: 2_000 }, (_, k) =>
      store.saveContext(`k${k}`, inFlightCtx, valueOf(-1, k)).then(
        () => {
          ack(inFlightCtx, `k${k}`);
          firstAck();
        },
        () => undefined,
      ),
    );
    await firstAcked;
    await server.kill();
    await Promise.all(inFlight);
    await server.restart();

    // No new store, no reconnect call: the same instance must find the server again by itself.
    const deadline = Date.now() + 15_000;
    let back = false;
    while (!back && Date.now() < deadline) {
      back = await store.exists('k0', 'ctx-0').catch(() => false);
      if (!back) await sleep(100);
    }
    expect(back, 'the store did not reconnect within 15 s').toBe(true);

    let checked = 0;
    let missing = 0;
    let wrong = 0;
    for (const [ctx, keys] of acknowledged) {
      const loaded = await store.bulkLoad(keys, ctx);
      for (const key of keys) {
        checked++;
        if (!(key in loaded)) missing++;
        else {
          const c = ctx === inFlightCtx ? -1 : Number(ctx.slice(4));
          if (JSON.stringify(loaded[key]) !== JSON.stringify(valueOf(c, Number(key.slice(1))))) wrong++;
        }
      }
    }
    const inFlightAcked = acknowledged.get(inFlightCtx)?.length ?? 0;
    console.info(`durability: ${checked} acknowledged writes checked after kill -9 (${inFlightAcked} of 2000 in-flight acknowledged), ${missing} missing, ${wrong} wrong`);
    expect(checked).toBeGreaterThanOrEqual(10_000);
    expect(missing).toBe(0);
    expect(wrong).toBe(0);
  }, 120_000);
});
