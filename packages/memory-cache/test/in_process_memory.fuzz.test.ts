import { ErrorCode, MemoryError } from '@engram/memory-core';
import { describeMemoryFuzz } from '@engram/memory-core/testing';
import { DEFAULT_MAX_VALUE_BYTES } from '@engram/memory-utils';
import { describe, expect, it } from 'vitest';
import { InProcessMemory } from '../src/index.js';

describeMemoryFuzz('in-process', { create: () => new InProcessMemory(), numRuns: 2_000 });

describe('InProcessMemory maxValueBytes', () => {
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((error as MemoryError).message).toMatch(/maxValueBytes limit of \d+ bytes/);
  };

  it('refuses an oversized save, and a bulkSave holding one writes nothing', async () => {
    const store = new InProcessMemory({ maxValueBytes: 100 });
    try {
      await store.saveContext('a', 'ctx', 'before');
      await refusal(store.saveContext('a', 'ctx', 'x'.repeat(200)));
      await refusal(store.bulkSave({ a: 'after', b: 1, big: 'x'.repeat(200) }, 'ctx'));
      expect(await store.loadContext('a', 'ctx')).toBe('before');
      expect(await store.exists('b', 'ctx')).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('defaults to 8 MiB and validates the option', async () => {
    const store = new InProcessMemory();
    try {
      await refusal(store.saveContext('k', 'ctx', new Uint8Array(DEFAULT_MAX_VALUE_BYTES + 1)));
    } finally {
      await store.close();
    }
    expect(() => new InProcessMemory({ maxValueBytes: 0 })).toThrow(/maxValueBytes/);
  });
});
