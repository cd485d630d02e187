import { beforeAll, expect, it } from 'vitest';
import type { VectorFilter } from '@engram/memory-core';
import { parseFilter } from '@engram/vector-core';
import { FaissBackend } from '../src/index.js';
import { describeFaiss, faiss } from './support/faiss_gate.js';
import { ReferenceStore, record, spec, unitVector } from './support/reference.js';

const DIM = 16;
const c = spec(DIM, 'plans');
const ROWS = 8_000;

/** A unit vector leaning towards axis 0 by `lean` (−1 … 1), otherwise random. */
function leaning(seed: number, lean: number): Float32Array {
  const v = unitVector(seed, DIM);
  const out = new Float32Array(DIM);
  const rest = Math.sqrt(1 - lean * lean);
  let norm = 0;
  for (let i = 1; i < DIM; i++) norm += (v[i] as number) ** 2;
  out[0] = lean;
  for (let i = 1; i < DIM; i++) out[i] = ((v[i] as number) / Math.sqrt(norm)) * rest;
  return out;
}

const axis0 = leaning(1, 1);

describeFaiss('faiss backend: filtered search plans on a large context', () => {
  let backend: FaissBackend;
  const reference = new ReferenceStore();

  beforeAll(async () => {
    backend = new FaissBackend({ binding: faiss() });
    // 'far' rows (30%) point away from axis 0, 'near' rows (~150 of the first 220) point at it, the rest are random.
    const records = Array.from({ length: ROWS }, (_, i) => {
      const far = i % 10 < 3;
      const near = !far && i < 220;
      const vector = far ? leaning(i + 1, -0.9 + (i % 7) * 0.01) : near ? leaning(i + 1, 0.95) : unitVector(i + 1, DIM);
      return record(`r${i}`, vector, { bucket: `b${i % 400}`, n: i, far, near, odd: i % 2 === 1 });
    });
    for (let start = 0; start < ROWS; start += 1_000) await backend.upsert(c, 'big', records.slice(start, start + 1_000));
    reference.upsert('big', records);
    // Tombstones (10%, under the compaction threshold) that every plan must skip.
    const gone = records.filter((_, i) => i % 10 === 5).map((r) => r.id);
    expect(await backend.delete(c, 'big', gone)).toBe(gone.length);
    reference.delete('big', gone);
    expect((await backend.stats()).tombstones).toBe(gone.length);
    // No tombstones here, so the first over-fetch is small: the 300 'near' rows outrank it twice.
    const widen = Array.from({ length: ROWS }, (_, i) => record(`w${i}`, i < 300 ? leaning(i + 1, 0.95) : unitVector(i + 1, DIM), { near: i < 300 }));
    for (let start = 0; start < ROWS; start += 1_000) await backend.upsert(c, 'widen', widen.slice(start, start + 1_000));
    reference.upsert('widen', widen);
  });

  async function run(filter: VectorFilter | undefined, k: number, query = axis0, ctx = 'big') {
    const before = await backend.stats();
    const hits = await backend.search(c, ctx, query, { k, filter: parseFilter(filter) });
    const after = await backend.stats();
    const plan = (['faissSearches', 'indexedScans', 'filteredScans', 'overFetchSearches'] as const).filter((key) => after[key] !== before[key]);
    reference.expectExact(ctx, query, k, hits, filter);
    return { hits, plan, faissCalls: Number(after.faissCalls) - Number(before.faissCalls) };
  }

  it('no filter: faiss alone, skipping tombstones', async () => {
    for (const k of [1, 10, 200]) expect((await run(undefined, k)).plan).toEqual(['faissSearches']);
  });

  it('a 0.25% equality filter is answered from the metadata index and still returns k results', async () => {
    const { hits, plan, faissCalls } = await run({ bucket: 'b7' }, 10, leaning(3, 0.2));
    expect(plan).toEqual(['indexedScans']);
    expect(faissCalls).toBe(0);
    expect(hits).toHaveLength(10);
    // Fewer matches than k: all of them, none invented.
    const all = await run({ bucket: 'b7' }, 100);
    expect(all.hits).toHaveLength(reference.matching('big', { bucket: 'b7' }).length);
  });

  it('a selective range filter the index cannot count is found by sampling and scanned exactly', async () => {
    const { hits, plan } = await run({ n: { $gte: 4_000, $lt: 4_060 } }, 10);
    expect(plan).toEqual(['filteredScans']);
    expect(hits).toHaveLength(10);
    // An `and` whose indexed part is unselective but whose range part is selective.
    expect((await run({ $and: [{ odd: true }, { n: { $lt: 40 } }] }, 10)).plan).toEqual(['filteredScans']);
  });

  it('an unselective filter over-fetches from faiss in one call when matches rank well', async () => {
    const { plan, faissCalls, hits } = await run({ far: false }, 10);
    expect(plan).toEqual(['overFetchSearches']);
    expect(faissCalls).toBe(1);
    expect(hits).toHaveLength(10);
  });

  it('over-fetch widens when the best rows do not match', async () => {
    const { plan, faissCalls } = await run({ near: false }, 10, axis0, 'widen');
    expect(plan).toEqual(['overFetchSearches']);
    expect(faissCalls).toBeGreaterThan(1);
  });

  it('falls back to one exact JS pass when widening would scan too much', async () => {
    // 'far' rows (30%) rank last for a query along axis 0.
    const { plan, faissCalls, hits } = await run({ far: true }, 10);
    expect(plan).toEqual(['filteredScans']);
    expect(faissCalls).toBeGreaterThan(0);
    expect(hits).toHaveLength(10);
  });

  it('k larger than the matches returns exactly the matches on every plan', async () => {
    for (const filter of [{ bucket: { $in: ['b1', 'b2'] } }, { n: { $lt: 30 } }, { far: true }, { far: false }] as VectorFilter[]) {
      const expected = reference.matching('big', filter).length;
      const { hits } = await run(filter, Math.min(expected + 50, 10_000));
      expect(hits).toHaveLength(expected);
    }
  });

  it('the metadata index follows compaction and later inserts', async () => {
    const rows = Array.from({ length: 8_000 }, (_, i) => record(`k${i}`, unitVector(i + 11, DIM), { bucket: `b${i % 100}` }));
    await backend.upsert(c, 'compact', rows);
    reference.upsert('compact', rows);
    const query = unitVector(5, DIM);
    expect((await run({ bucket: 'b3' }, 10, query, 'compact')).plan).toEqual(['indexedScans']);
    const compactionsBefore = Number((await backend.stats()).compactions);
    const gone = rows.filter((_, i) => i % 5 < 2).map((r) => r.id);
    await backend.delete(c, 'compact', gone);
    reference.delete('compact', gone);
    expect(Number((await backend.stats()).compactions)).toBe(compactionsBefore + 1);
    for (const bucket of ['b3', 'b4', 'b99']) expect((await run({ bucket }, 10, query, 'compact')).plan).toEqual(['indexedScans']);
    const added = Array.from({ length: 30 }, (_, i) => record(`new${i}`, unitVector(90_000 + i, DIM), { bucket: 'b3' }));
    await backend.upsert(c, 'compact', added);
    reference.upsert('compact', added);
    const { hits } = await run({ bucket: 'b3' }, 500, query, 'compact');
    expect(hits).toHaveLength(reference.matching('compact', { bucket: 'b3' }).length);
  });
});
