import { ErrorCode, MemoryError } from '@engram/memory-core';
import { generateMemoryKey } from '@engram/memory-utils';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisMemory } from '../src/index.js';
import { HEADER_BYTES, MAGIC, VERSION } from '../src/entry_format.js';
import { REDIS_URL, rawClient, removePrefix, uniquePrefix } from './redis_test_support.js';

let raw: Redis;
let prefix: string;
let store: RedisMemory;

beforeAll(() => {
  raw = rawClient();
});
afterAll(async () => {
  await raw.quit();
});
beforeEach(() => {
  prefix = uniquePrefix('bin');
  store = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix });
});
afterEach(async () => {
  await store.close();
  await removePrefix(raw, prefix);
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe(code);
  return error as MemoryError;
}

describe('values are stored as binary with an expiry header', () => {
  it('starts with the magic and version bytes, then the absolute expiry, then raw (not base64) bytes', async () => {
    const payload = new Uint8Array(64).map((_, i) => (i * 37 + 11) % 256);
    await store.saveContext('blob', 'ctx', payload, { ttl: 3600 });
    const stored = (await raw.getBuffer(generateMemoryKey('blob', 'ctx', prefix)))!;
    expect(stored[0]).toBe(MAGIC);
    expect(stored[1]).toBe(VERSION);
    const entry = (await store.loadEntry('blob', 'ctx'))!;
    expect(Number(stored.readBigUInt64BE(2))).toBe(entry.expiresAt);
    // The exact bytes sit in the stored value: no base64, hex or JSON array in between.
    expect(stored.indexOf(Buffer.from(payload), HEADER_BYTES)).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(HEADER_BYTES + payload.length + 16);
    expect(() => JSON.parse(stored.toString('utf8'))).toThrow();
  });

  it('writes expiry 0 for a value that never expires, and Redis holds no TTL for it', async () => {
    await store.saveContext('forever', 'ctx', 'x', { ttl: null });
    const key = generateMemoryKey('forever', 'ctx', prefix);
    const stored = (await raw.getBuffer(key))!;
    expect(stored.readBigUInt64BE(2)).toBe(0n);
    expect(await raw.pttl(key)).toBe(-1);
    expect(await store.loadEntry('forever', 'ctx')).toEqual({ value: 'x', expiresAt: null });
  });

  it('gives the Redis key the same TTL as the header says', async () => {
    await store.saveContext('hour', 'ctx', 1, { ttl: 3600 });
    const key = generateMemoryKey('hour', 'ctx', prefix);
    const pttl = await raw.pttl(key);
    expect(pttl).toBeGreaterThan(3_590_000);
    expect(pttl).toBeLessThanOrEqual(3_600_000);
    const { expiresAt } = (await store.loadEntry('hour', 'ctx'))!;
    expect(Math.abs(expiresAt! - (Date.now() + pttl))).toBeLessThan(2_000);
  });

  it('the longest TTL resolveTtl accepts is stored exactly, and the index outlives it', async () => {
    const longest = Math.floor(Number.MAX_SAFE_INTEGER / 1000);
    await store.saveContext('far', 'ctx', 1, { ttl: longest });
    await store.bulkSave({ far2: 2 }, 'ctx', { ttl: longest });
    const key = generateMemoryKey('far', 'ctx', prefix);
    const expireTime = await raw.pexpiretime(key);
    expect(expireTime).toBeGreaterThan(Date.now() + (longest - 10) * 1000);
    expect(await raw.pexpiretime(`${prefix}:i:{ctx}`)).toBeGreaterThanOrEqual(expireTime);
    expect((await store.loadEntry('far', 'ctx'))!.expiresAt).toBeGreaterThan(Date.now() + (longest - 10) * 1000);
    expect(await store.clear('ctx')).toBe(2);
  });

  it('uses the store default TTL when a save passes none', async () => {
    const short = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix, defaultTtl: 60 });
    const never = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix, defaultTtl: null });
    try {
      await short.saveContext('a', 'ctx', 1);
      await never.saveContext('b', 'ctx', 2);
      await store.saveContext('c', 'ctx', 3);
      const pttlA = await raw.pttl(generateMemoryKey('a', 'ctx', prefix));
      expect(pttlA).toBeGreaterThan(55_000);
      expect(pttlA).toBeLessThanOrEqual(60_000);
      expect(await raw.pttl(generateMemoryKey('b', 'ctx', prefix))).toBe(-1);
      expect(await raw.pttl(generateMemoryKey('c', 'ctx', prefix))).toBeGreaterThan(86_390_000);
    } finally {
      await short.close();
      await never.close();
    }
  });
});

describe('bytes Engram did not write are refused with SERIALIZATION_ERROR', () => {
  const cases: Array<[string, () => Buffer]> = [
    ['a plain string', () => Buffer.from('hello')],
    ['JSON text', () => Buffer.from('{"a":1}')],
    ['an empty value', () => Buffer.alloc(0)],
    ['a header alone', () => Buffer.from([MAGIC, VERSION, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['an unknown format version', () => Buffer.from([MAGIC, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0])],
    ['a valid header over garbage', () => Buffer.from([MAGIC, VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xff, 0x13])],
  ];
  for (const [label, bytes] of cases) {
    it(`${label}: loadContext, loadEntry and bulkLoad all refuse it`, async () => {
      await raw.set(generateMemoryKey('k', 'ctx', prefix), bytes());
      await expectCode(store.loadContext('k', 'ctx'), ErrorCode.SERIALIZATION_ERROR);
      await expectCode(store.loadEntry('k', 'ctx'), ErrorCode.SERIALIZATION_ERROR);
      await expectCode(store.bulkLoad(['k'], 'ctx'), ErrorCode.SERIALIZATION_ERROR);
    });
  }

  it('a valid Engram value with a different first byte is refused', async () => {
    await store.saveContext('k', 'ctx', 'fine');
    const key = generateMemoryKey('k', 'ctx', prefix);
    const stored = Buffer.from((await raw.getBuffer(key))!);
    stored[0] = 0x7b;
    await raw.set(key, stored);
    await expectCode(store.loadContext('k', 'ctx'), ErrorCode.SERIALIZATION_ERROR);
  });

  it('a truncated Engram value (bytes cut off) is refused, not misread', async () => {
    await store.saveContext('k', 'ctx', { list: [1, 2, 3], name: 'truncate me' });
    const key = generateMemoryKey('k', 'ctx', prefix);
    const stored = (await raw.getBuffer(key))!;
    await raw.set(key, stored.subarray(0, stored.length - 3));
    await expectCode(store.loadContext('k', 'ctx'), ErrorCode.SERIALIZATION_ERROR);
  });

  it('a foreign value under an index key is reported as a prefix clash, not written through', async () => {
    await raw.set(`${prefix}:i:{ctx}`, 'not a sorted set');
    const error = await expectCode(store.saveContext('k', 'ctx', 1), ErrorCode.BACKEND_ERROR);
    expect(error.message).toMatch(/keyPrefix/);
    expect(await raw.exists(generateMemoryKey('k', 'ctx', prefix))).toBe(0);
    await expectCode(store.bulkSave({ a: 1, b: 2 }, 'ctx'), ErrorCode.BACKEND_ERROR);
    expect(await raw.exists(generateMemoryKey('a', 'ctx', prefix))).toBe(0);
  });
});
