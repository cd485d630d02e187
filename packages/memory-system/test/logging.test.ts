import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, logId, type EngramLogger } from '@engram/memory-core';
import { startRedis, waitFor } from '@engram/test-servers';
import { configFromEnv, createMemorySystem } from '../src/index.js';

const SECRET = 'sk-live-SECRET-VALUE-5d1e';
const PASSWORD = 'Pa55word-NEVER-LOG-a7f2';
const KEY = 'key-of-ada-lovelace';
const CTX = 'ada.lovelace@example.com';

const dir = mkdtempSync(join(tmpdir(), 'engram-system-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

type Level = 'debug' | 'info' | 'warn' | 'error';
interface LogRecord extends Record<string, unknown> {
  level: Level;
  message: string;
}

/** A real EngramLogger that keeps every call (fields flattened next to level and message). */
function capturingLogger() {
  const records: LogRecord[] = [];
  const calls: unknown[][] = [];
  const at =
    (level: Level) =>
    (fields: Record<string, unknown>, message: string): void => {
      calls.push([level, fields, message]);
      records.push({ ...fields, level, message });
    };
  const logger: EngramLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, records, everything: () => JSON.stringify(calls) };
}

function expectNoSecrets(everything: string): void {
  for (const forbidden of [SECRET, PASSWORD, KEY, CTX]) expect(everything).not.toContain(forbidden);
}

/** Overwrites every page after the first (the schema): the file opens, but reading a row fails. */
function corruptRows(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const header = Buffer.alloc(18);
    readSync(fd, header, 0, 18, 0);
    const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16);
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(pageSize);
    writeSync(fd, Buffer.alloc(size - pageSize, 0xa5), 0, size - pageSize, pageSize);
  } finally {
    closeSync(fd);
  }
}

