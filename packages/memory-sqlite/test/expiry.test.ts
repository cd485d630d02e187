import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMemory } from '../src/index.js';
import { rawRowCount } from './raw_rows.js';
import { tempDirs } from './temp_dirs.js';

const dirs = tempDirs('expiry');
afterAll(() => dirs.removeAll());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

describe('TTL and the sweep timer', () => {
  it('the timer deletes expired rows from the file and leaves live ones', async () => {
    const path = dirs.dbPath();
    const store = new SqliteMemory({ path, sweepIntervalMs: 100 });
    try {
      await store.bulkSave({ a: 1, b: 2, c: 3 }, 'ctx', { ttl: 1 });
      await store.saveContext('short', 'other', 'x', { ttl: 1 });
      await store.saveContext('forever', 'ctx', 'stays', { ttl: null });
      await store.saveContext('hour', 'ctx', 'stays', { ttl: 3600 });
      expect(rawRowCount(path)).toBe(6);
      // Nothing is swept before expiry, though the timer has run several times.
      await sleep(300);
      expect(rawRowCount(path)).toBe(6);
      expect(await waitFor(() => rawRowCount(path) === 2, 5_000)).toBe(true);
      expect(rawRowCount(path, 'key IN (?, ?)', ['forever', 'hour'])).toBe(2);
      const stats = await store.getStats();
      expect(stats.sweptRows).toBe(4);
      expect(stats.sweeps).toBeGreaterThan(1);
      expect(stats.sweepErrors).toBe(0);
      expect(stats.expiredRows).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('with sweepIntervalMs 0 nothing is swept, yet expired rows stay invisible and uncounted', async () => {
    const path = dirs.dbPath();
    const store = new SqliteMemory({ path, sweepIntervalMs: 0 });
    try {
      await store.bulkSave({ e1: 1, e2: 2 }, 'ctx', { ttl: 1 });
      await store.saveContext('live', 'ctx', 'here', { ttl: null });
      await store.saveContext('e3', 'other', 3, { ttl: 1 });
      await store.saveContext('live', 'other', 'here');
      await sleep(1_200);
      expect(rawRowCount(path)).toBe(5);
      expect(await store.loadEntry('e1', 'ctx')).toBeUndefined();
      expect(await store.exists('e1', 'ctx')).toBe(false);
      expect([...(await store.bulkLoadEntries(['e1', 'e2', 'live'], 'ctx')).keys()]).toEqual(['live']);
      expect(Object.keys(await store.bulkLoad(['e1', 'e2', 'live'], 'ctx'))).toEqual(['live']);
      const stats = await store.getStats();
      expect(stats.totalKeys).toBe(2);
      expect(stats.expiredRows).toBe(3);
      expect(stats.sweeps).toBe(0);
      // An expired key "did not exist": deleting it reports false (and removes the row).
      expect(await store.deleteContext('e2', 'ctx')).toBe(false);
      expect(rawRowCount(path)).toBe(4);
      // clear(ctx) counts live rows only, but removes the expired ones too.
      expect(await store.clear('ctx')).toBe(1);
      expect(rawRowCount(path, 'ctx = ?', ['ctx'])).toBe(0);
      expect(rawRowCount(path)).toBe(2);
      expect(await store.clear()).toBe(1);
      expect(rawRowCount(path)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('sweepExpired() deletes expired rows on demand, in batches, and returns the count', async () => {
    const path = dirs.dbPath();
    const store = new SqliteMemory({ path, sweepIntervalMs: 0 });
    try {
      const many = new Map<string, number>();
      for (let i = 0; i < 2_500; i++) many.set(`k${i}`, i);
      await store.bulkSave(many, 'ctx', { ttl: 1 });
      await store.saveContext('live', 'ctx', 1, { ttl: null });
      expect(await store.sweepExpired()).toBe(0);
      await sleep(1_100);
      let swept = 0;
      // A sweep may stop at its time budget; repeated sweeps finish the job.
      for (let round = 0; round < 10 && rawRowCount(path) > 1; round++) swept += await store.sweepExpired();
      expect(swept).toBe(2_500);
      expect(rawRowCount(path)).toBe(1);
      expect(await store.loadContext('live', 'ctx')).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('defaultTtl applies when ttl is omitted: seconds, or null for never', async () => {
    const minute = new SqliteMemory({ path: ':memory:', defaultTtl: 60 });
    const never = new SqliteMemory({ path: ':memory:', defaultTtl: null });
    const standard = new SqliteMemory({ path: ':memory:' });
    try {
      const before = Date.now();
      await minute.saveContext('k', 'ctx', 1);
      await never.saveContext('k', 'ctx', 1);
      await standard.bulkSave({ k: 1 }, 'ctx');
      const after = Date.now();
      const expiresAt = (await minute.loadEntry('k', 'ctx'))!.expiresAt!;
      expect(expiresAt).toBeGreaterThanOrEqual(before + 60_000);
      expect(expiresAt).toBeLessThanOrEqual(after + 60_000);
      expect((await never.loadEntry('k', 'ctx'))!.expiresAt).toBeNull();
      const day = (await standard.loadEntry('k', 'ctx'))!.expiresAt!;
      expect(day).toBeGreaterThanOrEqual(before + 86_400_000);
      expect(day).toBeLessThanOrEqual(after + 86_400_000);
      // An explicit ttl wins over the default.
      await never.saveContext('k', 'ctx', 1, { ttl: 5 });
      expect((await never.loadEntry('k', 'ctx'))!.expiresAt).toBeLessThanOrEqual(Date.now() + 5_000);
    } finally {
      await Promise.all([minute.close(), never.close(), standard.close()]);
    }
  });
});
