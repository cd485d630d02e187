import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { DEFAULT_HNSW_OPTIONS, HnswBackend, createBackend, resolveHnswOptions } from '../src/index.js';
import { graphEf, exactScanCutoff } from '../src/search_plan.js';

function configError(run: () => unknown): MemoryError {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe(ErrorCode.CONFIG_ERROR);
  return error as MemoryError;
}

describe('options', () => {
  it('defaults: M 16, efConstruction 200, efSearch 64', () => {
    expect(resolveHnswOptions()).toEqual(DEFAULT_HNSW_OPTIONS);
    expect(DEFAULT_HNSW_OPTIONS).toMatchObject({ M: 16, efConstruction: 200, efSearch: 64 });
    const backend = createBackend({ backendOptions: { M: 8, efSearch: 100, exactScanSelectivity: 0.02 } });
    expect(backend.options).toMatchObject({ M: 8, efSearch: 100, efConstruction: 200, exactScanSelectivity: 0.02 });
    expect(backend.capabilities).toEqual({ persistent: false, exact: false });
    expect(createBackend({ storageDir: '/tmp/x' }).capabilities.persistent).toBe(true);
  });

  it('refuses unknown names and out-of-range values with CONFIG_ERROR naming the option', () => {
    expect(configError(() => createBackend({ backendOptions: { efsearch: 10 } })).message).toContain('efsearch');
    for (const [key, value] of [
      ['M', 1],
      ['M', 8.5],
      ['efSearch', 0],
      ['efConstruction', '200'],
      ['initialCapacity', -1],
      ['exactScanSelectivity', 1.5],
      ['exactScanLimit', Number.NaN],
    ] as const) {
      const error = configError(() => new HnswBackend({ [key]: value }));
      expect(error.details).toEqual({ field: `backendOptions.${key}` });
    }
    configError(() => new HnswBackend({ storageDir: '' }));
  });

  it('the exact-scan cutoff is the larger of the limit and the share of the collection', () => {
    const options = { exactScanLimit: 2_000, exactScanSelectivity: 0.1 };
    expect(exactScanCutoff(10_000, options)).toBe(2_000);
    expect(exactScanCutoff(100_000, options)).toBe(10_000);
    expect(exactScanCutoff(100_000, { exactScanLimit: 0, exactScanSelectivity: 0 })).toBe(0);
  });

  it('ef is at least k, and widens up to 4× for filters below 10% selectivity', () => {
    expect(graphEf(64, 10, 1)).toBe(64);
    expect(graphEf(64, 200, 1)).toBe(200);
    expect(graphEf(64, 10, 0.25)).toBe(64);
    expect(graphEf(64, 10, 0.1)).toBe(64);
    expect(graphEf(64, 10, 0.025)).toBe(128);
    expect(graphEf(64, 10, 0.001)).toBe(256);
    expect(graphEf(5_000, 10, 0.001)).toBe(5_000);
  });
});