describe('createMemorySystem(config, { logger })', () => {
  it('on the embedded default read from the environment, logs manager, vector and SQLite events without values or ids', async () => {
    const sqlitePath = join(dir, `${randomUUID()}.db`);
    vi.stubEnv('ENGRAM_MEMORY_BACKEND', 'sqlite');
    vi.stubEnv('ENGRAM_SQLITE_PATH', sqlitePath);
    const { logger, records, everything } = capturingLogger();

    const system = await createMemorySystem(undefined, { logger });
    expect(system.config.sqlitePath).toBe(sqlitePath);
    await system.manager.save(KEY, CTX, { apiKey: SECRET });
    expect(await system.manager.load(KEY, CTX, { useCache: false })).toEqual({ apiKey: SECRET });
    await expect(system.manager.save('other', CTX, { secret: SECRET, fn: () => SECRET })).rejects.toMatchObject({
      code: ErrorCode.SERIALIZATION_ERROR,
    });
    await system.vectors!.storeVector(`note holding ${SECRET}`, { secret: SECRET }, { contextId: CTX });
    await system.manager.clear(CTX);
    await system.close();

    // A damaged file is a failure only the store itself sees first: SqliteMemory must log it too.
    const before = await createMemorySystem({ sqlitePath }, { logger });
    await before.manager.save(KEY, CTX, { apiKey: SECRET }, { ttl: null });
    await before.close();
    corruptRows(sqlitePath);
    const damaged = await createMemorySystem({ sqlitePath }, { logger });
    try {
      await expect(damaged.manager.load(KEY, CTX, { useCache: false })).rejects.toMatchObject({ code: expect.any(String) });
    } finally {
      await damaged.close().catch(() => undefined);
    }

    const ctx = logId(CTX);
    expect(records).toContainEqual(expect.objectContaining({ level: 'debug', component: 'MemoryManager', op: 'save', ctx }));
    expect(records).toContainEqual(expect.objectContaining({ level: 'debug', component: 'MemoryManager', op: 'load', ctx }));
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'error', component: 'MemoryManager', op: 'save', code: ErrorCode.SERIALIZATION_ERROR, ctx }),
    );
    expect(records).toContainEqual(expect.objectContaining({ level: 'debug', component: 'VectorStore', op: 'store', ctx }));
    expect(records).toContainEqual(expect.objectContaining({ level: 'error', component: 'SqliteMemory', code: expect.any(String) }));
    expect(records).toContainEqual(expect.objectContaining({ level: 'error', component: 'MemoryManager', op: 'load', ctx }));
    expectNoSecrets(everything());
    expect(everything()).not.toContain(sqlitePath);
  });

  it('on the shared Redis from a REDIS_URL-style config, logs manager operations and failures', async () => {
    const { logger, records, everything } = capturingLogger();
    const config = configFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `t-system-log-${randomUUID()}` });
    const system = await createMemorySystem(config, { logger });
    try {
      expect(system.bus).toBeDefined();
      await system.manager.save(KEY, CTX, { apiKey: SECRET });
      expect(await system.manager.load(KEY, CTX, { useCache: false })).toEqual({ apiKey: SECRET });
      await expect(system.manager.save('other', CTX, { fn: () => SECRET })).rejects.toMatchObject({ code: ErrorCode.SERIALIZATION_ERROR });
      await system.manager.clear(CTX);
    } finally {
      await system.close();
    }
    const ctx = logId(CTX);
    expect(records).toContainEqual(expect.objectContaining({ level: 'debug', component: 'MemoryManager', op: 'load', ctx }));
    expect(records).toContainEqual(expect.objectContaining({ level: 'debug', component: 'MemoryManager', op: 'clear', ctx }));
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'error', component: 'MemoryManager', op: 'save', code: ErrorCode.SERIALIZATION_ERROR, ctx }),
    );
    expectNoSecrets(everything());
  });

  it('on a Redis that dies, RedisMemory and the manager log the outage without the password from the URL', async () => {
    const server = await startRedis({ args: ['--requirepass', PASSWORD] });
    const { logger, records, everything } = capturingLogger();
    try {
      const config = configFromEnv({
        REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${server.port}`,
        REDIS_KEY_PREFIX: `t-system-log-${randomUUID()}`,
        REDIS_COMMAND_TIMEOUT_MS: '300',
        REDIS_CIRCUIT_BREAKER_THRESHOLD: '1',
        REDIS_CIRCUIT_BREAKER_COOLDOWN_MS: '60000',
      });
      const system = await createMemorySystem(config, { logger });
      try {
        await system.manager.save(KEY, CTX, { apiKey: SECRET });
        expect(await system.manager.load(KEY, CTX, { useCache: false })).toEqual({ apiKey: SECRET });
        expect(records.filter((r) => r.level === 'error')).toEqual([]);
        // The bus coming up is news, not a recovery.
        await waitFor('the bus to connect', async () => records.some((r) => r.bus === 'connected'));
        expect(records.filter((r) => r.bus === 'connected').map((r) => r.level)).toEqual(['info']);

        await server.kill();
        await expect(system.manager.load(KEY, CTX, { useCache: false })).rejects.toMatchObject({
          code: expect.stringMatching(/CONNECTION_ERROR|TIMEOUT/),
        });
        await waitFor('the bus disconnect to be logged', async () => records.some((r) => r.bus === 'disconnected'));
        await server.restart();
        await waitFor('the bus reconnect to be logged', async () => records.some((r) => r.bus === 'connected' && r.level === 'warn'));
      } finally {
        await system.close();
      }
    } finally {
      await server.stop();
    }
    expect(records).toContainEqual(expect.objectContaining({ level: 'error', component: 'RedisMemory', op: 'loadEntry' }));
    expect(records).toContainEqual(expect.objectContaining({ level: 'warn', component: 'RedisMemory', breaker: 'open' }));
    expect(records).toContainEqual(expect.objectContaining({ level: 'error', component: 'MemoryManager', op: 'load', ctx: logId(CTX) }));
    expect(records).toContainEqual(expect.objectContaining({ level: 'warn', component: 'MemoryManager', bus: 'disconnected' }));
    expectNoSecrets(everything());
    expect(everything()).not.toMatch(/redis:\/\//);
  });

  it('checks the logger before opening anything, and points a logger put in the config to the second argument', async () => {
    await expect(createMemorySystem({ storage: 'in-process' }, { logger: { info: () => undefined } as never })).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
      details: { field: 'logger' },
    });
    await expect(createMemorySystem({ storage: 'in-process' }, { loger: console } as never)).rejects.toMatchObject({
      code: ErrorCode.INVALID_ARGUMENT,
      details: { field: 'loger' },
    });
    const misplaced = await createMemorySystem({ storage: 'in-process', logger: console } as never).catch((e: unknown) => e);
    expect(misplaced).toMatchObject({ code: ErrorCode.CONFIG_ERROR, details: { field: 'logger' } });
    expect((misplaced as Error).message).toContain('createMemorySystem(config, { logger })');
  });
});
