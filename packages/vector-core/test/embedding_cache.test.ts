import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@engram/memory-core';
import { computeFingerprint } from '@engram/memory-utils';
import { EmbeddingCache, HashingEmbedder, VectorStore, type Embedder } from '../src/index.js';
import { CountingEmbedder } from './support/counting_embedder.js';
import { MapMemory } from './support/map_memory.js';

describe('EmbeddingCache', () => {
  it('embeds a text once: repeated texts, in one batch or across calls, hit the cache', async () => {
    const embedder = new CountingEmbedder();
    const cache = new EmbeddingCache();
    const first = await cache.embed(embedder, ['a', 'b', 'a']);
    const second = await cache.embed(embedder, ['b', 'c', 'a']);
    expect(embedder.calls).toEqual([['a', 'b'], ['c']]);
    expect(first[0]).toEqual(first[2]);
    expect(second[2]).toEqual(first[0]);
    expect(first[0]).toEqual(new HashingEmbedder({ dimension: 64 }).embedOne('a'));
    expect(cache.stats).toMatchObject({ misses: 3, size: 3 });
  });

  it('returns copies: changing a returned vector does not change the cache', async () => {
    const embedder = new CountingEmbedder();
    const cache = new EmbeddingCache();
    const [v] = await cache.embed(embedder, ['a']);
    v!.fill(0);
    const [again] = await cache.embed(embedder, ['a']);
    expect(again!.some((x) => x !== 0)).toBe(true);
  });

  it('concurrent calls for the same text share one embedder call', async () => {
    const embedder = new CountingEmbedder(64, 20);
    const cache = new EmbeddingCache();
    const results = await Promise.all([cache.embed(embedder, ['x', 'y']), cache.embed(embedder, ['y', 'x']), cache.embed(embedder, ['x'])]);
    expect(embedder.texts).toBe(2);
    expect(results[1]![0]).toEqual(results[0]![1]);
  });

  it('is keyed by model: two embedders never share vectors', async () => {
    const a = new CountingEmbedder(64);
    const b = new CountingEmbedder(32);
    const cache = new EmbeddingCache();
    await cache.embed(a, ['same']);
    const [vb] = await cache.embed(b, ['same']);
    expect(b.texts).toBe(1);
    expect(vb!.length).toBe(32);
  });

  it('is bounded: the least recently used vector is dropped first', async () => {
    const embedder = new CountingEmbedder();
    const cache = new EmbeddingCache({ maxEntries: 2 });
    await cache.embed(embedder, ['a']);
    await cache.embed(embedder, ['b']);
    await cache.embed(embedder, ['a']); // a is now the most recent
    await cache.embed(embedder, ['c']); // evicts b
    expect(cache.stats.size).toBe(2);
    await cache.embed(embedder, ['a']);
    expect(embedder.texts).toBe(3);
    await cache.embed(embedder, ['b']);
    expect(embedder.texts).toBe(4);
  });

  it('with a backing store, a new cache (a restart) reuses stored vectors without embedding', async () => {
    const store = new MapMemory();
    const embedder = new CountingEmbedder();
    const before = await new EmbeddingCache({ store, ttl: 3600 }).embed(embedder, ['p', 'q']);
    expect(store.writes).toBe(2);
    const restarted = new EmbeddingCache({ store });
    const after = await restarted.embed(embedder, ['q', 'p', 'r']);
    expect(embedder.calls).toEqual([['p', 'q'], ['r']]);
    expect(after[0]).toEqual(before[1]);
    expect(after[1]).toEqual(before[0]);
    expect(restarted.stats).toMatchObject({ storeHits: 2, misses: 1 });
    // Vectors live in their own context, so clearing the agents' contexts leaves them alone.
    expect(await store.clear('default')).toBe(0);
    expect(await store.clear('engram:embeddings')).toBe(3);
  });

  it('ignores a stored entry of the wrong size and embeds again', async () => {
    const store = new MapMemory();
    const embedder = new CountingEmbedder();
    await new EmbeddingCache({ store, contextId: 'vectors' }).embed(embedder, ['t']);
    // The documented key: the fingerprint of (model, dimension, text).
    const key = computeFingerprint({ model: embedder.model, dimension: embedder.dimension, text: 't' });
    expect(await store.exists(key, 'vectors')).toBe(true);
    await store.saveContext(key, 'vectors', new Uint8Array(3));
    const [v] = await new EmbeddingCache({ store, contextId: 'vectors' }).embed(embedder, ['t']);
    expect(embedder.texts).toBe(2);
    expect(v!.length).toBe(64);
  });

  it('refuses bad options and embedders that break their contract', async () => {
    expect(() => new EmbeddingCache({ maxEntries: 0 })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
    expect(() => new EmbeddingCache({ ttl: 1.5 })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
    expect(() => new EmbeddingCache({ contextId: '' })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
    const short: Embedder = { model: 'short', dimension: 4, embed: async () => [] };
    await expect(new EmbeddingCache().embed(short, ['a'])).rejects.toMatchObject({ code: ErrorCode.CONFIG_ERROR });
  });

  it('an embedder failure reaches every waiting caller and is not cached', async () => {
    let fail = true;
    const flaky: Embedder = {
      model: 'flaky',
      dimension: 4,
      embed: async (texts) => {
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('model server down');
        return texts.map(() => Float32Array.from([1, 0, 0, 0]));
      },
    };
    const cache = new EmbeddingCache();
    const outcomes = await Promise.allSettled([cache.embed(flaky, ['a']), cache.embed(flaky, ['a'])]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await cache.embed(flaky, ['a']))[0]).toEqual(Float32Array.from([1, 0, 0, 0]));
  });
});

describe('VectorStore with the embedding cache', () => {
  it('storing and then searching the same text calls the embedder once', async () => {
    const embedder = new CountingEmbedder();
    const store = new VectorStore({ embedder });
    await store.storeVector('agents remember things', { n: 1 });
    await store.storeVector('agents remember things', { n: 2 }, { id: 'again' });
    const results = await store.searchVectors('agents remember things');
    expect(results[0]!.score).toBeCloseTo(1, 5);
    expect(embedder.texts).toBe(1);
    const stats = await store.getStats();
    expect(stats.embeddingCacheHits).toBe(2);
    expect(stats.embeddingCacheMisses).toBe(1);
    await store.close();
  });

  it('with embeddingCache: false every call embeds', async () => {
    const embedder = new CountingEmbedder();
    const store = new VectorStore({ embedder, embeddingCache: false });
    await store.storeVector('same', {});
    await store.searchVectors('same');
    expect(embedder.texts).toBe(2);
    expect((await store.getStats()).embeddingCacheHits).toBe(0);
    await store.close();
  });

  it('a cache shared between stores embeds once for both', async () => {
    const embedder = new CountingEmbedder();
    const cache = new EmbeddingCache();
    const a = new VectorStore({ embedder, embeddingCache: cache });
    const b = new VectorStore({ embedder, embeddingCache: cache });
    await a.storeVector('shared text', {});
    await b.searchVectors('shared text');
    expect(embedder.texts).toBe(1);
    await a.close();
    await b.close();
  });
});
