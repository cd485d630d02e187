import { compositeKey } from '@engram/memory-utils';
import { describe, expect, it } from 'vitest';
import { ContextCache } from '../src/context_cache.js';
import { sleep } from './support.js';

const put = (cache: ContextCache, key: string, ctx: string, value: unknown = `${ctx}/${key}`, expiresAt: number | null = null) =>
  cache.set(key, ctx, compositeKey(key, ctx), value, expiresAt);
const has = (cache: ContextCache, key: string, ctx: string) => cache.has(compositeKey(key, ctx));

describe('ContextCache (the L1 with its context index)', () => {
  it('the context index follows evictions, expiries and deletes, so it never outgrows the cache', async () => {
    const cache = new ContextCache(10, 40);
    for (let i = 0; i < 1_000; i++) put(cache, 'k', `ctx${i}`);
    expect(cache.contextCount).toBe(10);
    expect(cache.stats().evictions).toBe(990);
    put(cache, 'k', 'dead', 'v', Date.now() - 1);
    expect(cache.contextCount).toBe(10);
    await sleep(60);
    cache.purgeExpired();
    expect(cache.contextCount).toBe(0);
    put(cache, 'k', 'x');
    cache.delete(compositeKey('k', 'x'));
    expect(cache.contextCount).toBe(0);
  });

  it('deleteContext removes exactly one context, whatever its id looks like', () => {
    const cache = new ContextCache(100, null);
    const contexts = ['a', 'ab', 'a:b', '*', '1:a', '__proto__'];
    for (const ctx of contexts) for (const key of ['k', ctx, `${ctx}k`]) put(cache, key, ctx);
    expect(cache.deleteContext('a')).toBe(3);
    expect(cache.deleteContext('a')).toBe(0);
    expect(cache.deleteContext('*')).toBe(3);
    for (const ctx of contexts.filter((c) => c !== 'a' && c !== '*')) expect(has(cache, 'k', ctx)).toBe(true);
    expect(has(cache, 'k', 'a')).toBe(false);
  });

  it('deleteMatching tests keys only, in one context or all; clear counts live entries', () => {
    const cache = new ContextCache(100, null);
    put(cache, 'user:1', 'A');
    put(cache, 'user:2', 'B');
    put(cache, 'other', 'user:3');
    expect(cache.deleteMatching((key) => key.startsWith('user'), 'A')).toBe(1);
    expect(has(cache, 'user:2', 'B')).toBe(true);
    expect(cache.deleteMatching((key) => key.startsWith('user'))).toBe(1);
    expect(has(cache, 'other', 'user:3')).toBe(true);
    expect(cache.clear()).toBe(1);
    expect(cache.contextCount).toBe(0);
  });
});
