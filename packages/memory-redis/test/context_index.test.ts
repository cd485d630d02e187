import { escapeKeyPart, generateMemoryKey } from '@engram/memory-utils';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisMemory } from '../src/index.js';
import { REDIS_URL, keysUnder, rawClient, removePrefix, uniquePrefix } from './redis_test_support.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let raw: Redis;
let prefix: string;
let store: RedisMemory;
const extraPrefixes: string[] = [];

beforeAll(() => {
  raw = rawClient();
});
afterAll(async () => {
  await raw.quit();
});
beforeEach(() => {
  prefix = uniquePrefix('idx');
  store = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix });
});
afterEach(async () => {
  await store.close();
  await removePrefix(raw, prefix);
  for (const other of extraPrefixes.splice(0)) await removePrefix(raw, other);
});

const indexKey = (ctx: string, p = prefix) => `${p}:i:{${escapeKeyPart(ctx)}}`;

describe('the per-context index', () => {
  it('lists every saved key of the context, scored by expiry', async () => {
    await store.saveContext('a', 'ctx', 1, { ttl: 60 });
    await store.bulkSave({ 'b:*': 2, c: 3 }, 'ctx', { ttl: null });
    const entries = await raw.zrange(indexKey('ctx'), '0', '-1', 'WITHSCORES');
    const scores = Object.fromEntries(entries.flatMap((v, i, all) => (i % 2 === 0 ? [[v, all[i + 1]]] : [])));
    expect(Object.keys(scores).sort()).toEqual([escapeKeyPart('a'), escapeKeyPart('b:*'), 'c'].sort());
    expect(scores[escapeKeyPart('b:*')]).toBe('inf');
    expect(Number(scores.a)).toBeGreaterThan(Date.now() + 50_000);
  });

  it('prunes a member whose value expired when the context is next written', async () => {
    await store.saveContext('short', 'ctx', 1, { ttl: 1 });
    expect(await raw.zscore(indexKey('ctx'), 'short')).not.toBeNull();
    await sleep(1_200);
    await store.saveContext('other', 'ctx', 2, { ttl: 60 });
    expect(await raw.zscore(indexKey('ctx'), 'short')).toBeNull();
    expect(await raw.zscore(indexKey('ctx'), 'other')).not.toBeNull();
  });

  it('has an expiry once no member is persistent, at least as late as every member', async () => {
    await store.saveContext('p', 'ctx', 1, { ttl: null });
    await store.saveContext('t', 'ctx', 2, { ttl: 120 });
    expect(await raw.pttl(indexKey('ctx'))).toBe(-1);

    await store.deleteContext('p', 'ctx');
    const afterDelete = await raw.pexpiretime(indexKey('ctx'));
    expect(afterDelete).toBeGreaterThan(0);
    expect(afterDelete).toBeGreaterThanOrEqual(await raw.pexpiretime(generateMemoryKey('t', 'ctx', prefix)));

    await store.saveContext('q', 'ctx', 3, { ttl: null });
    expect(await raw.pttl(indexKey('ctx'))).toBe(-1);
    await store.saveContext('q', 'ctx', 3, { ttl: 300 });
    expect(await raw.pexpiretime(indexKey('ctx'))).toBeGreaterThanOrEqual(
      await raw.pexpiretime(generateMemoryKey('q', 'ctx', prefix)),
    );
  });

  it('disappears with the last member: deleting or clearing leaves no key behind', async () => {
    await store.saveContext('only', 'ctx', 1);
    await store.deleteContext('only', 'ctx');
    expect(await raw.exists(indexKey('ctx'))).toBe(0);
    await store.bulkSave({ a: 1, b: 2 }, 'ctx2', { ttl: null });
    expect(await store.clear('ctx2')).toBe(2);
    expect(await keysUnder(raw, prefix)).toEqual([]);
  });

  it('handles contexts larger than one script slice (500)', async () => {
    const entries = new Map(Array.from({ length: 1_234 }, (_, i) => [`k${i}`, i]));
    await store.bulkSave(entries, 'big', { ttl: null });
    expect(await raw.zcard(indexKey('big'))).toBe(1_234);
    expect(await raw.pttl(indexKey('big'))).toBe(-1);
    await store.bulkSave(entries, 'big', { ttl: 600 });
    expect(await raw.pexpiretime(indexKey('big'))).toBeGreaterThanOrEqual(
      await raw.pexpiretime(generateMemoryKey('k1233', 'big', prefix)),
    );
    expect(await store.clear('big')).toBe(1_234);
    expect(await keysUnder(raw, prefix)).toEqual([]);
  });

  it('property: after any sequence of saves and deletes, index and values agree', async () => {
    const keyArb = fc.constantFrom('a', 'b', 'c:d', '{x}', '*');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('save' as const), key: keyArb, ttl: fc.constantFrom<number | null>(null, 30, 600, 3600) }),
      fc.record({ kind: fc.constant('bulk' as const), keys: fc.uniqueArray(keyArb, { maxLength: 3 }), ttl: fc.constantFrom<number | null>(null, 60) }),
      fc.record({ kind: fc.constant('delete' as const), key: keyArb }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const ctx = `prop-${run++}`;
        for (const o of ops) {
          if (o.kind === 'save') await store.saveContext(o.key, ctx, o.key, { ttl: o.ttl });
          else if (o.kind === 'bulk') await store.bulkSave(Object.fromEntries(o.keys.map((k) => [k, k])), ctx, { ttl: o.ttl });
          else await store.deleteContext(o.key, ctx);
        }
        const members = (await raw.zrange(indexKey(ctx), '0', '-1')).sort();
        const live: string[] = [];
        let anyPersistent = false;
        let latest = 0;
        for (const key of ['a', 'b', 'c:d', '{x}', '*']) {
          const redisKey = generateMemoryKey(key, ctx, prefix);
          const expireTime = await raw.pexpiretime(redisKey);
          if (expireTime === -2) continue;
          live.push(escapeKeyPart(key));
          if (expireTime === -1) anyPersistent = true;
          else latest = Math.max(latest, expireTime);
        }
        expect(members).toEqual(live.sort());
        const indexExpiry = await raw.pexpiretime(indexKey(ctx));
        if (live.length === 0) expect(indexExpiry).toBe(-2);
        else if (anyPersistent) expect(indexExpiry).toBe(-1);
        else expect(indexExpiry).toBeGreaterThanOrEqual(latest);
        expect(await store.clear(ctx)).toBe(live.length);
        expect(await raw.exists(indexKey(ctx))).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});

describe('clear', () => {
  it('clear(ctx) touches neither other contexts nor other prefixes holding the same ids', async () => {
    const other = uniquePrefix('idx-other');
    extraPrefixes.push(other);
    const neighbour = new RedisMemory({ url: REDIS_URL, keyPrefix: other });
    try {
      await store.bulkSave({ k: 1, j: 2 }, 'ctx');
      await store.saveContext('k', 'ctx-2', 3);
      await neighbour.bulkSave({ k: 1, j: 2 }, 'ctx');
      expect(await store.clear('ctx')).toBe(2);
      expect(await neighbour.bulkLoad(['k', 'j'], 'ctx')).toEqual(Object.assign(Object.create(null), { k: 1, j: 2 }));
      expect(await store.loadContext('k', 'ctx-2')).toBe(3);
      expect(await raw.exists(indexKey('ctx', other))).toBe(1);
    } finally {
      await neighbour.close();
    }
  });

  it('clear(ctx) counts only live values: an expired key is not reported as removed', async () => {
    await store.saveContext('short', 'ctx', 1, { ttl: 1 });
    await store.saveContext('long', 'ctx', 2, { ttl: 60 });
    await sleep(1_200);
    expect(await store.clear('ctx')).toBe(1);
  });

  it('clear() removes only this prefix, not a longer prefix that starts with it', async () => {
    const nested = `${prefix}:nested`;
    extraPrefixes.push(nested);
    const inner = new RedisMemory({ url: REDIS_URL, keyPrefix: nested });
    try {
      await store.bulkSave({ a: 1, b: 2 }, 'ctx');
      await store.saveContext('a', 'ctx-2', 1);
      await inner.bulkSave({ a: 1, b: 2 }, 'ctx');
      await raw.set(`${prefix}:unrelated`, 'not ours');
      expect(await store.clear()).toBe(3);
      expect(await inner.bulkLoad(['a', 'b'], 'ctx')).toEqual(Object.assign(Object.create(null), { a: 1, b: 2 }));
      expect(await raw.get(`${prefix}:unrelated`)).toBe('not ours');
      expect((await keysUnder(raw, prefix)).filter((k) => !k.startsWith(`${nested}:`))).toEqual([`${prefix}:unrelated`]);
    } finally {
      await inner.close();
    }
  });

  it('clear() walks past one SCAN batch', async () => {
    const entries = new Map<string, number>();
    for (let i = 0; i < 2_500; i++) entries.set(`k${i}`, i);
    await store.bulkSave(entries, 'big');
    for (let c = 0; c < 30; c++) await store.saveContext('k', `small-${c}`, c);
    expect(await store.clear()).toBe(2_530);
    expect(await keysUnder(raw, prefix)).toEqual([]);
  });

  it('getStats counts the value keys of this prefix only', async () => {
    const other = uniquePrefix('idx-stats');
    extraPrefixes.push(other);
    const neighbour = new RedisMemory({ url: REDIS_URL, keyPrefix: other });
    try {
      await store.bulkSave({ a: 1, b: 2, c: 3 }, 'ctx');
      await store.saveContext('a', 'ctx-2', 1);
      await neighbour.bulkSave({ a: 1, b: 2 }, 'ctx');
      const stats = await store.getStats();
      expect(stats.totalKeys).toBe(4);
      expect(stats.backend).toBe('redis');
      expect(stats.redisVersion).toMatch(/^\d+\.\d+/);
      expect(stats.usedMemoryBytes).toBeGreaterThan(0);
      expect(stats.connectedClients).toBeGreaterThanOrEqual(1);
      expect(typeof stats.keyspaceHits).toBe('number');
    } finally {
      await neighbour.close();
    }
  });
});
