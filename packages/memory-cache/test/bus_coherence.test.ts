import type { InvalidationBusState } from '@engram/memory-core';
import { RedisInvalidationBus } from '@engram/memory-redis';
import { startRedis, waitFor, type RedisServer } from '@engram/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessMemory, MemoryManager } from '../src/index.js';
import { expectCode, sleep } from './support.js';

describe('MemoryManager with an invalidation bus (in one process, two managers)', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.stop();
  });

  // Two managers over one shared store, each with its own bus, stand in for two processes.
  const pair = async (busDownMaxStalenessMs = 300) => {
    const store = new InProcessMemory();
    const keyPrefix = `bus${Math.random()}`;
    const busA = new RedisInvalidationBus({ url: server.url, keyPrefix, commandTimeout: 500 });
    const busB = new RedisInvalidationBus({ url: server.url, keyPrefix, commandTimeout: 500 });
    const a = new MemoryManager(store, null, { bus: busA });
    const b = new MemoryManager(store, null, { bus: busB, busDownMaxStalenessMs });
    await Promise.all([busA.ready(), busB.ready()]);
    return { a, b, busB };
  };

  it('publishes save, bulkSave, delete, clear and invalidateCache; the other drops exactly what matches', async () => {
    const { a, b, busB } = await pair();
    await a.bulkSave({ 'user:1': 1, 'user:2': 2, other: 3 }, 'c1');
    await a.save('x', 'c2', 'x0');
    // Those two announcements must land before b caches, or they would drop what it cached.
    await waitFor('b to hear both writes', async () => busB.stats().received === 2, 5_000);
    const warm = async () => {
      for (const key of ['user:1', 'user:2', 'other']) await b.load(key, 'c1');
      await b.load('x', 'c2');
    };
    const cachedInB = async () => {
      const before = b.getManagerStats().hits;
      await warm();
      return b.getManagerStats().hits - before;
    };
    await warm();
    expect(await cachedInB()).toBe(4);

    // invalidateCache with a pattern in one context: only matching keys there.
    await a.invalidateCache({ pattern: 'user:*', contextId: 'c1' });
    await waitFor('b to drop user:*', async () => (await cachedInB()) === 2, 5_000);

    await a.save('x', 'c2', 'x1');
    await waitFor('b to see x1', async () => (await b.load('x', 'c2')) === 'x1', 5_000);
    await a.delete('other', 'c1');
    await waitFor('b to see the delete', async () => (await b.load('other', 'c1')) === undefined, 5_000);
    await a.clear('c2');
    await waitFor('b to see the clear', async () => (await b.load('x', 'c2')) === undefined, 5_000);
    await Promise.all([a.close(), b.close()]);
  });

  it('stops serving L1 once the bus has been down longer than busDownMaxStalenessMs, and drops L1 on reconnect', async () => {
    const { a, b, busB } = await pair(300);
    const states: InvalidationBusState[] = [];
    busB.onStateChange((state) => states.push(state));
    await a.save('k', 'ctx', 'v1');
    // a's announcement of that save must not land after b's read and drop what it cached.
    await waitFor('b to hear the save', async () => busB.stats().received === 1, 5_000);
    await b.load('k', 'ctx');
    const hits = () => b.getManagerStats().hits;

    await server.kill();
    await waitFor('b to notice the bus is down', async () => busB.state === 'disconnected', 10_000);
    // Inside the bound L1 still answers (the store here is in-process and unaffected).
    const before = hits();
    expect(await b.load('k', 'ctx')).toBe('v1');
    expect(hits()).toBe(before + 1);
    // A write while the bus is down cannot be announced: the write stands, the failure is counted.
    const errors = a.getManagerStats().errors;
    await a.save('k', 'ctx', 'v2');
    expect(a.getManagerStats().errors).toBe(errors + 1);
    await sleep(350);
    // Past the bound: L1 is bypassed, so the store's newer value is served.
    const after = hits();
    expect(await b.load('k', 'ctx')).toBe('v2');
    expect(hits()).toBe(after);

    await server.restart();
    await busB.ready(15_000);
    expect(states).toEqual(['disconnected', 'connected']);
    // Reconnected: L1 trusted again (it was emptied, so the first read refills it).
    await b.load('k', 'ctx');
    const refilled = hits();
    await b.load('k', 'ctx');
    expect(hits()).toBe(refilled + 1);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a malformed bus or locks, and distributed withCache without locks', async () => {
    await expectCode(async () => new MemoryManager(new InProcessMemory(), null, { bus: {} as never }), 'INVALID_ARGUMENT');
    await expectCode(async () => new MemoryManager(new InProcessMemory(), null, { locks: {} as never }), 'INVALID_ARGUMENT');
    const manager = new MemoryManager(new InProcessMemory());
    await expectCode(manager.withCache(() => 1, 'k', 'c', { distributed: true }), 'INVALID_ARGUMENT');
    await manager.close();
  });
});
