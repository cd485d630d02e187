import { ErrorCode } from '@engram/memory-core';
import { describe, expect, it } from 'vitest';
import { InProcessMemory, MemoryManager } from '../src/index.js';
import { GatedMemory } from './gated_memory.js';
import { deferred, expectCode, settle } from './support.js';

describe('withCache in-flight map', () => {
  it('is empty again after a million distinct keys (results, undefined and errors alike)', async () => {
    const manager = new MemoryManager(new InProcessMemory({ sweepIntervalMs: 0 }), undefined, { cacheSize: 1_000 });
    const failure = new Error('fn failed');
    const fail = () => {
      throw failure;
    };
    const nothing = () => undefined;
    const BATCH = 100; // concurrent calls per round: enough to overlap, few enough to stay in the young GC generation
    let peak = 0;
    let failed = 0;
    for (let start = 0; start < 1_000_000; start += BATCH) {
      const batch: Array<Promise<unknown>> = [];
      for (let i = start; i < start + BATCH; i++) {
        const fn = i % 1_000 === 0 ? fail : i % 100 === 0 ? () => i : nothing;
        batch.push(manager.withCache(fn, `k${i}`, 'ctx').catch(() => failed++));
      }
      peak = Math.max(peak, manager.getManagerStats().inflight);
      await Promise.all(batch);
    }
    const stats = manager.getManagerStats();
    expect(peak).toBeGreaterThanOrEqual(BATCH);
    expect(stats.inflight).toBe(0);
    expect(failed).toBe(1_000);
    expect(stats.saves).toBe(9_000);
    expect(await manager.load('k100', 'ctx')).toBe(100);
    await manager.close();
  });

  it('timeoutMs: every waiter gets TIMEOUT, the entry is removed, a late result is not saved', async () => {
    const store = new GatedMemory();
    const manager = new MemoryManager(store, undefined, { withCacheTimeoutMs: 60_000 });
    const late = deferred<string>();
    let calls = 0;
    const hung = () => {
      calls++;
      return late.promise;
    };
    const waiters = Array.from({ length: 5 }, () => manager.withCache(hung, 'k', 'ctx', { timeoutMs: 50 }));
    for (const waiter of waiters) {
      const error = await expectCode(waiter, ErrorCode.TIMEOUT);
      expect(error.message).toContain('timeoutMs');
    }
    expect(calls).toBe(1);
    expect(manager.getManagerStats()).toMatchObject({ inflight: 0, errors: 1 });
    late.resolve('too late');
    await settle();
    expect(await store.inner.exists('k', 'ctx')).toBe(false);
    expect(await manager.withCache(() => 'ok', 'k', 'ctx')).toBe('ok');
    await expectCode(manager.withCache(() => 1, 'k', 'ctx', { timeoutMs: 0 }), ErrorCode.INVALID_ARGUMENT);
    await manager.close();
  });

  it('the manager-wide withCacheTimeoutMs also covers a store read that hangs', async () => {
    const store = new GatedMemory();
    const manager = new MemoryManager(store, undefined, { withCacheTimeoutMs: 50 });
    const gate = store.hold('loadEntry');
    let calls = 0;
    await expectCode(manager.withCache(() => ++calls, 'k', 'ctx'), ErrorCode.TIMEOUT);
    gate.resolve();
    await settle();
    expect(calls).toBe(0);
    expect(manager.getManagerStats().inflight).toBe(0);
    await manager.close();
  });
});
