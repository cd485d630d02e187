import { ErrorCode } from '@engram/memory-core';
import { describe, expect, it } from 'vitest';
import type { MemoryManager } from '../src/index.js';
import type { MakeManager } from './manager_suite.js';
import { expectCode, sleep } from './support.js';

/** How many store reads a call caused: proves whether L1 answered. */
async function storeReads(manager: MemoryManager, work: () => Promise<unknown>): Promise<number> {
  const before = manager.getManagerStats().loads;
  await work();
  return manager.getManagerStats().loads - before;
}

const HOSTILE_CONTEXTS = ['a', 'ab', 'a:b', 'a*', '*', 'a:', '%2A', '__proto__'];

/** Reads, writes, TTL, copies and clear: the store-facing half of the manager suite. */
export function describeManagerStoreSuite(make: MakeManager): void {
  describe('TTL', () => {
    it('uses memoryTtl when a save gives no ttl, the given ttl otherwise, and null for never', async () => {
      const { manager, primary } = await make({ memoryTtl: 7_200 });
      const before = Date.now();
      await manager.save('default', 'ctx', 1);
      await manager.save('given', 'ctx', 2, { ttl: 60 });
      await manager.save('never', 'ctx', 3, { ttl: null });
      await manager.bulkSave({ bulk: 4 }, 'ctx');
      const after = Date.now();
      for (const key of ['default', 'bulk']) {
        const entry = await primary.loadEntry(key, 'ctx');
        expect(entry!.expiresAt).toBeGreaterThanOrEqual(before + 7_200_000 - 1_000);
        expect(entry!.expiresAt).toBeLessThanOrEqual(after + 7_200_000 + 1_000);
      }
      expect((await primary.loadEntry('given', 'ctx'))!.expiresAt).toBeLessThanOrEqual(after + 61_000);
      expect((await primary.loadEntry('never', 'ctx'))!.expiresAt).toBeNull();

      const { manager: forever, primary: foreverStore } = await make({ memoryTtl: null });
      await forever.save('k', 'ctx', 1);
      expect((await foreverStore.loadEntry('k', 'ctx'))!.expiresAt).toBeNull();
    });

    for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      it(`rejects ttl ${String(ttl)} with INVALID_ARGUMENT and writes nothing`, async () => {
        const { manager, primary } = await make();
        let called = 0;
        await expectCode(manager.save('k', 'ctx', 1, { ttl }), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.bulkSave({ b: 1 }, 'ctx', { ttl }), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.withCache(() => ++called, 'w', 'ctx', { ttl }), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.withBulkCache(() => ({ x: ++called }), ['x'], 'ctx', { ttl }), ErrorCode.INVALID_ARGUMENT);
        expect(called).toBe(0);
        for (const key of ['k', 'b', 'w', 'x']) {
          expect(await primary.exists(key, 'ctx')).toBe(false);
          expect(await manager.exists(key, 'ctx')).toBe(false);
        }
      });
    }

    it('L1 never returns data the store has expired, whichever way it got there', async () => {
      const { manager, primary } = await make({ cacheTtl: 3_600 });
      await manager.save('saved', 'ctx', 'soon gone', { ttl: 1 });
      await manager.bulkSave({ bulk: 'soon gone' }, 'ctx', { ttl: 1 });
      await primary.saveContext('read', 'ctx', 'soon gone', { ttl: 1 });
      await manager.withCache(() => 'soon gone', 'computed', 'ctx', { ttl: 1 });
      const keys = ['saved', 'bulk', 'read', 'computed'];
      // Each is in L1 now: served without a store read.
      expect(await manager.load('read', 'ctx')).toBe('soon gone');
      expect(await storeReads(manager, () => manager.bulkLoad(keys, 'ctx'))).toBe(0);
      await sleep(1_300);
      for (const key of keys) {
        expect(await manager.load(key, 'ctx', { default: 'gone' })).toBe('gone');
        expect(await manager.exists(key, 'ctx')).toBe(false);
      }
      expect({ ...(await manager.bulkLoad(keys, 'ctx', { default: 'gone' })) }).toEqual(
        Object.fromEntries(keys.map((key) => [key, 'gone'])),
      );
      let ran = 0;
      expect(await manager.withCache(() => `fresh ${++ran}`, 'computed', 'ctx')).toBe('fresh 1');
    });
  });

  describe('copies', () => {
    it('mutating a saved or loaded value never changes what the next load returns', async () => {
      const { manager } = await make();
      const profile = { name: 'Ada', tags: ['a'], nested: { n: 1 } };
      await manager.save('p', 'ctx', profile);
      profile.tags.push('after save');
      profile.nested.n = 2;
      const first = (await manager.load<typeof profile>('p', 'ctx'))!;
      expect(first).toEqual({ name: 'Ada', tags: ['a'], nested: { n: 1 } });
      first.tags.push('after load');
      first.nested.n = 3;
      const second = (await manager.load<typeof profile>('p', 'ctx'))!;
      expect(second).toEqual({ name: 'Ada', tags: ['a'], nested: { n: 1 } });
      expect(second).not.toBe(first);
      // The documented example: load, mutate, save, load.
      second.tags.push('b');
      await manager.save('p', 'ctx', second);
      expect(await manager.load('p', 'ctx')).toEqual({ name: 'Ada', tags: ['a', 'b'], nested: { n: 1 } });
    });

    it('copies on the miss path, in bulk and from withCache', async () => {
      const { manager, primary } = await make();
      await primary.saveContext('p', 'ctx', { tags: ['a'] });
      const [x, y] = await Promise.all([manager.load<{ tags: string[] }>('p', 'ctx'), manager.load<{ tags: string[] }>('p', 'ctx')]);
      expect(x).not.toBe(y);
      x!.tags.push('x');
      expect((await manager.bulkLoad<{ tags: string[] }>(['p'], 'ctx')).p).toEqual({ tags: ['a'] });
      (await manager.bulkLoad<{ tags: string[] }>(['p'], 'ctx')).p!.tags.push('bulk');
      const computed = await manager.withCache(() => ({ tags: ['c'] }), 'c', 'ctx');
      computed.tags.push('mutated');
      expect(await manager.withCache(() => ({ tags: ['other'] }), 'c', 'ctx')).toEqual({ tags: ['c'] });
      expect(await manager.load('p', 'ctx')).toEqual({ tags: ['a'] });
    });
  });

  describe('reads and writes', () => {
    it('bulkLoad: a null-prototype record, `default` for missing keys or absent without one', async () => {
      const { manager } = await make();
      await manager.bulkSave(new Map<string, unknown>([['a', 1], ['__proto__', 2], ['n', null]]), 'ctx');
      await manager.invalidateCache({ key: 'a', contextId: 'ctx' });
      const withDefault = await manager.bulkLoad(['a', 'missing', '__proto__', 'n', 'constructor'], 'ctx', { default: 0 });
      expect(Object.getPrototypeOf(withDefault)).toBeNull();
      expect(Object.entries(withDefault)).toEqual([['a', 1], ['missing', 0], ['__proto__', 2], ['n', null], ['constructor', 0]]);
      const without = await manager.bulkLoad(['a', 'missing', 'n'], 'ctx');
      expect(Object.entries(without)).toEqual([['a', 1], ['n', null]]);
      expect(Object.keys(await manager.bulkLoad([], 'ctx'))).toEqual([]);
      // L1 hits plus one bulk read for everything else.
      await manager.invalidateCache({ contextId: 'ctx' });
      await manager.load('a', 'ctx');
      expect(await storeReads(manager, () => manager.bulkLoad(['a', 'n', '__proto__', 'missing'], 'ctx'))).toBe(1);
    });

    it('concurrent misses of one key share a single store read', async () => {
      const { manager, primary } = await make();
      await primary.saveContext('k', 'ctx', { v: 1 });
      const reads = await storeReads(manager, async () => {
        const values = await Promise.all(Array.from({ length: 100 }, () => manager.load('k', 'ctx')));
        expect(values.every((v) => JSON.stringify(v) === '{"v":1}')).toBe(true);
        expect(new Set(values).size).toBe(100);
      });
      expect(reads).toBe(1);
      expect(await storeReads(manager, () => Promise.all(Array.from({ length: 10 }, () => manager.load('missing', 'ctx'))))).toBe(1);
    });

    it('load returns the default for a missing key, and a stored null or false as such', async () => {
      const { manager } = await make();
      await manager.save('null', 'ctx', null);
      await manager.save('false', 'ctx', false);
      expect(await manager.load('missing', 'ctx')).toBeUndefined();
      expect(await manager.load('missing', 'ctx', { default: 'd' })).toBe('d');
      expect(await manager.load('null', 'ctx', { default: 'd' })).toBeNull();
      expect(await manager.load('false', 'ctx', { default: 'd' })).toBe(false);
      expect(await manager.exists('null', 'ctx')).toBe(true);
    });

    it('delete removes from store and L1 and reports whether the key existed', async () => {
      const { manager, primary } = await make();
      await manager.save('k', 'ctx', 1);
      expect(await manager.delete('k', 'ctx')).toBe(true);
      expect(await manager.delete('k', 'ctx')).toBe(false);
      expect(await manager.load('k', 'ctx')).toBeUndefined();
      expect(await primary.exists('k', 'ctx')).toBe(false);
    });

    it('a failed save drops the key from L1; updateCache: false does too', async () => {
      const { manager } = await make();
      await manager.save('k', 'ctx', 'v1');
      await expectCode(manager.save('k', 'ctx', { fn: () => 1 }), ErrorCode.SERIALIZATION_ERROR);
      expect(await storeReads(manager, () => manager.load('k', 'ctx'))).toBe(1);
      expect(await manager.load('k', 'ctx')).toBe('v1');
      await manager.save('k', 'ctx', 'v2', { updateCache: false });
      expect(await storeReads(manager, async () => expect(await manager.load('k', 'ctx')).toBe('v2'))).toBe(1);
      await expectCode(manager.bulkSave({ k: 'v3', bad: Symbol('s') }, 'ctx'), ErrorCode.SERIALIZATION_ERROR);
      expect(await manager.load('k', 'ctx')).toBe('v2');
      await expectCode(manager.save('k', 'ctx', undefined), ErrorCode.INVALID_ARGUMENT);
    });

    it('useCache: false reads the store and leaves L1 alone', async () => {
      const { manager, primary } = await make();
      await manager.save('k', 'ctx', 'cached');
      await primary.saveContext('k', 'ctx', 'behind the cache');
      expect(await manager.load('k', 'ctx', { useCache: false })).toBe('behind the cache');
      expect(await manager.load('k', 'ctx')).toBe('cached');
      expect(await manager.load('missing', 'ctx', { useCache: false, default: 0 })).toBe(0);
    });

    it('rejects bad ids everywhere with INVALID_ARGUMENT', async () => {
      const { manager } = await make();
      for (const bad of ['', 42, undefined, 'a\uD800b'] as unknown as string[]) {
        await expectCode(manager.load(bad, 'ctx'), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.load('k', bad), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.save(bad, 'ctx', 1), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.delete('k', bad), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.exists(bad, 'ctx'), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.bulkLoad([bad], 'ctx'), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.bulkSave({ k: 1 }, bad), ErrorCode.INVALID_ARGUMENT);
        await expectCode(manager.withCache(() => 1, bad, 'ctx'), ErrorCode.INVALID_ARGUMENT);
        if (bad !== undefined) await expectCode(manager.invalidateCache({ key: bad, contextId: 'ctx' }), ErrorCode.INVALID_ARGUMENT);
      }
      await expectCode(manager.clear(undefined), ErrorCode.INVALID_ARGUMENT);
      await expectCode(manager.bulkSave({ good: 1, '': 2 }, 'ctx'), ErrorCode.INVALID_ARGUMENT);
      expect(await manager.exists('good', 'ctx')).toBe(false);
    });
  });

  describe('clear', () => {
    it('clear(ctx) empties that context in store and L1 and nothing else, whatever the ids hold', async () => {
      const { manager, primary } = await make();
      for (const ctx of HOSTILE_CONTEXTS) await manager.bulkSave({ k: ctx, 'k*': 1, [ctx]: 2 }, ctx);
      expect(await manager.clear('a')).toBe(3);
      expect(await manager.clear('*')).toBe(3);
      for (const gone of ['a', '*']) {
        expect(await primary.exists('k', gone)).toBe(false);
        expect(await manager.load('k', gone)).toBeUndefined();
      }
      for (const ctx of HOSTILE_CONTEXTS.filter((c) => c !== 'a' && c !== '*')) {
        // Still in L1 (no store read) and still in the store.
        expect(await storeReads(manager, async () => expect(await manager.load('k', ctx)).toBe(ctx))).toBe(0);
        expect(await primary.loadContext(ctx, ctx)).toBe(2);
      }
    });

    it('clear() empties every context; clearCache: false keeps L1', async () => {
      const { manager, primary } = await make();
      await manager.save('k', 'x', 1);
      await manager.save('k', 'y', 2);
      expect(await manager.clear('x', { clearCache: false })).toBe(1);
      expect(await storeReads(manager, () => manager.load('k', 'x'))).toBe(0);
      expect(await manager.clear()).toBeGreaterThanOrEqual(1);
      expect(await primary.exists('k', 'y')).toBe(false);
      expect(await manager.load('k', 'y')).toBeUndefined();
      await manager.save('k', 'z', 3);
      await manager.clear(null, { clearCache: true });
      expect(await manager.exists('k', 'z')).toBe(false);
    });
  });

  it('fails with CLOSED after close, closes the primary, and close is idempotent', async () => {
    const { manager, primary } = await make();
    await manager.save('k', 'ctx', 1);
    await manager.close();
    await manager.close();
    await expectCode(primary.loadContext('k', 'ctx'), ErrorCode.CLOSED);
    await expectCode(manager.load('k', 'ctx'), ErrorCode.CLOSED);
    await expectCode(manager.save('k', 'ctx', 1), ErrorCode.CLOSED);
    await expectCode(manager.bulkLoad(['k'], 'ctx'), ErrorCode.CLOSED);
    await expectCode(manager.withCache(() => 1, 'k', 'ctx'), ErrorCode.CLOSED);
    await expectCode(manager.invalidateCache(), ErrorCode.CLOSED);
    await expectCode(manager.clear('ctx'), ErrorCode.CLOSED);
    await expectCode(manager.getStats(), ErrorCode.CLOSED);
  });
}
