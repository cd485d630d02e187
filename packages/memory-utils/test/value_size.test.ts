import { ErrorCode, MemoryError } from '@engram/memory-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_VALUE_BYTES, checkValueSize, resolveMaxValueBytes, serializeData } from '../src/index.js';

describe('value size limit', () => {
  it('defaults to 8 MiB and accepts whole byte counts', () => {
    expect(resolveMaxValueBytes(undefined)).toBe(8 * 1024 * 1024);
    expect(DEFAULT_MAX_VALUE_BYTES).toBe(8_388_608);
    expect(resolveMaxValueBytes(1)).toBe(1);
  });

  for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 40, '10', null]) {
    it(`refuses maxValueBytes ${String(bad)}`, () => {
      expect(() => resolveMaxValueBytes(bad)).toThrow(MemoryError);
    });
  }

  it('lets a value at the limit through and refuses one byte more, naming size, limit and option but not the value', () => {
    const secret = 'TOP-SECRET-VALUE';
    const bytes = serializeData(`${secret}${'x'.repeat(100)}`);
    expect(() => checkValueSize(bytes, bytes.length)).not.toThrow();
    let error: unknown;
    try {
      checkValueSize(bytes, bytes.length - 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MemoryError);
    const memoryError = error as MemoryError;
    expect(memoryError.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(memoryError.message).toContain(`${bytes.length} bytes`);
    expect(memoryError.message).toContain(`${bytes.length - 1} bytes`);
    expect(memoryError.message).toContain('maxValueBytes');
    expect(memoryError.details).toEqual({ field: 'maxValueBytes', size: bytes.length, limit: bytes.length - 1 });
    expect(JSON.stringify(memoryError) + String(memoryError) + memoryError.message).not.toContain(secret);
  });
});
