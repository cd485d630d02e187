import { ErrorCode } from '@engram/memory-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TTLCache, type TTLCacheRemoveReason } from '../src/index.js';
import { expectCode, sleep } from './support.js';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Spinning on purpose: no timer or I/O callback may run in between.
  }
}

describe('TTLCache', () => {
  it('is a strict LRU: after 3 sets into maxSize 2 the least recently used is gone', () => {
    const cache = new TTLCache<number>({ maxSize: 2, ttlMs: null });
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect([...cache.keys()]).toEqual(['c', 'a']);
    expect(cache.stats()).toEqual({ size: 2, maxSize: 2, hits: 1, misses: 1, evictions: 1 });
  });

  it('property: behaves like a reference LRU under any sequence of set, get and delete', () => {
    type Op = { op: 'set' | 'get' | 'delete'; key: string; value: number };
    const opArbitrary: fc.Arbitrary<Op> = fc.record({
      op: fc.constantFrom('set', 'get', 'delete'),
      key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      value: fc.integer(),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(opArbitrary, { maxLength: 60 }), (maxSize, ops) => {
        const cache = new TTLCache<number>({ maxSize, ttlMs: 60_000 });
        const model = new Map<string, number>(); // insertion order = recency, oldest first
        for (const { op, key, value } of ops) {
          if (op === 'set') {
            model.delete(key);
            model.set(key, value);
            if (model.size > maxSize) model.delete(model.keys().next().value!);
            cache.set(key, value);
          } else if (op === 'get') {
            const expected = model.get(key);
            if (expected !== undefined) {
              model.delete(key);
              model.set(key, expected);
            }
            expect(cache.get(key)).toBe(expected);
          } else {
            expect(cache.delete(key)).toBe(model.delete(key));
          }
        }
        expect([...cache.keys()]).toEqual([...model.keys()].reverse());
      }),
    );
  });

  it('never returns an expired entry, even in a long synchronous stretch', () => {
    const cache = new TTLCache<string>({ maxSize: 10, ttlMs: 20 });
    cache.set('k', 'v');
    expect(cache.get('k')).toBe('v');
    // With lru-cache's default ttlResolution the clock reading is cached until a timer runs,
    // which cannot happen here: the entry would still be served.
    busyWait(40);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.has('k')).toBe(false);
  });

  it('an entry never outlives expiresAt, and ttlMs per entry overrides the default', async () => {
    const cache = new TTLCache<string>({ maxSize: 10, ttlMs: 60_000 });
    cache.set('bounded', 'v', { expiresAt: Date.now() + 50 });
    cache.set('short', 'v', { ttlMs: 50 });
    cache.set('forever', 'v', { ttlMs: null });
    cache.set('late bound', 'v', { ttlMs: 50, expiresAt: Date.now() + 60_000 });
    cache.set('default', 'v');
    await sleep(80);
    expect(cache.get('bounded')).toBeUndefined();
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('late bound')).toBeUndefined();
    expect(cache.get('forever')).toBe('v');
    expect(cache.get('default')).toBe('v');
  });

  it('a set with an expiresAt already past removes the key instead of storing it', () => {
    const removed: Array<[string, TTLCacheRemoveReason]> = [];
    const cache = new TTLCache<string>({ maxSize: 10, ttlMs: 1_000, onRemove: (key, _v, reason) => removed.push([key, reason]) });
    cache.set('k', 'old');
    cache.set('k', 'new', { expiresAt: Date.now() - 1 });
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(removed).toEqual([['k', 'delete']]);
  });

  it('stores null and falsy values; refuses undefined', async () => {
    const cache = new TTLCache<unknown>({ maxSize: 10, ttlMs: 1_000 });
    cache.set('null', null).set('zero', 0).set('empty', '').set('false', false);
    expect(cache.get('null')).toBeNull();
    expect(cache.get('zero')).toBe(0);
    expect(cache.get('empty')).toBe('');
    expect(cache.get('false')).toBe(false);
    expect(cache.has('null')).toBe(true);
    await expectCode(() => cache.set('u', undefined), ErrorCode.INVALID_ARGUMENT);
  });

  it('reports removals by reason (not overwrites) and counts evictions', async () => {
    const removed: string[] = [];
    const cache = new TTLCache<number>({ maxSize: 2, ttlMs: 30, onRemove: (key, value, reason) => removed.push(`${key}=${value}:${reason}`) });
    cache.set('a', 1).set('a', 2).set('b', 3).set('c', 4);
    expect(cache.delete('b')).toBe(true);
    expect(cache.delete('b')).toBe(false);
    await sleep(50);
    expect(cache.get('c')).toBeUndefined();
    cache.set('d', 5);
    cache.clear();
    expect(removed).toEqual(['a=2:evict', 'b=3:delete', 'c=4:expire', 'd=5:delete']);
    expect(cache.stats().evictions).toBe(1);
  });

  it('purgeExpired drops expired entries without a read; keys() lists only live ones', async () => {
    const cache = new TTLCache<number>({ maxSize: 10, ttlMs: 30 });
    cache.set('old', 1);
    await sleep(50);
    cache.set('new', 2);
    expect([...cache.keys()]).toEqual(['new']);
    expect(cache.size).toBe(2);
    expect(cache.purgeExpired()).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    for (const maxSize of [0, -1, 1.5, Number.NaN, '10']) {
      await expectCode(() => new TTLCache({ maxSize: maxSize as number, ttlMs: 1 }), ErrorCode.INVALID_ARGUMENT);
    }
    for (const ttlMs of [0, -5, 2.5, Number.POSITIVE_INFINITY]) {
      await expectCode(() => new TTLCache({ maxSize: 1, ttlMs }), ErrorCode.INVALID_ARGUMENT);
      await expectCode(() => new TTLCache<number>({ maxSize: 1, ttlMs: null }).set('k', 1, { ttlMs }), ErrorCode.INVALID_ARGUMENT);
    }
    await expectCode(() => new TTLCache<number>({ maxSize: 1, ttlMs: null }).set('k', 1, { expiresAt: Number.NaN }), ErrorCode.INVALID_ARGUMENT);
  });
});
