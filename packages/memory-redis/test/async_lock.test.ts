import { isMemoryError } from '@engram/memory-core';
import { sleep, startRedis, type RedisServer } from '@engram/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockKeys } from '../src/lock_keys.js';
import { AsyncLock, RedisLocks } from '../src/index.js';
import { rawClient, removePrefix, uniquePrefix } from './redis_test_support.js';

const isLockError = (error: unknown) => isMemoryError(error, 'LOCK_ERROR');

describe('AsyncLock on one Redis', () => {
  const keyPrefix = uniquePrefix('lock');
  let redis: Redis;
  beforeAll(() => {
    redis = rawClient();
  });
  afterAll(async () => {
    await removePrefix(redis, keyPrefix);
    redis.disconnect();
  });

  it('escapes names into one hash tag per lock', () => {
    const keys = lockKeys('a:{b}* c', 'p');
    expect(keys.lock).toBe('p:lock:{a%3A%7Bb%7D%2A%20c}');
    expect(keys.fence).toBe('p:fence:{a%3A%7Bb%7D%2A%20c}');
  });

  it('excludes a second holder until released, then hands out a larger fencing token', async () => {
    const first = await AsyncLock.acquire(redis, 'job', { keyPrefix, ttl: 5 });
    await expect(AsyncLock.acquire(redis, 'job', { keyPrefix, retry: { count: 2, delayMs: 20 } })).rejects.toSatisfy(isLockError);
    // Another name is another lock.
    await AsyncLock.run(redis, 'other job', async () => undefined, { keyPrefix });
    await first.release();
    await first.release();
    const second = await AsyncLock.acquire(redis, 'job', { keyPrefix });
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    expect(first.held).toBe(false);
    await second.release();
  });

  it('releases at the end of an `await using` block', async () => {
    let token: number;
    {
      await using lock = await AsyncLock.acquire(redis, 'scoped', { keyPrefix });
      token = lock.fencingToken;
      expect(await redis.exists(lockKeys('scoped', keyPrefix).lock)).toBe(1);
    }
    expect(await redis.exists(lockKeys('scoped', keyPrefix).lock)).toBe(0);
    expect(token).toBeGreaterThan(0);
  });

  it('serialises concurrent run() calls and passes signal and token', async () => {
    let inside = 0;
    let maxInside = 0;
    const tokens: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, () =>
        AsyncLock.run(
          redis,
          'serial',
          async (signal, token) => {
            expect(signal.aborted).toBe(false);
            inside++;
            maxInside = Math.max(maxInside, inside);
            tokens.push(token);
            await sleep(5);
            inside--;
          },
          { keyPrefix, retry: { count: 200, delayMs: 10, jitterMs: 5 } },
        ),
      ),
    );
    expect(maxInside).toBe(1);
    expect(new Set(tokens).size).toBe(8);
  });

  it('extends the lock while the work runs longer than its ttl', async () => {
    const lock = await AsyncLock.acquire(redis, 'long', { keyPrefix, ttl: 1 });
    await sleep(1_600);
    expect(lock.signal.aborted).toBe(false);
    expect(await redis.pttl(lockKeys('long', keyPrefix).lock)).toBeGreaterThan(0);
    await expect(AsyncLock.acquire(redis, 'long', { keyPrefix, retry: { count: 0 } })).rejects.toSatisfy(isLockError);
    await lock.release();
  });

  it('aborts the signal and fails run() with LOCK_ERROR when the lock is lost', async () => {
    const lock = await AsyncLock.acquire(redis, 'lost', { keyPrefix, ttl: 1 });
    const outcome = lock.run(async (signal) => {
      // Someone else's lock replaces ours (e.g. after a failover): the next extension must fail.
      await redis.set(lockKeys('lost', keyPrefix).lock, 'intruder', 'PX', 5_000);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return 'done';
    });
    await expect(outcome).rejects.toSatisfy(isLockError);
    expect(lock.signal.reason).toSatisfy(isLockError);
    expect(() => lock.assertHeld()).toThrow(/lost/);
    // release() must not delete the intruder's lock.
    expect(await redis.get(lockKeys('lost', keyPrefix).lock)).toBe('intruder');
  });

  it('implements DistributedLocks through RedisLocks', async () => {
    const locks = new RedisLocks(redis, { keyPrefix, retryDelayMs: 10 });
    const held = await locks.acquire('provider', { ttlMs: 2_000, waitMs: 0 });
    await expect(locks.acquire('provider', { ttlMs: 2_000, waitMs: 50 })).rejects.toSatisfy(isLockError);
    await held.release();
    const again = await locks.acquire('provider', { ttlMs: 2_000, waitMs: 0 });
    expect(again.fencingToken).toBe(held.fencingToken + 1);
    await again.release();
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    for (const options of [{ ttl: 0 }, { ttl: 1.5 }, { retry: { count: -1 } }, { keyPrefix: 'a{b' }]) {
      await expect(AsyncLock.acquire(redis, 'x', options)).rejects.toSatisfy((error) => isMemoryError(error, 'INVALID_ARGUMENT'));
    }
    await expect(AsyncLock.acquire(redis, '', {})).rejects.toSatisfy((error) => isMemoryError(error, 'INVALID_ARGUMENT'));
    await expect(AsyncLock.acquire([], 'x')).rejects.toSatisfy((error) => isMemoryError(error, 'INVALID_ARGUMENT'));
  });
});

describe('AsyncLock on three independent masters (Redlock quorum)', () => {
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const server = await startRedis({ args: ['--appendonly', 'yes'] });
      servers.push(server);
      // No offline queue: a command to a dead master fails at once instead of waiting for it.
      const client = new Redis(server.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 200 });
      client.on('error', () => undefined);
      clients.push(client);
    }
    await Promise.all(clients.map((client) => (client.status === 'ready' ? undefined : new Promise((resolve) => client.once('ready', resolve)))));
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('holds on all three, still acquires with 2 of 3 after one is killed, with growing tokens', async () => {
    const first = await AsyncLock.acquire(clients, 'quorum', { ttl: 2 });
    const key = lockKeys('quorum', 'engram').lock;
    expect(await Promise.all(clients.map((client) => client.exists(key)))).toEqual([1, 1, 1]);
    await expect(AsyncLock.acquire(clients, 'quorum', { retry: { count: 1, delayMs: 10 } })).rejects.toSatisfy(isLockError);
    await first.release();

    await servers[2]!.kill();
    const second = await AsyncLock.acquire(clients, 'quorum', { ttl: 1 });
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    // Extensions also need only the majority.
    await sleep(1_500);
    expect(second.signal.aborted).toBe(false);
    await expect(AsyncLock.acquire(clients, 'quorum', { retry: { count: 1, delayMs: 10 } })).rejects.toSatisfy(isLockError);
    await second.release();

    await servers[1]!.kill();
    await expect(AsyncLock.acquire(clients, 'quorum', { retry: { count: 1, delayMs: 10 } })).rejects.toSatisfy(isLockError);
  });
});
