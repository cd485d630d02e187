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
const persistentKey = (ctx: string, p = prefix) => `${p}:p:{${escapeKeyPart(ctx)}}`;
const members = async (key: string) => (await raw.smembers(key)).sort();
/** Members of the TTL index whose value is gone. */
const deadMembers = async (ctx: string) => {
  let dead = 0;
  for (const member of await raw.smembers(indexKey(ctx))) {
    if ((await raw.exists(`${prefix}:m:{${escapeKeyPart(ctx)}}:${member}`)) === 0) dead++;
  }
  return dead;
};

describe('the per-context index', () => {
  it('lists every saved key: TTL keys in the index, keys without TTL in the persistent set', async () => {
    await store.saveContext('a', 'ctx', 1, { ttl: 60 });
    await store.bulkSave({ 'b:*': 2, c: 3 }, 'ctx', { ttl: null });
    expect(await members(indexKey('ctx'))).toEqual(['a']);
    expect(await members(persistentKey('ctx'))).toEqual([escapeKeyPart('b:*'), 'c'].sort());
    expect(await raw.pttl(persistentKey('ctx'))).toBe(-1);
    // A key moves between the two when its TTL kind changes: it is never listed twice.
    await store.saveContext('c', 'ctx', 3, { ttl: 60 });
    await store.bulkSave({ a: 1 }, 'ctx', { ttl: null });
    expect(await members(indexKey('ctx'))).toEqual(['c']);
    expect(await members(persistentKey('ctx'))).toEqual([escapeKeyPart('b:*'), 'a'].sort());
  });

  it('prunes a member whose value expired when the context next gains a key', async () => {
    await store.saveContext('short', 'ctx', 1, { ttl: 1 });
    expect(await raw.sismember(indexKey('ctx'), 'short')).toBe(1);
    await sleep(1_200);
    await store.saveContext('other', 'ctx', 2, { ttl: 60 });
    expect(await raw.sismember(indexKey('ctx'), 'short')).toBe(0);
    expect(await raw.sismember(indexKey('ctx'), 'other')).toBe(1);
  });

  it('keeps dead members a minority of a busy context whose keys keep expiring (sampled pruning)', async () => {
    await store.saveContext('anchor', 'busy', 0, { ttl: 60 }); // keeps the index alive past the others
    await store.bulkSave(new Map(Array.from({ length: 200 }, (_, i) => [`old-${i}`, i])), 'busy', { ttl: 1 });
    await sleep(1_200);
    expect(await deadMembers('busy')).toBe(200);
    // Two random members checked per added key: ~2·ln(2.5) ≈ 1.8 e-foldings over these 300 saves, ~30 dead left.
    for (let i = 0; i < 300; i++) await store.saveContext(`new-${i}`, 'busy', i, { ttl: 60 });
    expect(await deadMembers('busy')).toBeLessThan(100);
    expect(await raw.scard(indexKey('busy'))).toBeLessThan(401);
    // A bulk that adds as many keys as the index holds checks every member.
    await store.bulkSave(new Map(Array.from({ length: 400 }, (_, i) => [`bulk-${i}`, i])), 'busy', { ttl: 60 });
    expect(await deadMembers('busy')).toBe(0);
    expect(await raw.scard(indexKey('busy'))).toBe(701);
  });

  it('the TTL index outlives every member; the persistent set never expires and holds only keys without TTL', async () => {
    await store.saveContext('p', 'ctx', 1, { ttl: null });
    await store.saveContext('t', 'ctx', 2, { ttl: 120 });
    await store.saveContext('u', 'ctx', 2, { ttl: 30 });
    expect(await raw.pttl(persistentKey('ctx'))).toBe(-1);
    expect(await raw.pexpiretime(indexKey('ctx'))).toBeGreaterThanOrEqual(await raw.pexpiretime(generateMemoryKey('t', 'ctx', prefix)));

    await store.deleteContext('p', 'ctx');
    expect(await raw.exists(persistentKey('ctx'))).toBe(0);

    await store.saveContext('q', 'ctx', 3, { ttl: null });
    expect(await raw.pttl(persistentKey('ctx'))).toBe(-1);
    await store.saveContext('q', 'ctx', 3, { ttl: 300 });
    expect(await raw.exists(persistentKey('ctx'))).toBe(0);
    expect(await raw.pexpiretime(indexKey('ctx'))).toBeGreaterThanOrEqual(
      await raw.pexpiretime(generateMemoryKey('q', 'ctx', prefix)),
    );
  });

  it('an abandoned context leaves nothing behind once its values expire', async () => {
    await store.saveContext('a', 'gone', 1, { ttl: 1 });
    await store.bulkSave({ b: 2, c: 3 }, 'gone', { ttl: 1 });
    await store.saveContext('d', 'gone', 4, { ttl: null });
    await store.saveContext('d', 'gone', 4, { ttl: 1 });
    await sleep(1_300);
    expect(await keysUnder(raw, prefix)).toEqual([]);
  });

  it('disappears with the last member: deleting or clearing leaves no key behind', async () => {
    await store.saveContext('only', 'ctx', 1);
    await store.deleteContext('only', 'ctx');
    expect(await raw.exists(indexKey('ctx'))).toBe(0);
    await store.bulkSave({ a: 1, b: 2 }, 'ctx2', { ttl: null });
    await store.saveContext('c', 'ctx2', 3, { ttl: 60 });
    expect(await store.clear('ctx2')).toBe(3);
    expect(await keysUnder(raw, prefix)).toEqual([]);
  });

  it('handles contexts larger than one script slice (500)', async () => {
    const entries = new Map(Array.from({ length: 1_234 }, (_, i) => [`k${i}`, i]));
    await store.bulkSave(entries, 'big', { ttl: null });
    expect(await raw.scard(persistentKey('big'))).toBe(1_234);
    expect(await raw.pttl(persistentKey('big'))).toBe(-1);
    await store.bulkSave(entries, 'big', { ttl: 600 });
    expect(await raw.exists(persistentKey('big'))).toBe(0);
    expect(await raw.scard(indexKey('big'))).toBe(1_234);
    expect(await raw.pexpiretime(indexKey('big'))).toBeGreaterThanOrEqual(
      await raw.pexpiretime(generateMemoryKey('k1233', 'big', prefix)),
    );
    expect(await store.clear('big')).toBe(1_234);
    expect(await keysUnder(raw, prefix)).toEqual([]);
  });

  it('never misses a live key when saves and clear(ctx) race on several connections', async () => {
    const pooled = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix, poolSize: 4 });
    try {
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 400; i++) {
        const key = `k${i % 40}`;
        if (i % 25 === 0) work.push(pooled.clear('race'));
        else if (i % 3 === 0) work.push(pooled.bulkSave({ [key]: i, [`b${i % 7}`]: i }, 'race', { ttl: i % 2 === 0 ? null : 60 }));
        else work.push(pooled.saveContext(key, 'race', i, { ttl: i % 2 === 0 ? null : 60 }));
      }
      await Promise.all(work);
      const listed = new Set([...(await raw.smembers(indexKey('race'))), ...(await raw.smembers(persistentKey('race')))]);
      const live = (await keysUnder(raw, prefix)).filter((k) => k.includes(':m:'));
      expect(live.length).toBeGreaterThan(0);
      for (const key of live) expect(listed.has(key.slice(key.lastIndexOf(':') + 1)), key).toBe(true);
      expect(await store.clear('race')).toBe(live.length);
      expect(await keysUnder(raw, prefix)).toEqual([]);
    } finally {
      await pooled.close();
    }
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
        const finite: string[] = [];
        const persistent: string[] = [];
        let latest = 0;
        for (const key of ['a', 'b', 'c:d', '{x}', '*']) {
          const expireTime = await raw.pexpiretime(generateMemoryKey(key, ctx, prefix));
          if (expireTime === -2) continue;
          if (expireTime === -1) persistent.push(escapeKeyPart(key));
          else {
            finite.push(escapeKeyPart(key));
            latest = Math.max(latest, expireTime);
          }
        }
        // No value expires during the run, so both sets are exact.
        expect(await members(indexKey(ctx))).toEqual(finite.sort());
        expect(await members(persistentKey(ctx))).toEqual(persistent.sort());
        if (persistent.length > 0) expect(await raw.pttl(persistentKey(ctx))).toBe(-1);
        if (finite.length > 0) expect(await raw.pexpiretime(indexKey(ctx))).toBeGreaterThanOrEqual(latest);
        expect(await store.clear(ctx)).toBe(finite.length + persistent.length);
        expect(await raw.exists(indexKey(ctx), persistentKey(ctx))).toBe(0);
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
      expect(await neighbour.clear('ctx')).toBe(2);
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
