import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { parseFilter } from '@engram/vector-core';
import { FILE_SUFFIX, FaissBackend } from '../src/index.js';
import { readCollectionFile } from '../src/collection_file.js';
import { describeFaiss, faiss } from './support/faiss_gate.js';
import { ReferenceStore, record, spec, unitVector } from './support/reference.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'engram-faiss-persist-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (e instanceof MemoryError ? e.code : `not a MemoryError: ${String(e)}`),
  );
}

const match = parseFilter(undefined);

describeFaiss('faiss backend: persistence', () => {
  const c8 = spec(8, 'first');
  const c16 = spec(16, 'second');

  async function seeded(dir: string, reference: ReferenceStore): Promise<FaissBackend> {
    const backend = new FaissBackend({ storageDir: dir, binding: faiss() });
    await backend.open(c8);
    await backend.open(c16);
    for (const [c, ctx, n] of [
      [c8, 'alice', 40],
      [c8, 'bob', 3],
      [c16, 'alice', 25],
    ] as const) {
      const records = Array.from({ length: n }, (_, i) => record(`${ctx}-${i}`, unitVector(i * 7 + c.dimension, c.dimension), { i, tags: ['t'], none: null }));
      await backend.upsert(c, ctx, records);
      reference.upsert(`${c.name}/${ctx}`, records);
    }
    // Tombstones (below the compaction threshold) and a replacement must not survive as rows.
    const gone = ['alice-1', 'alice-5', 'alice-9'];
    expect(await backend.delete(c8, 'alice', gone)).toBe(3);
    reference.delete(`${c8.name}/alice`, gone);
    const replacement = record('alice-2', unitVector(999, 8), { replaced: true });
    await backend.upsert(c8, 'alice', [replacement]);
    reference.upsert(`${c8.name}/alice`, [replacement]);
    expect((await backend.stats()).tombstones).toBe(4);
    return backend;
  }

  async function expectSame(backend: FaissBackend, reference: ReferenceStore): Promise<void> {
    for (const [c, ctx] of [
      [c8, 'alice'],
      [c8, 'bob'],
      [c16, 'alice'],
    ] as const) {
      const key = `${c.name}/${ctx}`;
      expect(await backend.count(c, ctx)).toBe(reference.count(key));
      for (const seed of [1, 2, 3]) {
        const query = unitVector(seed * 101, c.dimension);
        reference.expectExact(key, query, 10, await backend.search(c, ctx, query, { k: 10, filter: match }));
      }
    }
  }

  it('reloads every collection and context after close, and later writes persist too', async () => {
    const dir = await tempDir();
    const reference = new ReferenceStore();
    const first = await seeded(dir, reference);
    await expectSame(first, reference);
    await first.close();
    expect((await readdir(dir)).sort()).toEqual([`first${FILE_SUFFIX}`, `second${FILE_SUFFIX}`]);

    const second = new FaissBackend({ storageDir: dir, binding: faiss() });
    await expectSame(second, reference);
    expect((await second.stats()).tombstones).toBe(0);
    const later = record('late', unitVector(5, 8), { late: true });
    await second.upsert(c8, 'carol', [later]);
    reference.upsert(`${c8.name}/carol`, [later]);
    expect(await second.clear(c8, 'bob')).toBe(3);
    reference.clear(`${c8.name}/bob`);
    await second.close();

    const third = new FaissBackend({ storageDir: dir, binding: faiss() });
    await expectSame(third, reference);
    expect(await third.count(c8, 'carol')).toBe(1);
    expect(await third.count(c8)).toBe(reference.count(`${c8.name}/alice`) + 1);
    await third.close();
  });

  it('persist() writes only when something changed, and its file holds blocks faiss itself reads', async () => {
    const dir = await tempDir();
    const reference = new ReferenceStore();
    const backend = await seeded(dir, reference);
    await backend.persist();
    const file = join(dir, `first${FILE_SUFFIX}`);
    const bytes = await readFile(file);
    await backend.persist();
    await backend.search(c8, 'alice', unitVector(3, 8), { k: 3, filter: match });
    await backend.persist();
    expect((await readFile(file)).equals(bytes)).toBe(true);

    const loaded = await readCollectionFile(file);
    const alice = loaded!.contexts.find((c) => c.contextId === 'alice')!;
    const native = faiss().IndexFlatIP.fromBuffer(alice.block);
    expect(native.ntotal()).toBe(alice.ids.length);
    const query = unitVector(4242, 8);
    const top = native.search(Array.from(query), 1);
    const [best] = await backend.search(c8, 'alice', query, { k: 1, filter: match });
    expect(alice.ids[top.labels[0]!]).toBe(best!.id);
    await backend.close();
  });

  it('refuses a corrupted or truncated file with VECTOR_DB_ERROR, and another dimension with CONFIG_ERROR', async () => {
    const dir = await tempDir();
    const backend = await seeded(dir, new ReferenceStore());
    await backend.close();
    const file = join(dir, `first${FILE_SUFFIX}`);
    const good = await readFile(file);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 3]! ^= 0x40;
    await writeFile(file, flipped);
    const a = new FaissBackend({ storageDir: dir, binding: faiss() });
    expect(await codeOf(a.open(c8))).toBe(ErrorCode.VECTOR_DB_ERROR);
    expect(await codeOf(a.open(c16))).toBeUndefined();

    await writeFile(file, good.subarray(0, good.length - 10));
    const b = new FaissBackend({ storageDir: dir, binding: faiss() });
    const error = await b.open(c8).catch((e: unknown) => e as MemoryError);
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.VECTOR_DB_ERROR);
    expect((error as MemoryError).message).toMatch(/move it away/);

    await writeFile(file, good);
    const c = new FaissBackend({ storageDir: dir, binding: faiss() });
    expect(await codeOf(c.open({ ...c8, dimension: 9 }))).toBe(ErrorCode.CONFIG_ERROR);
    expect(await codeOf(c.open(c8))).toBeUndefined();
    for (const x of [a, b, c]) await x.close();
  });

  it('a failed write reports VECTOR_DB_ERROR and keeps the data to retry', async () => {
    const dir = join(await tempDir(), 'store');
    const backend = new FaissBackend({ storageDir: dir, binding: faiss() });
    await backend.upsert(c8, 'x', [record('a', unitVector(1, 8))]);
    // The directory's place is taken by a file: nothing can be written there.
    await writeFile(dir, 'not a directory');
    expect(await codeOf(backend.persist())).toBe(ErrorCode.VECTOR_DB_ERROR);
    expect(await backend.count(c8, 'x')).toBe(1);
    await rm(dir);
    await backend.close();
    const reopened = new FaissBackend({ storageDir: dir, binding: faiss() });
    expect(await reopened.count(c8, 'x')).toBe(1);
    await reopened.close();
    expect(await codeOf(reopened.count(c8))).toBe(ErrorCode.CLOSED);
  });

  it('writes arriving during a persist wait for it and are not lost', async () => {
    const dir = await tempDir();
    const backend = new FaissBackend({ storageDir: dir, binding: faiss() });
    await backend.upsert(c8, 'x', Array.from({ length: 2_000 }, (_, i) => record(`r${i}`, unitVector(i, 8))));
    const persisting = backend.persist();
    const writes = [
      backend.upsert(c8, 'x', [record('during', unitVector(123_456, 8))]),
      backend.delete(c8, 'x', ['r0', 'r1']),
    ];
    await Promise.all([persisting, ...writes]);
    await backend.close();
    const reopened = new FaissBackend({ storageDir: dir, binding: faiss() });
    expect(await reopened.count(c8, 'x')).toBe(1_999);
    const [hit] = await reopened.search(c8, 'x', unitVector(123_456, 8), { k: 1, filter: match });
    expect(hit!.id).toBe('during');
    await reopened.close();
  });
});
