import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { HashingEmbedder, VectorStore, type BackendHit } from '@engram/vector-core';
import { HnswBackend } from '../src/index.js';
import { codeOf, dataset, filter, queries, spec, tempDirs } from './support.js';

const DIM = 16;
const c = spec(DIM);
const tempDir = tempDirs();
const meta = (i: number) => ({ bucket: `b${i % 20}`, n: i % 100, tags: i % 3 === 0 ? ['x'] : [] });
const snapshotOf = (hits: BackendHit[]) => hits.map((h) => ({ id: h.id, score: h.score, metadata: h.metadata }));

describe('persistence under storageDir', () => {
  it('close and reopen: the same searches give the same results, and freed slots are still reused', async () => {
    const dir = await tempDir();
    const { records } = dataset(3_000, DIM, 31, meta);
    const first = new HnswBackend({ storageDir: dir, initialCapacity: 1_000 });
    await first.open(c);
    await first.upsert(c, 'a', records.slice(0, 2_500));
    await first.upsert(c, 'b', records.slice(2_500));
    await first.delete(c, 'a', records.slice(0, 40).map((r) => r.id));
    const probes: Array<[string, Record<string, unknown> | undefined]> = [
      ['a', undefined],
      ['b', undefined],
      ['a', { bucket: 'b3' }],
      ['a', { n: { $lt: 50 } }],
      ['b', { tags: 'x' }],
    ];
    const qs = queries(8, DIM, 32);
    const search = async (backend: HnswBackend) => {
      const out = [];
      for (const [ctx, f] of probes) for (const q of qs) out.push(snapshotOf(await backend.search(c, ctx, q, { k: 10, filter: filter(f) })));
      return out;
    };
    const before = await search(first);
    const statsBefore = await first.stats();
    await first.close();

    const second = new HnswBackend({ storageDir: dir, initialCapacity: 1_000 });
    await second.open(c);
    expect(await search(second)).toEqual(before);
    const statsAfter = await second.stats();
    for (const key of ['vectors', 'contexts', 'capacity', 'freeSlots']) expect(statsAfter[key], key).toBe(statsBefore[key]);
    expect(statsAfter.freeSlots).toBe(40);
    expect(await second.count(c, 'a')).toBe(2_460);
    // The 40 freed slots are reused after the reload: no growth.
    await second.upsert(c, 'c', records.slice(0, 40));
    expect(await second.stats()).toMatchObject({ freeSlots: 0, capacity: statsBefore.capacity, vectors: 3_000 });
    await second.close();
  });

  it('persist() writes a new generation and removes the old one; an unchanged collection is not rewritten', async () => {
    const dir = await tempDir();
    const { records } = dataset(50, DIM, 33);
    const backend = new HnswBackend({ storageDir: dir });
    await backend.open(c);
    await backend.upsert(c, 'a', records.slice(0, 25));
    await backend.persist();
    expect((await readdir(dir)).sort()).toEqual(['c.1.hnsw', 'c.hnsw-manifest']);
    const written = (await stat(join(dir, 'c.hnsw-manifest'))).mtimeMs;
    await backend.persist();
    expect((await stat(join(dir, 'c.hnsw-manifest'))).mtimeMs).toBe(written);
    await backend.upsert(c, 'a', records.slice(25));
    await backend.close();
    expect((await readdir(dir)).sort()).toEqual(['c.2.hnsw', 'c.hnsw-manifest']);
    const reopened = new HnswBackend({ storageDir: dir });
    await reopened.open(c);
    expect(await reopened.count(c)).toBe(50);
    await reopened.close();
  });

  it('a crash between writing the index and the manifest leaves the previous state, and its debris is cleaned up', async () => {
    const dir = await tempDir();
    const { records } = dataset(30, DIM, 34);
    const backend = new HnswBackend({ storageDir: dir });
    await backend.open(c);
    await backend.upsert(c, 'a', records.slice(0, 20));
    await backend.close();
    // What a crash mid-persist leaves: a next-generation index and temp files, the manifest untouched.
    await writeFile(join(dir, 'c.2.hnsw'), 'half written');
    await writeFile(join(dir, 'c.3.hnsw.123.abcd.tmp'), 'x');
    await writeFile(join(dir, 'c.hnsw-manifest.123.abcd.tmp'), 'x');
    await writeFile(join(dir, 'other.1.hnsw'), 'another collection: left alone');
    const reopened = new HnswBackend({ storageDir: dir });
    await reopened.open(c);
    expect(await reopened.count(c, 'a')).toBe(20);
    expect((await readdir(dir)).sort()).toEqual(['c.1.hnsw', 'c.hnsw-manifest', 'other.1.hnsw']);
    await reopened.close();
  });

  it('reopening with another dimension fails with CONFIG_ERROR and leaves the files intact', async () => {
    const dir = await tempDir();
    const { records } = dataset(10, DIM, 35);
    const backend = new HnswBackend({ storageDir: dir });
    await backend.open(c);
    await backend.upsert(c, 'a', records);
    await backend.close();

    const other = new HnswBackend({ storageDir: dir });
    const error = await other.open(spec(DIM * 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.CONFIG_ERROR);
    expect((error as MemoryError).message).toMatch(/16-dimensional.*32/);
    // Through a VectorStore, whose embedder has another dimension, the first call fails the same way.
    const store = new VectorStore({ backend: other, embedder: new HashingEmbedder({ dimension: 8 }), collection: 'c' });
    expect(await codeOf(store.searchVectors('q'))).toBe(ErrorCode.CONFIG_ERROR);
    // The right dimension still opens the data.
    await other.open(c);
    expect(await other.count(c)).toBe(10);
    await other.close();
  });

  it('refuses corrupt files with VECTOR_DB_ERROR naming the file, never their contents', async () => {
    const dir = await tempDir();
    const { records } = dataset(200, DIM, 36, () => ({ secret: 'hunter2' }));
    const backend = new HnswBackend({ storageDir: dir });
    await backend.open(c);
    await backend.upsert(c, 'a', records);
    await backend.close();
    const indexFile = join(dir, 'c.1.hnsw');
    const manifest = join(dir, 'c.hnsw-manifest');
    const good = await readFile(manifest);

    const openError = async () => {
      const error = (await new HnswBackend({ storageDir: dir }).open(c).catch((e: unknown) => e)) as MemoryError;
      expect(error).toBeInstanceOf(MemoryError);
      expect(error.code).toBe(ErrorCode.VECTOR_DB_ERROR);
      expect(error.message).toContain('c.hnsw-manifest');
      expect(error.message).not.toContain('hunter2');
      return error;
    };
    await writeFile(manifest, good.subarray(0, good.length - 20));
    await openError();
    await writeFile(manifest, good);
    const size = (await stat(indexFile)).size;
    await truncate(indexFile, Math.floor(size / 2));
    await openError();
  });

  it('works through VectorStore({ vectorDbType: "hnsw", storageDir })', async () => {
    const dir = await tempDir();
    const store = new VectorStore({ vectorDbType: 'hnsw', storageDir: dir, backendOptions: { M: 8 }, dimension: 64 });
    await store.storeVectors([
      { text: 'natural language processing lets computers understand human language', metadata: { topic: 'nlp' } },
      { text: 'databases store rows on disk', metadata: { topic: 'db' } },
    ]);
    const stats = await store.getStats();
    expect(stats).toMatchObject({ backend: 'hnsw', M: 8, totalKeys: 2, persistent: true });
    await store.close();
    const again = new VectorStore({ vectorDbType: 'hnsw', storageDir: dir, dimension: 64 });
    const [best] = await again.searchVectors('computers understand language', { k: 1, filter: { topic: 'nlp' } });
    expect(best!.metadata).toEqual({ text: 'natural language processing lets computers understand human language', topic: 'nlp' });
    await again.close();
  });
});
