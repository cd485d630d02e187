import { ErrorCode, MemoryError } from '@engram/memory-core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnectionManager, RedisMemory, getConnectionManager } from '../src/index.js';
import { REDIS_URL, rawClient, removePrefix, uniquePrefix } from './redis_test_support.js';

/** An unusual db number, so counting this file's connections in CLIENT LIST is not confused by other tests. */
const DB = 11;
const URL_DB = `${REDIS_URL}/${DB}`;

let raw: Redis;
const prefix = uniquePrefix('cm');

beforeAll(() => {
  raw = rawClient();
});
afterEach(async () => {
  await getConnectionManager().closeAll();
});
afterAll(async () => {
  for (const db of [0, DB]) {
    await raw.select(db);
    await removePrefix(raw, prefix);
  }
  await raw.quit();
});

/** Server-side connections named `engram` currently on DB. */
async function engramConnectionsOnDb(): Promise<number> {
  const list = (await raw.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
  return list.split('\n').filter((line) => / name=engram /.test(line) && new RegExp(` db=${DB} `).test(line)).length;
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

const poolsFor = (target: string) => getConnectionManager().pools().filter((p) => p.target === target);

describe('the shared connection manager', () => {
  it('is one object per process', () => {
    expect(getConnectionManager()).toBe(getConnectionManager());
    expect(getConnectionManager()).toBeInstanceOf(RedisConnectionManager);
  });

  it('stores with the same connection options share one connection, reference counted', async () => {
    const before = await engramConnectionsOnDb();
    const a = new RedisMemory({ url: URL_DB, keyPrefix: prefix });
    const b = new RedisMemory({ url: URL_DB, keyPrefix: `${prefix}:b`, defaultTtl: 60 });
    await a.saveContext('k', 'ctx', 1);
    await b.saveContext('k', 'ctx', 2);
    expect(poolsFor(`redis://127.0.0.1:6379/${DB}`)).toEqual([
      { target: `redis://127.0.0.1:6379/${DB}`, connections: 1, references: 2 },
    ]);
    expect(await engramConnectionsOnDb()).toBe(before + 1);

    await a.close();
    expect(poolsFor(`redis://127.0.0.1:6379/${DB}`)[0]?.references).toBe(1);
    expect(await b.loadContext('k', 'ctx')).toBe(2);

    await b.close();
    expect(poolsFor(`redis://127.0.0.1:6379/${DB}`)).toEqual([]);
    await eventually(async () => (await engramConnectionsOnDb()) === before, 'the last close() closes the connection');
  });

  it('closing a store twice releases its reference once', async () => {
    const a = new RedisMemory({ url: URL_DB, keyPrefix: prefix });
    const b = new RedisMemory({ url: URL_DB, keyPrefix: prefix });
    await a.close();
    await a.close();
    expect(poolsFor(`redis://127.0.0.1:6379/${DB}`)[0]?.references).toBe(1);
    expect(await b.exists('k', 'nothing')).toBe(false);
    await b.close();
  });

  it('different db, user, host, timeouts or pool size get different connections', async () => {
    const stores = [
      new RedisMemory({ url: REDIS_URL, keyPrefix: prefix }),
      new RedisMemory({ url: URL_DB, keyPrefix: prefix }),
      new RedisMemory({ url: REDIS_URL, keyPrefix: prefix, commandTimeout: 1_234 }),
      new RedisMemory({ host: 'localhost', port: 6379, keyPrefix: prefix }),
      new RedisMemory({ url: REDIS_URL, keyPrefix: prefix, username: 'default' }),
      new RedisMemory({ url: REDIS_URL, keyPrefix: prefix, poolSize: 3 }),
    ];
    try {
      const pools = getConnectionManager().pools();
      expect(pools).toHaveLength(stores.length);
      expect(pools.map((p) => p.connections).sort()).toEqual([1, 1, 1, 1, 1, 3]);
      expect(pools.every((p) => p.references === 1)).toBe(true);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('a pool of 3 opens 3 connections and spreads operations over them', async () => {
    const before = await engramConnectionsOnDb();
    const store = new RedisMemory({ url: URL_DB, keyPrefix: prefix, poolSize: 3 });
    for (let i = 0; i < 9; i++) await store.saveContext(`k${i}`, 'ctx', i);
    expect(await engramConnectionsOnDb()).toBe(before + 3);
    const list = (await raw.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string;
    const lastCommands = list
      .split('\n')
      .filter((line) => / name=engram /.test(line) && new RegExp(` db=${DB} `).test(line))
      .map((line) => / cmd=(\S+)/.exec(line)?.[1]);
    // Round-robin: every connection of the pool ran a save, not just the first.
    expect(lastCommands.filter((cmd) => cmd === 'evalsha' || cmd === 'eval')).toHaveLength(3);
    await store.close();
  });

  it('closeAll() closes every connection it opened; stores still using them fail with CONNECTION_ERROR', async () => {
    const before = await engramConnectionsOnDb();
    const a = new RedisMemory({ url: URL_DB, keyPrefix: prefix });
    const b = new RedisMemory({ url: URL_DB, keyPrefix: prefix, poolSize: 2 });
    await a.saveContext('k', 'ctx', 1);
    await b.saveContext('k', 'ctx', 1);
    expect(await engramConnectionsOnDb()).toBe(before + 3);

    await getConnectionManager().closeAll();
    expect(getConnectionManager().pools()).toEqual([]);
    await eventually(async () => (await engramConnectionsOnDb()) === before, 'closeAll() closes the connections');

    const error = await a.loadContext('k', 'ctx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.CONNECTION_ERROR);
    expect((error as MemoryError).message).toMatch(/closeAll/);
    await a.close();
    await b.close();

    const fresh = new RedisMemory({ url: URL_DB, keyPrefix: prefix });
    expect(await fresh.loadContext('k', 'ctx')).toBe(1);
    await fresh.close();
  });
});

describe('a caller-owned client', () => {
  it('is used as is and never closed by the store', async () => {
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const store = new RedisMemory({ client, keyPrefix: prefix });
      await store.saveContext('k', 'owned', 'v');
      expect(getConnectionManager().pools()).toEqual([]);
      await store.close();
      await expect(store.loadContext('k', 'owned')).rejects.toMatchObject({ code: ErrorCode.CLOSED });
      await getConnectionManager().closeAll();
      expect(client.status).toBe('ready');
      expect(await client.ping()).toBe('PONG');
      const again = new RedisMemory({ client, keyPrefix: prefix });
      expect(await again.loadContext('k', 'owned')).toBe('v');
      await again.close();
    } finally {
      await client.quit();
    }
  });

  it('cannot be combined with connection options or an ioredis keyPrefix', () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true });
    const prefixed = new Redis(REDIS_URL, { lazyConnect: true, keyPrefix: 'x:' });
    try {
      expect(() => new RedisMemory({ client, url: REDIS_URL })).toThrow(expect.objectContaining({ details: { field: 'url' } }));
      expect(() => new RedisMemory({ client, poolSize: 2 })).toThrow(expect.objectContaining({ details: { field: 'poolSize' } }));
      expect(() => new RedisMemory({ client: prefixed })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
      expect(() => new RedisMemory({ client: {} as Redis })).toThrow(expect.objectContaining({ details: { field: 'client' } }));
    } finally {
      client.disconnect();
      prefixed.disconnect();
    }
  });
});
