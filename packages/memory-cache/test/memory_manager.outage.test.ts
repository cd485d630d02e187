import { ErrorCode, MemoryError } from '@engram/memory-core';
import { RedisMemory } from '@engram/memory-redis';
import { sleep, startRedis, type RedisServer } from '@engram/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryManager } from '../src/index.js';

async function failure(promise: Promise<unknown>): Promise<{ error: MemoryError; ms: number }> {
  const started = performance.now();
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'expected the operation to fail').toBeInstanceOf(MemoryError);
  return { error: error as MemoryError, ms: performance.now() - started };
}

describe('stale-if-error: L1 keeps serving what it holds while Redis is down', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ args: ['--appendonly', 'yes'] });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('live L1 entries answer without the store; everything else fails fast with CONNECTION_ERROR; all recovers after restart', async () => {
    const commandTimeout = 300;
    const store = new RedisMemory({ url: server.url, keyPrefix: 'stale', commandTimeout, circuitBreaker: { failureThreshold: 2, cooldownMs: 200 } });
    const manager = new MemoryManager(store, undefined, { cacheTtl: 2 });
    try {
      await manager.save('cached', 'ctx', { v: 1 });
      await manager.bulkSave({ a: 1, b: 2 }, 'ctx');
      await store.saveContext('uncached', 'ctx', 'only in Redis');
      expect(await manager.withCache(() => 'computed', 'computed', 'ctx')).toBe('computed');

      await server.kill();
      // Served from L1: never touches the store, so no error and no wait.
      const started = performance.now();
      expect(await manager.load('cached', 'ctx')).toEqual({ v: 1 });
      expect({ ...(await manager.bulkLoad(['a', 'b'], 'ctx')) }).toEqual({ a: 1, b: 2 });
      expect(await manager.exists('cached', 'ctx')).toBe(true);
      expect(await manager.withCache(() => 'must not run', 'computed', 'ctx')).toBe('computed');
      expect(performance.now() - started).toBeLessThan(50);

      // Needs the store: fails within commandTimeout, then (breaker open) at once.
      for (const run of [() => manager.load('uncached', 'ctx'), () => manager.bulkLoad(['a', 'uncached'], 'ctx')]) {
        const { error, ms } = await failure(run());
        expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
        expect(ms).toBeLessThan(commandTimeout + 250);
      }
      const { error: fast, ms: fastMs } = await failure(manager.load('uncached', 'ctx'));
      expect(fast.message).toMatch(/circuit breaker is open/);
      expect(fastMs).toBeLessThan(20);

      // A failed write drops the key from L1: the old value is no longer served as if current.
      await failure(manager.save('cached', 'ctx', { v: 2 }));
      await failure(manager.load('cached', 'ctx'));

      // L1 never outlives cacheTtl, outage or not: after 2 s the cached entries need the store too.
      await sleep(2_100);
      expect((await failure(manager.load('a', 'ctx'))).error.code).toBe(ErrorCode.CONNECTION_ERROR);

      await server.restart();
      let back: unknown;
      for (let i = 0; i < 100 && back === undefined; i++) {
        back = await manager.load('uncached', 'ctx').catch(() => undefined);
        if (back === undefined) await sleep(50);
      }
      expect(back).toBe('only in Redis');
      expect(await manager.load('cached', 'ctx')).toEqual({ v: 1 });
    } finally {
      await manager.close();
    }
  });
});
