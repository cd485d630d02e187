import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { describeVectorBackendContract, seededRandom, type ContractBackendContext } from '../src/testing.js';
import { DEFAULT_SNAPSHOT_FILE, MemoryBackend, MATCH_ALL, parseFilter, type CollectionSpec } from '../src/index.js';

describeVectorBackendContract('memory', { create: () => new MemoryBackend() });
describeVectorBackendContract('memory, plain JS scan', { create: () => new MemoryBackend({ simd: false }) });
describeVectorBackendContract('memory with snapshot', { create: ({ storageDir }: ContractBackendContext) => new MemoryBackend({ storageDir }) });

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'engram-memory-backend-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const spec = (dimension = 4, name = 'c'): CollectionSpec => ({ name, model: 'm', dimension });
const unit = (...values: number[]) => {
  const v = Float32Array.from(values);
  const n = Math.hypot(...values);
  return v.map((x) => x / n);
};

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (e instanceof MemoryError ? e.code : `not a MemoryError: ${String(e)}`),
  );
}

describe('memory backend: search plans', () => {
  it('answers a selective indexed filter from the metadata index and a broad one by scanning', async () => {
    const backend = new MemoryBackend();
    const c = spec(8);
    await backend.open(c);
    const records = Array.from({ length: 5_000 }, (_, i) => ({
      id: `r${i}`,
      vector: unit(...Array.from({ length: 8 }, (_, d) => Math.sin(i * (d + 1)) + 1.5)),
      metadata: { text: `t${i}`, bucket: i % 100, half: i % 2 === 0 ? 'even' : 'odd', tags: i % 10 === 0 ? ['ten'] : [] },
    }));
    await backend.upsert(c, 'ctx', records);
    const query = unit(1, 2, 3, 4, 5, 6, 7, 8);
    const run = async (filter: Record<string, unknown>) => {
      const before = await backend.stats();
      const hits = await backend.search(c, 'ctx', query, { k: 10, filter: parseFilter(filter) });
      const after = await backend.stats();
      const plan = (['indexedSearches', 'filteredScans', 'fullScans'] as const).find((key) => after[key] !== before[key]);
      return { hits, plan };
    };
    expect((await run({ bucket: 7 })).plan).toBe('indexedSearches');
    expect((await run({ tags: 'ten', bucket: { $gte: 0 } })).plan).toBe('indexedSearches');
    expect((await run({ half: 'even' })).plan).toBe('filteredScans');
    expect((await run({ bucket: { $lt: 3 } })).plan).toBe('filteredScans');
    expect((await run({})).plan).toBe('fullScans');

    // Both plans return the exact answer: compare the indexed plan with a brute-force reference.
    const { hits } = await run({ bucket: 7 });
    const reference = records
      .filter((r) => r.metadata.bucket === 7)
      .map((r) => ({ id: r.id, score: r.vector.reduce((s, v, d) => s + v * query[d]!, 0) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10);
    expect(hits.map((h) => h.id)).toEqual(reference.map((r) => r.id));

    // The index follows deletes (swap with last) and replacements.
    await backend.delete(c, 'ctx', [reference[0]!.id]);
    await backend.upsert(c, 'ctx', [{ id: 'r4999', vector: records[4999]!.vector, metadata: { text: 'moved', bucket: 7 } }]);
    const after = await run({ bucket: 7 });
    expect(after.plan).toBe('indexedSearches');
    expect(after.hits.map((h) => h.id)).not.toContain(reference[0]!.id);
    const all = await backend.search(c, 'ctx', query, { k: 200, filter: parseFilter({ bucket: 7 }) });
    expect(all.map((h) => h.id).sort()).toEqual(
      [...records.filter((r) => r.metadata.bucket === 7 && r.id !== reference[0]!.id).map((r) => r.id), 'r4999'].sort(),
    );
    await backend.close();
  });

  it('the SIMD kernel and the plain-JS scan give the same answers, filtered or not', async () => {
    const c = spec(100);
    const simd = new MemoryBackend();
    const plain = new MemoryBackend({ simd: false });
    const random = seededRandom(3);
    const records = Array.from({ length: 3_000 }, (_, i) => ({
      id: `r${i}`,
      vector: unit(...Array.from({ length: 100 }, () => random() - 0.5)),
      metadata: { text: `t${i}`, n: i % 10 },
    }));
    for (const backend of [simd, plain]) {
      await backend.upsert(c, 'ctx', records);
      await backend.delete(c, 'ctx', ['r5', 'r17']);
    }
    expect((await simd.stats()).simdContexts).toBe(1);
    expect((await plain.stats()).simdContexts).toBe(0);
    for (let q = 0; q < 10; q++) {
      const query = unit(...Array.from({ length: 100 }, () => random() - 0.5));
      for (const filter of [MATCH_ALL, parseFilter({ n: { $gte: 7 } })]) {
        const a = await simd.search(c, 'ctx', query, { k: 20, filter });
        const b = await plain.search(c, 'ctx', query, { k: 20, filter });
        expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id));
        a.forEach((h, i) => expect(Math.abs(h.score - b[i]!.score)).toBeLessThan(1e-12));
        // And both agree with a float64 dot product computed here.
        for (const h of a) {
          const v = records[Number(h.id.slice(1))]!.vector;
          expect(h.score).toBeCloseTo(v.reduce((s, x, d) => s + x * query[d]!, 0), 12);
        }
      }
    }
    await simd.close();
    await plain.close();
  });
});

