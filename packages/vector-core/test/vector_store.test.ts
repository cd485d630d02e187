import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { HashingEmbedder, MemoryBackend, VectorStore, collectionNameFor, type Embedder } from '../src/index.js';
import { CountingEmbedder } from './support/counting_embedder.js';

const DOCS = [
  { text: 'Machine learning is a subset of artificial intelligence that enables systems to learn from data', topic: 'ml' },
  { text: 'Natural language processing helps computers understand and generate human language', topic: 'nlp' },
  { text: 'Computer vision enables machines to interpret and understand visual information from the world', topic: 'cv' },
  { text: 'Deep learning uses neural networks with many layers to model complex patterns', topic: 'dl' },
];

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (e instanceof MemoryError ? e.code : `not a MemoryError: ${String(e)}`),
  );
}

describe('VectorStore: the documented example', () => {
  it('plain and filtered search over the four AI documents', async () => {
    const store = new VectorStore();
    for (const doc of DOCS) await store.storeVector(doc.text, { category: 'ai', topic: doc.topic });
    await store.storeVector('Redis keeps hot data in memory', { category: 'db', topic: 'redis' });

    const results = await store.searchVectors('How do computers understand human language?', { k: 3 });
    expect(results).toHaveLength(3);
    expect(results[0]!.metadata).toEqual({ text: DOCS[1]!.text, category: 'ai', topic: 'nlp' });
    expect(results[0]!.score).toBeGreaterThan(results[1]!.score + 0.2);

    const filtered = await store.searchVectors('in-memory data', { filter: { category: 'ai', topic: { $in: ['cv', 'dl'] } } });
    expect(filtered.map((r) => r.metadata.topic).sort()).toEqual(['cv', 'dl']);
    const db = await store.searchVectors('in-memory data', { k: 1, filter: { category: { $ne: 'ai' } } });
    expect(db[0]!.metadata.topic).toBe('redis');
    await store.close();
  });

  it('storeVectors embeds a whole batch with one embedder call and returns ids in order', async () => {
    const embedder = new CountingEmbedder(384);
    const store = new VectorStore({ embedder, embeddingCache: false });
    const ids = await store.storeVectors(
      [...DOCS.map((d) => ({ text: d.text, metadata: { topic: d.topic } })), { text: 'given', vector: new Array(384).fill(1), id: 'mine' }],
      { contextId: 'agent-7' },
    );
    expect(embedder.calls).toHaveLength(1);
    expect(embedder.calls[0]).toEqual(DOCS.map((d) => d.text));
    expect(ids[4]).toBe('mine');
    for (const [i, doc] of DOCS.entries()) {
      const [best] = await store.searchVectors(doc.text, { k: 1, contextId: 'agent-7' });
      expect(best!.id).toBe(ids[i]);
    }
    expect(await store.storeVectors([], { contextId: 'agent-7' })).toEqual([]);
    await store.close();
  });

  it('a bad item anywhere in a batch writes nothing and calls no embedder', async () => {
    const embedder = new CountingEmbedder(384);
    const store = new VectorStore({ embedder });
    const bad = [{ text: 'fine' }, { text: 'also fine', metadata: { nested: { no: 1 } } }];
    expect(await codeOf(store.storeVectors(bad as never, { contextId: 'c' }))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(await codeOf(store.storeVectors([{ text: 'ok' }, { text: 42 }] as never))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(await codeOf(store.storeVectors('nope' as never))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(embedder.calls).toHaveLength(0);
    expect(await store.count()).toBe(0);
    await store.close();
  });

  it('getStats reports backend, count, collection, model and dimension', async () => {
    const store = new VectorStore();
    await store.storeVectors(DOCS.map((d) => ({ text: d.text })), { contextId: 'a' });
    await store.storeVector(DOCS[0]!.text, {}, { contextId: 'b' });
    const stats = await store.getStats();
    expect(stats).toMatchObject({
      backend: 'memory',
      totalKeys: 5,
      contexts: 2,
      dimension: 384,
      model: 'engram-hashing-v1-384',
      collection: 'engram_hashing_v1_384_384',
    });
    await store.close();
  });

  it('persists with the memory backend and a storageDir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engram-store-'));
    dirs.push(dir);
    const first = new VectorStore({ storageDir: dir });
    const id = await first.storeVector(DOCS[1]!.text, { topic: 'nlp' }, { contextId: 'u1' });
    await first.persist();
    await first.close();
    const second = new VectorStore({ storageDir: dir });
    const [hit] = await second.searchVectors('computers and human language', { contextId: 'u1' });
    expect(hit).toMatchObject({ id, metadata: { topic: 'nlp' } });
    await second.close();
  });
});

describe('VectorStore: configuration', () => {
  it('derives one collection per embedding model and dimension, safe for servers', () => {
    expect(collectionNameFor('engram-hashing-v1-384', 384)).toBe('engram_hashing_v1_384_384');
    const a = collectionNameFor('text-embedding-3-small', 1536);
    const b = collectionNameFor('Text Embedding 3 Small', 1536);
    expect(a).toMatch(/^[a-z0-9_]{1,63}$/);
    expect(b).toMatch(/^[a-z0-9_]{1,63}$/);
    expect(a).not.toBe(b);
    expect(collectionNameFor('x'.repeat(200), 8).length).toBeLessThanOrEqual(63);
    expect(collectionNameFor('m', 8)).not.toBe(collectionNameFor('m', 16));
  });

  it('uses the dimension option for the default embedder and accepts vectors of that size', async () => {
    const store = new VectorStore({ dimension: 8 });
    expect(store.embedder.dimension).toBe(8);
    await store.storeVector('v', {}, { vector: [1, 0, 0, 0, 0, 0, 0, 0] });
    expect((await store.searchVectors('', { vector: [1, 1, 0, 0, 0, 0, 0, 0] }))[0]!.score).toBeCloseTo(Math.SQRT1_2, 6);
    expect(await codeOf(store.searchVectors('', { vector: [1, 0, 0] }))).toBe(ErrorCode.INVALID_ARGUMENT);
    await store.close();
  });

  it('refuses contradictory or invalid options with CONFIG_ERROR', () => {
    const cases: Array<() => unknown> = [
      () => new VectorStore({ embedder: new HashingEmbedder({ dimension: 64 }), dimension: 32 }),
      () => new VectorStore({ backend: new MemoryBackend(), vectorDbType: 'memory' }),
      () => new VectorStore({ collection: 'Has Spaces' }),
      () => new VectorStore({ embedder: { model: '', dimension: 3, embed: async () => [] } as Embedder }),
    ];
    for (const make of cases) expect(make).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_ERROR }));
    expect(() => new VectorStore({ defaultContextId: '' })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
  });

  it('an embedder returning the wrong shape is a CONFIG_ERROR naming the model', async () => {
    const broken: Embedder = { model: 'broken-model', dimension: 4, embed: async (t) => t.map(() => new Float32Array(3)) };
    const store = new VectorStore({ embedder: broken });
    const error = await store.storeVector('x').catch((e: MemoryError) => e);
    expect(error).toMatchObject({ code: ErrorCode.CONFIG_ERROR });
    expect((error as MemoryError).message).toContain('broken-model');
    await store.close();
  });

  it('a backend that throws a plain error is reported as VECTOR_DB_ERROR', async () => {
    const backend = new MemoryBackend();
    backend.search = async () => {
      throw new Error('socket hang up');
    };
    const store = new VectorStore({ backend });
    expect(await codeOf(store.searchVectors('q'))).toBe(ErrorCode.VECTOR_DB_ERROR);
    await store.close();
  });
});
