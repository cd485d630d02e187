import { ErrorCode } from '@engram/memory-core';
import { describe, expect, it } from 'vitest';
import { InProcessMemory } from '../src/index.js';
import { expectCode, sleep } from './support.js';

describe('InProcessMemory', () => {
  it('is named in-process and uses defaultTtl when a save gives none', async () => {
    const store = new InProcessMemory({ defaultTtl: 120 });
    const forever = new InProcessMemory({ defaultTtl: null });
    try {
      expect(store.name).toBe('in-process');
      const before = Date.now();
      await store.saveContext('k', 'ctx', 1);
      await store.bulkSave({ b: 1 }, 'ctx');
      for (const key of ['k', 'b']) {
        const { expiresAt } = (await store.loadEntry(key, 'ctx'))!;
        expect(expiresAt).toBeGreaterThanOrEqual(before + 120_000);
        expect(expiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
        expect(await store.exists(key, 'ctx')).toBe(true);
      }
      await forever.saveContext('k', 'ctx', 1);
      expect((await forever.loadEntry('k', 'ctx'))!.expiresAt).toBeNull();
    } finally {
      await store.close();
      await forever.close();
    }
  });

  it('the sweep timer removes expired entries without any read', async () => {
    const store = new InProcessMemory({ sweepIntervalMs: 50 });
    try {
      await store.bulkSave({ a: 1, b: 2 }, 'short', { ttl: 1 });
      await store.saveContext('k', 'long', 1, { ttl: 60 });
      expect((await store.getStats()).totalKeys).toBe(3);
      await sleep(1_150);
      // Nothing left for a manual sweep: the timer got there first.
      expect(store.sweepExpired()).toBe(0);
      expect(await store.clear()).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('sweepExpired reports what it removed; stats count live keys and contexts', async () => {
    const store = new InProcessMemory({ sweepIntervalMs: 0 });
    try {
      await store.bulkSave({ a: 1, b: 2 }, 'short', { ttl: 1 });
      await store.saveContext('k', 'long', 1);
      await sleep(1_100);
      expect(await store.deleteContext('a', 'short')).toBe(false);
      expect(store.sweepExpired()).toBe(1);
      expect(await store.getStats()).toEqual({ backend: 'in-process', totalKeys: 1, contexts: 1 });
    } finally {
      await store.close();
    }
  });

  it('keeps encoded bytes: the saved object can change afterwards, and class instances are refused', async () => {
    const store = new InProcessMemory();
    try {
      const value = { list: [1] };
      await store.saveContext('k', 'ctx', value);
      value.list.push(2);
      expect(await store.loadContext('k', 'ctx')).toEqual({ list: [1] });
      await expectCode(store.saveContext('c', 'ctx', new (class Point {})()), ErrorCode.SERIALIZATION_ERROR);
      await expectCode(store.bulkSave(null as never, 'ctx'), ErrorCode.INVALID_ARGUMENT);
    } finally {
      await store.close();
    }
  });

  it('clear(undefined) is refused rather than read as "clear everything"', async () => {
    const store = new InProcessMemory();
    try {
      await store.saveContext('k', 'ctx', 1);
      await expectCode(store.clear(undefined), ErrorCode.INVALID_ARGUMENT);
      expect(await store.exists('k', 'ctx')).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('rejects bad options', async () => {
    await expectCode(() => new InProcessMemory({ defaultTtl: 0 }), ErrorCode.INVALID_ARGUMENT);
    await expectCode(() => new InProcessMemory({ sweepIntervalMs: -1 }), ErrorCode.INVALID_ARGUMENT);
    await expectCode(() => new InProcessMemory({ sweepIntervalMs: 2 ** 31 }), ErrorCode.INVALID_ARGUMENT);
  });
});