describe('memory backend: snapshots', () => {
  it('writes atomically (no temp file left) and reloads many small contexts', async () => {
    const dir = await tempDir();
    const c = spec(4);
    const first = new MemoryBackend({ storageDir: dir });
    await first.open(c);
    for (let i = 0; i < 2_000; i++) {
      await first.upsert(c, `ctx-${i}`, [{ id: 'a', vector: unit(1, i, 0, 1), metadata: { text: `ctx-${i}`, i } }]);
    }
    await first.persist();
    await first.upsert(c, 'ctx-late', [{ id: 'a', vector: unit(1, 1, 1, 1), metadata: { text: 'late' } }]);
    await first.close();
    expect(await readdir(dir)).toEqual([DEFAULT_SNAPSHOT_FILE]);

    const second = new MemoryBackend({ storageDir: dir });
    await second.open(c);
    expect(await second.count(c)).toBe(2_001);
    expect((await second.stats()).contexts).toBe(2_001);
    const [hit] = await second.search(c, 'ctx-1234', unit(1, 1234, 0, 1), { k: 1, filter: MATCH_ALL });
    expect(hit).toMatchObject({ id: 'a', metadata: { text: 'ctx-1234', i: 1234 } });
    expect(hit!.score).toBeCloseTo(1, 6);
    await second.close();
  });

  it('refuses a corrupt snapshot with VECTOR_DB_ERROR and never overwrites it', async () => {
    const dir = await tempDir();
    const c = spec(4);
    const writer = new MemoryBackend({ storageDir: dir });
    await writer.upsert(c, 'x', [{ id: 'a', vector: unit(1, 2, 3, 4), metadata: { text: 'a' } }]);
    await writer.close();
    const file = join(dir, DEFAULT_SNAPSHOT_FILE);
    const bytes = await readFile(file);
    for (const damage of [
      (b: Buffer) => b.subarray(0, b.length - 3),
      (b: Buffer) => Buffer.concat([Buffer.from('garbage!'), b.subarray(8)]),
      (b: Buffer) => {
        const copy = Buffer.from(b);
        copy[copy.length - 2] = (copy[copy.length - 2]! + 1) % 256;
        return copy;
      },
      (b: Buffer) => {
        const copy = Buffer.from(b);
        copy[20] = (copy[20]! + 1) % 256;
        return copy;
      },
    ]) {
      const damaged = damage(bytes);
      await writeFile(file, damaged);
      const reader = new MemoryBackend({ storageDir: dir });
      expect(await codeOf(reader.open(c))).toBe(ErrorCode.VECTOR_DB_ERROR);
      expect(await codeOf(reader.count(c))).toBe(ErrorCode.VECTOR_DB_ERROR);
      await reader.close();
      expect((await readFile(file)).equals(damaged)).toBe(true);
    }
  });

  it('refuses to reopen a collection with another dimension (CONFIG_ERROR)', async () => {
    const dir = await tempDir();
    const writer = new MemoryBackend({ storageDir: dir });
    await writer.upsert(spec(4), 'x', [{ id: 'a', vector: unit(1, 2, 3, 4), metadata: { text: 'a' } }]);
    await writer.close();
    const reader = new MemoryBackend({ storageDir: dir });
    expect(await codeOf(reader.open(spec(5)))).toBe(ErrorCode.CONFIG_ERROR);
    await reader.open(spec(5, 'other'));
    await reader.close();
  });

  it('does not rewrite the snapshot when nothing changed', async () => {
    const dir = await tempDir();
    const c = spec(4);
    const writer = new MemoryBackend({ storageDir: dir });
    await writer.upsert(c, 'x', [{ id: 'a', vector: unit(1, 2, 3, 4), metadata: { text: 'a' } }]);
    await writer.close();
    const file = join(dir, DEFAULT_SNAPSHOT_FILE);
    const before = await stat(file);
    const reader = new MemoryBackend({ storageDir: dir });
    await reader.search(c, 'x', unit(1, 2, 3, 4), { k: 1, filter: MATCH_ALL });
    await reader.clear(c, 'no-such-context');
    await reader.close();
    const after = await stat(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });
});
