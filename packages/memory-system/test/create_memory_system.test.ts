import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { createMemorySystem } from '../src/index.js';
import { importOptional } from '../src/optional_import.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-system-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stacks = [
  ['sqlite', () => ({ sqlitePath: join(dir, `${randomUUID()}.db`) })],
  ['redis', () => ({ redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: `t-system-${randomUUID()}` })],
  ['in-process', () => ({ storage: 'in-process' as const })],
] as const;

describe.each(stacks)('createMemorySystem on %s', (storage, config) => {
  it('builds store, L1 manager and vector store from one config, and close() closes them all', async () => {
    const system = await createMemorySystem({ ...config(), cacheSize: 10, defaultTtl: 120 });
    expect(system.primary.name).toBe(storage);
    expect(system.ttl).toEqual({ temporary: 300, cache: 3600, default: 120, persistent: 2_592_000 });
    await system.manager.save('k', 'ctx', { v: 1 });
    expect(await system.manager.load('k', 'ctx')).toEqual({ v: 1 });
    const entry = await system.primary.loadEntry('k', 'ctx');
    expect(entry!.expiresAt! - Date.now()).toBeGreaterThan(100_000);
    expect(entry!.expiresAt! - Date.now()).toBeLessThanOrEqual(120_000);
    expect((await system.manager.getStats()).manager.cacheMaxItems).toBe(10);
    expect(system.vectors).toBeDefined();
    await system.manager.clear();
    await system.close();
    await system.close();
    await expect(system.primary.loadContext('k', 'ctx')).rejects.toMatchObject({ code: ErrorCode.CLOSED });
    await expect(system.manager.load('k', 'ctx')).rejects.toMatchObject({ code: ErrorCode.CLOSED });
  });
});

describe('createMemorySystem', () => {
  it('keeps SQLite data across two systems on the same file', async () => {
    const sqlitePath = join(dir, 'persist.db');
    const first = await createMemorySystem({ sqlitePath });
    await first.manager.save('runs', 'demo', 1, { ttl: null });
    await first.close();
    const second = await createMemorySystem({ sqlitePath });
    expect(await second.manager.load('runs', 'demo')).toBe(1);
    await second.close();
  });

  it('on Redis wires the invalidation bus, distributed locks, circuit breaker and size limit', async () => {
    const keyPrefix = `t-system-${randomUUID()}`;
    const system = await createMemorySystem({ redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: keyPrefix, maxValueBytes: 1024 });
    try {
      expect(system.bus).toBeDefined();
      expect(system.locks).toBeDefined();
      expect((await system.primary.getStats()).circuitBreaker).toBe('closed');
      await expect(system.manager.save('big', 'ctx', 'x'.repeat(2048))).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
      let runs = 0;
      const results = await Promise.all(
        Array.from({ length: 5 }, () => system.manager.withCache(async () => ++runs, 'once', 'ctx', { distributed: true })),
      );
      expect(results).toEqual([1, 1, 1, 1, 1]);
      await system.manager.clear();
    } finally {
      await system.close();
    }
  });

  it('without bus and locks when switched off, and never on the embedded store', async () => {
    const off = await createMemorySystem({ storage: 'in-process', invalidationBus: true, distributedLocks: true });
    expect([off.bus, off.locks]).toEqual([undefined, undefined]);
    await off.close();
    const redis = await createMemorySystem({
      redisUrl: 'redis://127.0.0.1:6379',
      redisKeyPrefix: `t-system-${randomUUID()}`,
      invalidationBus: false,
      distributedLocks: false,
      circuitBreaker: false,
    });
    expect([redis.bus, redis.locks]).toEqual([undefined, undefined]);
    expect((await redis.primary.getStats()).circuitBreaker).toBe('off');
    await redis.close();
  });

  it('rejects a bad config before opening anything', async () => {
    await expect(createMemorySystem({ cacheSize: -5 })).rejects.toMatchObject({ code: ErrorCode.CONFIG_ERROR });
  });

  it('names the package to install when an optional one is missing', async () => {
    const missing = '@engram/not-installed-package';
    const error = await importOptional(missing, 'storage "x"', () => import(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.CONFIG_ERROR);
    expect((error as MemoryError).message).toContain(`pnpm add ${missing}`);
  });
});
