import { inspect } from 'node:util';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { startRedis, type RedisServer } from '@engram/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemory, getConnectionManager } from '../src/index.js';

const ADMIN_PASSWORD = 'admin-Pa55-SECRET';
const USER_PASSWORD = 'engram-Pa55-SECRET';
const PREFIX = 'tenant-a';

/**
 * Every command RedisMemory sends, directly or from its Lua scripts. Each one is shown to be
 * needed by the "every permission is needed" test below; the README lists them.
 */
export const ENGRAM_COMMANDS = [
  'get', 'mget', 'exists', 'evalsha', 'eval', 'scan', 'unlink', 'info',
  'set', 'del', 'pexpire', 'sadd', 'srem', 'srandmember', 'scard', 'sscan',
] as const;

/** The user every test below logs in as: only this prefix, only these commands. */
const aclRule = (user: string, commands: readonly string[]) => [
  'ACL', 'SETUSER', user, 'reset', 'on', `>${USER_PASSWORD}`, `~${PREFIX}:*`, 'resetchannels', '-@all',
  ...commands.map((command) => `+${command}`),
];

async function failure(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'expected the operation to fail').toBeInstanceOf(MemoryError);
  return error as MemoryError;
}

function expectNoSecret(error: MemoryError): void {
  for (const text of [error.message, JSON.stringify(error.details), String(error.cause), inspect(error, { depth: 5 })]) {
    for (const secret of [ADMIN_PASSWORD, USER_PASSWORD, 'wrong-Pa55-SECRET']) expect(text).not.toContain(secret);
  }
}

/** Every public operation, so a missing permission shows up in at least one of them. */
async function exercise(store: RedisMemory): Promise<void> {
  await store.saveContext('a', 'ctx', { v: 1 }, { ttl: 600 });
  await store.saveContext('p', 'ctx', 'forever', { ttl: null });
  await store.bulkSave({ b: 2, c: 3 }, 'ctx', { ttl: 600 });
  await store.bulkSave({ p: 'finite now' }, 'ctx', { ttl: 600 });
  await store.saveContext('p', 'ctx', 'forever', { ttl: null });
  expect(await store.loadContext('a', 'ctx')).toEqual({ v: 1 });
  expect(await store.loadEntry('b', 'ctx')).toMatchObject({ value: 2 });
  expect({ ...(await store.bulkLoad(['b', 'c'], 'ctx')) }).toEqual({ b: 2, c: 3 });
  expect(await store.exists('a', 'ctx')).toBe(true);
  expect(await store.deleteContext('p', 'ctx')).toBe(true);
  expect(await store.clear('ctx')).toBe(3);
  await store.saveContext('a', 'other', 1);
  expect(await store.clear()).toBe(1);
  expect((await store.getStats()).totalKeys).toBe(0);
}

describe('Redis ACL: a user limited to one key prefix and the commands Engram needs', () => {
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedis({ args: ['--requirepass', ADMIN_PASSWORD] });
    admin = new Redis({ port: server.port, password: ADMIN_PASSWORD });
    await admin.call(...(aclRule('engram', ENGRAM_COMMANDS) as [string, ...string[]]));
  });
  afterAll(async () => {
    await getConnectionManager().closeAll();
    await admin.quit();
    await server.stop();
  });

  const url = (user: string, password = USER_PASSWORD) => `redis://${user}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/0`;

  it('Engram works within its prefix (every operation)', async () => {
    const store = new RedisMemory({ url: url('engram'), keyPrefix: PREFIX });
    try {
      await exercise(store);
    } finally {
      await store.close();
    }
  });

  it('the same user and options given as fields work too', async () => {
    const store = new RedisMemory({ port: server.port, username: 'engram', password: USER_PASSWORD, keyPrefix: PREFIX });
    try {
      await store.saveContext('k', 'ctx', 1);
      expect(await store.loadContext('k', 'ctx')).toBe(1);
      await store.clear('ctx');
    } finally {
      await store.close();
    }
  });

  it('another prefix is refused by Redis (NOPERM) as a clear BACKEND_ERROR, and nothing is written', async () => {
    const store = new RedisMemory({ url: url('engram'), keyPrefix: 'tenant-b' });
    try {
      for (const run of [() => store.saveContext('k', 'ctx', 'x'), () => store.loadContext('k', 'ctx'), () => store.bulkSave({ a: 1 }, 'ctx')]) {
        const error = await failure(run());
        expect(error.code).toBe(ErrorCode.BACKEND_ERROR);
        expect(error.details).toMatchObject({ redisCode: 'NOPERM' });
        expect(error.message).toMatch(/ACL user may not/);
        expect(error.message).toMatch(/keyPrefix/);
        expectNoSecret(error);
      }
      expect(await admin.keys('tenant-b*')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a wrong password is a clear CONNECTION_ERROR that shows neither password', async () => {
    const store = new RedisMemory({ url: url('engram', 'wrong-Pa55-SECRET'), keyPrefix: PREFIX, commandTimeout: 500 });
    try {
      const error = await failure(store.saveContext('k', 'ctx', 1));
      expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
      expect(error.message).toMatch(/refused the credentials/);
      expect(error.message).toContain(`redis://engram:***@127.0.0.1:${server.port}/0`);
      expectNoSecret(error);
    } finally {
      await store.close();
    }
  });

  it('an unknown user is the same CONNECTION_ERROR', async () => {
    const store = new RedisMemory({ url: url('nobody'), keyPrefix: PREFIX, commandTimeout: 500 });
    try {
      const error = await failure(store.loadContext('k', 'ctx'));
      expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
      expectNoSecret(error);
    } finally {
      await store.close();
    }
  });

  it('every permission in the set is needed: without any one of them some operation fails with NOPERM', async () => {
    const unneeded: string[] = [];
    for (const missing of ENGRAM_COMMANDS) {
      const user = `without-${missing}`;
      await admin.call(...(aclRule(user, ENGRAM_COMMANDS.filter((c) => c !== missing)) as [string, ...string[]]));
      // EVAL is only sent when the server does not know a script yet (first use, restart, SCRIPT FLUSH).
      await admin.script('FLUSH');
      const store = new RedisMemory({ url: url(user), keyPrefix: PREFIX, commandTimeout: 1_000, circuitBreaker: false });
      try {
        await exercise(store);
        unneeded.push(missing);
      } catch (error) {
        expect(error, `without ${missing}`).toBeInstanceOf(MemoryError);
        expect(`${(error as MemoryError).message} ${JSON.stringify((error as MemoryError).details)}`, `without ${missing}`).toMatch(
          /NOPERM|credentials/,
        );
      } finally {
        await store.close();
        await admin.call('ACL', 'DELUSER', user);
        await admin.eval(`for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end`, 0, `${PREFIX}:*`);
      }
    }
    expect(unneeded).toEqual([]);
  });
});
