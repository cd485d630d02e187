import { ErrorCode } from '@engram/memory-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemoryManager } from '../src/index.js';
import { globMatches } from './glob_model.js';
import type { MakeManager } from './manager_suite.js';
import { deferred, expectCode, settle } from './support.js';

async function storeReads(manager: MemoryManager, work: () => Promise<unknown>): Promise<number> {
  const before = manager.getManagerStats().loads;
  await work();
  return manager.getManagerStats().loads - before;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await settle();
  expect(condition()).toBe(true);
}

const CONTEXTS = ['a', 'ab', 'a:b', '*', 'a*', 'b'];
const keyArbitrary = fc
  .array(fc.constantFrom('a', 'b', ':', 'é', '*', '?', '\\'), { minLength: 1, maxLength: 4 })
  .map((chars) => chars.join(''));
const patternArbitrary = fc
  .array(fc.constantFrom('a', 'b', ':', 'é', '*', '?', '\\*', '\\?', '\\\\'), { minLength: 1, maxLength: 4 })
  .map((tokens) => tokens.join(''));

/** L1 invalidation, withCache, withBulkCache and stats: the cache-facing half of the manager suite. */
export function describeManagerCacheSuite(make: MakeManager, numRuns: number): void {
  describe('invalidateCache', () => {
    it('by key, by context and everything: drops L1 only, and counts what it dropped', async () => {
      const { manager } = await make();
      await manager.bulkSave({ k1: 1, k2: 2 }, 'x');
      await manager.bulkSave({ k1: 1, k2: 2 }, 'x:');
      expect(await manager.invalidateCache({ key: 'k1', contextId: 'x' })).toBe(1);
      expect(await manager.invalidateCache({ key: 'k1', contextId: 'x' })).toBe(0);
      expect(await storeReads(manager, async () => expect(await manager.load('k1', 'x')).toBe(1))).toBe(1);
      expect(await manager.invalidateCache({ contextId: 'x' })).toBe(2);
      expect(await storeReads(manager, () => manager.load('k1', 'x:'))).toBe(0);
      expect(await manager.invalidateCache()).toBe(2);
      expect(await storeReads(manager, () => manager.bulkLoad(['k1', 'k2'], 'x:'))).toBe(1);
      await expectCode(manager.invalidateCache({ key: 'k1' }), ErrorCode.INVALID_ARGUMENT);
      await expectCode(manager.invalidateCache({ key: 'k1', contextId: 'x', pattern: '*' }), ErrorCode.INVALID_ARGUMENT);
    });

    it('a pattern matches keys only and never crosses into another context', async () => {
      const { manager } = await make();
      await manager.bulkSave({ 'user:1': 1, 'user:2': 2, other: 3 }, 'A');
      await manager.bulkSave({ 'user:1': 1, other: 3 }, 'B');
      await manager.save('x', 'user:9', 4);
      expect(await manager.invalidateCache({ pattern: 'user:*', contextId: 'A' })).toBe(2);
      expect(await storeReads(manager, () => manager.bulkLoad(['user:1', 'other'], 'B'))).toBe(0);
      expect(await storeReads(manager, () => manager.load('x', 'user:9'))).toBe(0);
      expect(await manager.invalidateCache({ pattern: 'user:*' })).toBe(1);
      expect(await manager.invalidateCache({ pattern: '*', contextId: 'nobody' })).toBe(0);
      expect(await storeReads(manager, () => manager.load('other', 'A'))).toBe(0);
      expect(await manager.invalidateCache({ pattern: 'user\\*' })).toBe(0);
    });

    it('property: pattern invalidation removes exactly what a reference glob selects', async () => {
      const { manager } = await make({ cacheSize: 100 });
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.tuple(fc.constantFrom(...CONTEXTS), keyArbitrary), {
            minLength: 1,
            maxLength: 8,
            selector: ([ctx, key]) => `${ctx}\u0000${key}`,
          }),
          patternArbitrary,
          fc.option(fc.constantFrom(...CONTEXTS), { nil: undefined }),
          async (entries, pattern, scope) => {
            await manager.invalidateCache();
            for (const [ctx, key] of entries) await manager.save(key, ctx, `${ctx}|${key}`);
            const dropped = entries.filter(([ctx, key]) => (scope === undefined || ctx === scope) && globMatches(pattern, key));
            expect(await manager.invalidateCache({ pattern, contextId: scope })).toBe(dropped.length);
            for (const [ctx, key] of entries) {
              const reads = await storeReads(manager, async () => expect(await manager.load(key, ctx)).toBe(`${ctx}|${key}`));
              expect(reads, `${ctx} ${key} after ${pattern} in ${String(scope)}`).toBe(dropped.some(([c, k]) => c === ctx && k === key) ? 1 : 0);
            }
          },
        ),
        { numRuns },
      );
    });
  });

  describe('withCache', () => {
    it('100 concurrent calls on a cold key run fn once, and each gets its own copy', async () => {
      const { manager, primary } = await make();
      let calls = 0;
      const gate = deferred();
      const fn = async () => {
        calls++;
        await gate.promise;
        return { v: 'computed' };
      };
      const all = Promise.all(Array.from({ length: 100 }, () => manager.withCache(fn, 'k', 'ctx')));
      await until(() => calls > 0);
      expect(manager.getManagerStats().inflight).toBeGreaterThan(0);
      gate.resolve();
      const results = await all;
      expect(calls).toBe(1);
      expect(results.every((r) => r.v === 'computed')).toBe(true);
      expect(new Set(results).size).toBe(100);
      expect(await manager.withCache(fn, 'k', 'ctx')).toEqual({ v: 'computed' });
      expect(calls).toBe(1);
      expect(await primary.loadContext('k', 'ctx')).toEqual({ v: 'computed' });
      expect(manager.getManagerStats().inflight).toBe(0);

      let syncCalls = 0;
      const sync = await Promise.all(Array.from({ length: 100 }, () => manager.withCache(() => ++syncCalls, 'sync', 'ctx')));
      expect(syncCalls).toBe(1);
      expect(new Set(sync)).toEqual(new Set([1]));
    });

    it('when fn throws every waiter gets the error, nothing is cached, and the next call retries', async () => {
      const { manager, primary } = await make();
      const boom = new Error('boom');
      let calls = 0;
      const failing = async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw boom;
      };
      const settled = await Promise.allSettled(Array.from({ length: 100 }, () => manager.withCache(failing, 'k', 'ctx')));
      expect(calls).toBe(1);
      expect(settled.every((s) => s.status === 'rejected' && s.reason === boom)).toBe(true);
      expect(await primary.exists('k', 'ctx')).toBe(false);
      expect(await manager.exists('k', 'ctx')).toBe(false);
      await expect(manager.withCache(() => { throw boom; }, 'k', 'ctx')).rejects.toBe(boom);
      expect(await manager.withCache(() => 'ok', 'k', 'ctx')).toBe('ok');
      expect(manager.getManagerStats()).toMatchObject({ errors: 2, inflight: 0 });
    });

    it('returns a stored value without calling fn, and forceRefresh recomputes and saves', async () => {
      const { manager, primary } = await make();
      await primary.saveContext('k', 'ctx', 'stored');
      expect(await manager.withCache(() => 'never', 'k', 'ctx')).toBe('stored');
      let runs = 0;
      const refreshed = await Promise.all(
        Array.from({ length: 10 }, () => manager.withCache(() => `fresh ${++runs}`, 'k', 'ctx', { forceRefresh: true })),
      );
      expect(runs).toBe(1);
      expect(refreshed).toEqual(Array(10).fill('fresh 1'));
      expect(await manager.load('k', 'ctx')).toBe('fresh 1');
      expect(await primary.loadContext('k', 'ctx')).toBe('fresh 1');
    });

    it('an undefined result is returned but not cached; ttl applies to the saved result', async () => {
      const { manager, primary } = await make({ memoryTtl: 7_200 });
      let calls = 0;
      expect(await manager.withCache(() => { calls++; return undefined; }, 'u', 'ctx')).toBeUndefined();
      expect(await manager.withCache(() => { calls++; return undefined; }, 'u', 'ctx')).toBeUndefined();
      expect(calls).toBe(2);
      expect(await primary.exists('u', 'ctx')).toBe(false);
      const before = Date.now();
      await manager.withCache(() => 1, 'short', 'ctx', { ttl: 60 });
      await manager.withCache(() => 1, 'default', 'ctx');
      expect((await primary.loadEntry('short', 'ctx'))!.expiresAt).toBeLessThanOrEqual(Date.now() + 61_000);
      expect((await primary.loadEntry('default', 'ctx'))!.expiresAt).toBeGreaterThanOrEqual(before + 7_199_000);
    });
  });

  describe('withBulkCache', () => {
    it('calls fn once with only the missing keys and saves what it returned for them', async () => {
      const { manager, primary } = await make();
      await manager.save('a', 'ctx', 'A');
      await primary.saveContext('b', 'ctx', 'B');
      const asked: string[][] = [];
      const fn = (missing: string[]) => {
        asked.push(missing);
        return { ...Object.fromEntries(missing.map((k) => [k, k.toUpperCase()])), extra: 'X' };
      };
      const result = await manager.withBulkCache(fn, ['a', 'b', 'c', 'd', 'c'], 'ctx');
      expect(asked).toEqual([['c', 'd']]);
      expect(Object.getPrototypeOf(result)).toBeNull();
      expect(Object.entries(result)).toEqual([['a', 'A'], ['b', 'B'], ['c', 'C'], ['d', 'D']]);
      expect(await primary.loadContext('d', 'ctx')).toBe('D');
      expect(await primary.exists('extra', 'ctx')).toBe(false);
      expect({ ...(await manager.withBulkCache(fn, ['a', 'b', 'c', 'd'], 'ctx')) }).toEqual({ a: 'A', b: 'B', c: 'C', d: 'D' });
      expect(asked).toHaveLength(1);
    });

    it('accepts a Map, leaves keys fn did not produce absent, and rejects other results', async () => {
      const { manager, primary } = await make();
      const result = await manager.withBulkCache(async () => new Map([['constructor', 1]]), ['constructor', 'toString'], 'ctx');
      expect(Object.entries(result)).toEqual([['constructor', 1]]);
      expect(await primary.exists('toString', 'ctx')).toBe(false);
      await expectCode(manager.withBulkCache(() => 'nope' as never, ['z'], 'ctx'), ErrorCode.INVALID_ARGUMENT);
    });
  });

  it('stats: plain numbers for L1, store calls, errors and in-flight work', async () => {
    const { manager, primary } = await make({ cacheSize: 2 });
    await manager.save('a', 'ctx', 1);
    await manager.save('b', 'ctx', 2);
    await manager.save('c', 'ctx', 3);
    await manager.load('c', 'ctx');
    await manager.load('a', 'ctx');
    await manager.load('missing', 'ctx');
    await manager.delete('c', 'ctx');
    await manager.withCache(() => { throw new Error('x'); }, 'w', 'ctx').catch(() => {});
    const stats = await manager.getStats();
    expect(stats.manager).toEqual({
      cacheCurrentItems: 1,
      cacheMaxItems: 2,
      hits: 1,
      misses: 3,
      hitRate: 0.25,
      evictions: 2,
      loads: 3,
      saves: 3,
      deletes: 1,
      errors: 1,
      inflight: 0,
    });
    expect(stats.primary.backend).toBe(primary.name);
    expect(stats.vectors).toBeUndefined();
  });
}
