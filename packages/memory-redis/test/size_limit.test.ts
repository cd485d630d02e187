import { ErrorCode, MemoryError } from '@engram/memory-core';
import { DEFAULT_MAX_VALUE_BYTES, serializeData } from '@engram/memory-utils';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemory } from '../src/index.js';
import { REDIS_URL, keysUnder, rawClient, removePrefix, uniquePrefix } from './redis_test_support.js';

async function refusal(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'expected a refusal').toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe(ErrorCode.INVALID_ARGUMENT);
  return error as MemoryError;
}

describe('maxValueBytes', () => {
  const prefix = uniquePrefix('size');
  let raw: Redis;
  beforeAll(() => {
    raw = rawClient();
  });
  afterAll(async () => {
    await removePrefix(raw, prefix);
    await raw.quit();
  });

  it('refuses a value above the limit before anything is sent: even a store whose server is unreachable says INVALID_ARGUMENT', async () => {
    // Port 1: any byte sent would fail with CONNECTION_ERROR instead.
    const store = new RedisMemory({ url: 'redis://127.0.0.1:1', maxValueBytes: 1_000, commandTimeout: 300 });
    try {
      const error = await refusal(store.saveContext('k', 'ctx', 'v'.repeat(2_000)));
      expect(error.message).toMatch(/\d+ bytes, above the maxValueBytes limit of 1000 bytes/);
      expect(error.details).toMatchObject({ field: 'maxValueBytes', limit: 1_000 });
      await refusal(store.bulkSave({ small: 1, big: 'v'.repeat(2_000) }, 'ctx'));
      // Under the limit it does try to send, and fails as unreachable: the check is the size, nothing else.
      const sent = await store.saveContext('k', 'ctx', 'small').then(() => undefined, (e: unknown) => e);
      expect((sent as MemoryError).code).toBe(ErrorCode.CONNECTION_ERROR);
    } finally {
      await store.close();
    }
  });

  it('defaults to 8 MiB', async () => {
    const store = new RedisMemory({ url: 'redis://127.0.0.1:1', commandTimeout: 300 });
    try {
      expect(store.maxValueBytes).toBe(DEFAULT_MAX_VALUE_BYTES);
      await refusal(store.saveContext('k', 'ctx', new Uint8Array(DEFAULT_MAX_VALUE_BYTES + 1)));
    } finally {
      await store.close();
    }
  });

  it('a bulkSave with one oversized value writes none of its entries; values at the limit are stored', async () => {
    const store = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix, maxValueBytes: 1_000 });
    try {
      await store.saveContext('a', 'ctx', 'before');
      await refusal(store.bulkSave({ a: 'after', b: 2, big: 'v'.repeat(1_000) }, 'ctx'));
      expect(await store.loadContext('a', 'ctx')).toBe('before');
      expect(await keysUnder(raw, prefix)).toHaveLength(2); // a and the context index
      // The longest string whose encoding is exactly the limit (the codec adds a few header bytes).
      let fits = 'v'.repeat(1_000);
      while (serializeData(fits).length > 1_000) fits = fits.slice(1);
      expect(serializeData(fits).length).toBe(1_000);
      await store.saveContext('edge', 'ctx', fits);
      expect(await store.loadContext('edge', 'ctx')).toBe(fits);
      await refusal(store.saveContext('edge', 'ctx', `${fits}v`));
    } finally {
      await store.close();
    }
  });

  it('refuses bad limits with INVALID_ARGUMENT naming the option', () => {
    for (const bad of [0, -5, 1.5, 'big', 2 ** 40]) {
      try {
        new RedisMemory({ url: REDIS_URL, maxValueBytes: bad as number });
        expect.unreachable(`accepted ${String(bad)}`);
      } catch (error) {
        expect((error as MemoryError).details).toMatchObject({ field: 'maxValueBytes' });
      }
    }
  });
});
