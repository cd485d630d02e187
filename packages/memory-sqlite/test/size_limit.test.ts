import { ErrorCode, MemoryError } from '@engram/memory-core';
import { DEFAULT_MAX_VALUE_BYTES, serializeData } from '@engram/memory-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMemory } from '../src/index.js';
import { rawRowCount } from './raw_rows.js';
import { tempDirs } from './temp_dirs.js';

const dirs = tempDirs('size');
afterAll(() => dirs.removeAll());

async function refusal(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'expected a refusal').toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe(ErrorCode.INVALID_ARGUMENT);
  return error as MemoryError;
}

describe('maxValueBytes', () => {
  it('refuses an oversized save or bulkSave before writing anything; a value exactly at the limit is stored', async () => {
    const path = dirs.dbPath();
    const store = new SqliteMemory({ path, maxValueBytes: 1_000 });
    try {
      await store.saveContext('a', 'ctx', 'before');
      const error = await refusal(store.saveContext('a', 'ctx', 'v'.repeat(2_000)));
      expect(error.message).toMatch(/\d+ bytes, above the maxValueBytes limit of 1000 bytes/);
      expect(error.message).not.toContain('vvvv');
      await refusal(store.bulkSave({ a: 'after', b: 1, big: 'v'.repeat(2_000) }, 'ctx'));
      expect(await store.loadContext('a', 'ctx')).toBe('before');
      expect(rawRowCount(path)).toBe(1);
      let fits = 'v'.repeat(1_000);
      while (serializeData(fits).length > 1_000) fits = fits.slice(1);
      await store.saveContext('edge', 'ctx', fits);
      expect(await store.loadContext('edge', 'ctx')).toBe(fits);
      await refusal(store.saveContext('edge', 'ctx', `${fits}v`));
    } finally {
      await store.close();
    }
  });

  it('defaults to 8 MiB and validates the option', async () => {
    const store = new SqliteMemory({ path: ':memory:' });
    try {
      await refusal(store.saveContext('k', 'ctx', new Uint8Array(DEFAULT_MAX_VALUE_BYTES + 1)));
      await store.saveContext('k', 'ctx', new Uint8Array(DEFAULT_MAX_VALUE_BYTES - 16));
    } finally {
      await store.close();
    }
    for (const bad of [0, -1, 2.5, '1', 2 ** 40]) {
      expect(() => new SqliteMemory({ path: ':memory:', maxValueBytes: bad as number })).toThrow(/maxValueBytes/);
    }
  });
});
