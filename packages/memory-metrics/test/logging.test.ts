import { InProcessMemory, MemoryManager } from '@engram/memory-cache';
import { logId } from '@engram/memory-core';
import { RedisMemory } from '@engram/memory-redis';
import { SqliteMemory } from '@engram/memory-sqlite';
import { freePort } from '@engram/test-servers';
import { VectorStore } from '@engram/vector-core';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';

const SECRET = 'sk-live-SECRET-VALUE-91c2';
const PASSWORD = 'Pa55word-NEVER-LOG-3e1';
const KEY = 'key-of-ada-lovelace';
const CTX = 'ada.lovelace@example.com';

/** A pino logger at debug writing JSON lines into memory. */
function memoryLogger() {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('logging never writes values, secrets, keys or context ids', () => {
  it('MemoryManager, RedisMemory, SqliteMemory and VectorStore on their save, load and error paths', async () => {
    const { logger, lines, records } = memoryLogger();
    const record = { apiKey: SECRET, password: PASSWORD };

    const manager = new MemoryManager(new InProcessMemory(), undefined, { logger });
    await manager.save(KEY, CTX, record);
    await manager.load(KEY, CTX);
    await manager.load(KEY, CTX, { useCache: false });
    await expect(manager.save(KEY, CTX, { secret: SECRET, fn: () => SECRET })).rejects.toMatchObject({ code: 'SERIALIZATION_ERROR' });
    await expect(
      manager.withCache(
        () => {
          throw new Error(`failed with ${SECRET}`);
        },
        'other-key',
        CTX,
      ),
    ).rejects.toThrow(SECRET);
    await manager.close();

    const port = await freePort();
    const redis = new RedisMemory({
      url: `redis://default:${PASSWORD}@127.0.0.1:${port}`,
      keyPrefix: 'engram-log-test',
      commandTimeout: 200,
      connectTimeout: 200,
      circuitBreaker: { failureThreshold: 1, cooldownMs: 60_000 },
      logger,
    });
    await expect(redis.saveContext(KEY, CTX, record)).rejects.toMatchObject({ code: expect.stringMatching(/CONNECTION_ERROR|TIMEOUT/) });
    await expect(redis.loadContext(KEY, CTX)).rejects.toMatchObject({ code: 'CONNECTION_ERROR' });
    await redis.close();

    const sqlite = new SqliteMemory({ path: ':memory:', logger });
    await sqlite.saveContext(KEY, CTX, record);
    expect(await sqlite.loadContext(KEY, CTX)).toEqual(record);
    await sqlite.close();

    const vectors = new VectorStore({ dimension: 16, logger });
    await vectors.storeVector(`note holding ${SECRET}`, { secret: SECRET }, { contextId: CTX });
    await vectors.searchVectors(SECRET, { contextId: CTX });
    await expect(vectors.searchVectors(SECRET, { contextId: CTX, k: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await vectors.close();

    const output = lines.join('');
    for (const forbidden of [SECRET, PASSWORD, KEY, CTX, 'apiKey']) expect(output).not.toContain(forbidden);

    // …while saying what happened, with the context as its hash.
    const logged = records();
    const ctx = logId(CTX);
    expect(logged).toContainEqual(expect.objectContaining({ level: 20, component: 'MemoryManager', op: 'save', ctx }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 20, component: 'MemoryManager', op: 'load', ctx }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 50, component: 'MemoryManager', op: 'save', code: 'SERIALIZATION_ERROR', ctx }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 50, component: 'MemoryManager', op: 'withCache', code: 'UNKNOWN', ctx }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 50, component: 'RedisMemory', op: 'saveContext' }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 40, component: 'RedisMemory', breaker: 'open' }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 20, component: 'VectorStore', op: 'store', ctx, count: 1 }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 20, component: 'VectorStore', op: 'search', ctx }));
    expect(logged).toContainEqual(expect.objectContaining({ level: 50, component: 'VectorStore', op: 'search', code: 'INVALID_ARGUMENT', ctx }));
  });

  it('is silent by default, and a logger at info drops the per-operation debug lines', async () => {
    const { logger, lines } = memoryLogger();
    logger.level = 'info';
    const manager = new MemoryManager(new InProcessMemory(), undefined, { logger });
    await manager.save(KEY, CTX, 1);
    await manager.load(KEY, CTX);
    expect(lines).toEqual([]);
    await manager.close();
    expect(() => new MemoryManager(new InProcessMemory(), undefined, { logger: {} as never })).toThrow(/logger must have/);
  });
});
