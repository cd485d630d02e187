import { describe, expect, it } from 'vitest';
import { HnswBackend } from '../src/index.js';
import { dataset, exactIds, filter, spec } from './support.js';

const DIM = 16;
const c = spec(DIM);
const all = filter();

describe('index growth, deletes and slot reuse', () => {
  it('grows past initialCapacity by doubling and keeps every vector findable', async () => {
    const { vectors, records } = dataset(1_000, DIM, 21);
    const backend = new HnswBackend({ initialCapacity: 4 });
    await backend.open(c);
    expect((await backend.stats()).capacity).toBe(4);
    for (let s = 0; s < 1_000; s += 97) await backend.upsert(c, 'ctx', records.slice(s, s + 97));
    const stats = await backend.stats();
    expect(stats.capacity).toBe(1_024);
    expect(stats.vectors).toBe(1_000);
    expect(await backend.count(c, 'ctx')).toBe(1_000);
    for (let i = 0; i < 1_000; i += 37) {
      const [best] = await backend.search(c, 'ctx', vectors[i]!, { k: 1, filter: all });
      expect(best!.id).toBe(`r${i}`);
      expect(best!.score).toBeCloseTo(1, 5);
    }
    expect((await backend.stats()).graphSearches).toBeGreaterThan(0);
    await backend.close();
  });

  it('a batch grows the index by doubling only for its new ids; ids already there take no slot', async () => {
    const { vectors, records } = dataset(300, DIM, 26);
    const backend = new HnswBackend({ initialCapacity: 8 });
    await backend.open(c);
    await backend.upsert(c, 'ctx', records.slice(0, 8));
    // The same 8 ids again are updates: growing for every record of the batch would reach 16.
    await backend.upsert(c, 'ctx', records.slice(0, 8).map((r, i) => ({ ...r, vector: vectors[8 + i]! })));
    expect(await backend.stats()).toMatchObject({ capacity: 8, vectors: 8 });
    // 8 updates and 1 new record: one more slot than the index holds.
    await backend.upsert(c, 'ctx', records.slice(0, 9));
    expect(await backend.stats()).toMatchObject({ capacity: 16, vectors: 9 });
    // 291 new records in one batch: 300 live, so 16 doubles to 512 (not 300, not 1,024).
    await backend.upsert(c, 'ctx', records.slice(9));
    expect(await backend.stats()).toMatchObject({ capacity: 512, vectors: 300 });
    for (let i = 0; i < 300; i += 23) {
      const [best] = await backend.search(c, 'ctx', vectors[i]!, { k: 1, filter: all });
      expect(best!.id).toBe(`r${i}`);
    }
    await backend.close();
  });

  it('k larger than the index capacity returns every vector instead of a native error', async () => {
    const { records } = dataset(3, DIM, 22);
    const backend = new HnswBackend({ initialCapacity: 4 });
    await backend.open(c);
    await backend.upsert(c, 'ctx', records);
    expect(await backend.search(c, 'ctx', records[0]!.vector, { k: 500, filter: all })).toHaveLength(3);
    await backend.close();
  });

  it('deletes for real and reuses the freed slots before growing', async () => {
    const { vectors, records } = dataset(400, DIM, 23);
    const backend = new HnswBackend({ initialCapacity: 200 });
    await backend.open(c);
    await backend.upsert(c, 'ctx', records.slice(0, 200));
    const doomed = records.slice(0, 200).filter((_, i) => i % 2 === 0).map((r) => r.id);
    expect(await backend.delete(c, 'ctx', [...doomed, 'missing'])).toBe(100);
    expect(await backend.delete(c, 'ctx', doomed)).toBe(0);
    let stats = await backend.stats();
    expect(stats).toMatchObject({ vectors: 100, freeSlots: 100, capacity: 200 });

    // Deleted vectors never come back, not even as their own nearest neighbour.
    const live = (i: number) => i < 200 && i % 2 === 1;
    for (let i = 0; i < 200; i += 10) {
      const hits = await backend.search(c, 'ctx', vectors[i]!, { k: 10, filter: all });
      expect(hits.map((h) => h.id)).toEqual(exactIds(vectors, vectors[i]!, 10, live));
    }
    expect((await backend.search(c, 'ctx', vectors[0]!, { k: 1_000, filter: all })).map((h) => h.id).sort()).toEqual(
      records.filter((_, i) => live(i)).map((r) => r.id).sort(),
    );

    // 100 new records fill the 100 holes: no growth, nothing free.
    await backend.upsert(c, 'ctx', records.slice(200, 300));
    stats = await backend.stats();
    expect(stats).toMatchObject({ vectors: 200, freeSlots: 0, capacity: 200 });
    const now = (i: number) => live(i) || (i >= 200 && i < 300);
    for (let i = 200; i < 300; i += 7) {
      const hits = await backend.search(c, 'ctx', vectors[i]!, { k: 10, filter: all });
      expect(hits.map((h) => h.id)).toEqual(exactIds(vectors, vectors[i]!, 10, now));
      expect(hits[0]!.metadata.text).toBe(`row ${i}`);
    }
    // One more grows the index (doubling).
    await backend.upsert(c, 'ctx', records.slice(300, 301));
    expect((await backend.stats()).capacity).toBe(400);
    await backend.close();
  });

  it('upserting an existing id replaces its vector and metadata in place', async () => {
    const { vectors, records } = dataset(300, DIM, 24);
    const backend = new HnswBackend();
    await backend.open(c);
    await backend.upsert(c, 'ctx', records);
    const replacement = { id: 'r5', vector: vectors[250]!, metadata: { text: 'moved', kind: 'new' } };
    await backend.upsert(c, 'ctx', [replacement]);
    expect(await backend.count(c, 'ctx')).toBe(300);
    expect((await backend.stats()).capacity).toBe(1_024);
    const near250 = await backend.search(c, 'ctx', vectors[250]!, { k: 2, filter: all });
    expect(near250.map((h) => h.id).sort()).toEqual(['r250', 'r5']);
    expect(near250.every((h) => h.score > 0.99999)).toBe(true);
    const near5 = await backend.search(c, 'ctx', vectors[5]!, { k: 300, filter: all });
    expect(near5[0]!.id).not.toBe('r5');
    expect(near5.find((h) => h.id === 'r5')!.metadata).toEqual({ text: 'moved', kind: 'new' });
    // The metadata index follows the replacement.
    const kind = await backend.search(c, 'ctx', vectors[5]!, { k: 10, filter: filter({ kind: 'new' }) });
    expect(kind.map((h) => h.id)).toEqual(['r5']);
    await backend.close();
  });

  it('an emptied collection starts over at the initial capacity', async () => {
    const { records } = dataset(100, DIM, 25);
    const backend = new HnswBackend({ initialCapacity: 8 });
    await backend.open(c);
    await backend.upsert(c, 'a', records.slice(0, 60));
    await backend.upsert(c, 'b', records.slice(60));
    expect((await backend.stats()).capacity).toBe(128);
    expect(await backend.clear(c, 'a')).toBe(60);
    expect(await backend.delete(c, 'b', records.slice(60).map((r) => r.id))).toBe(40);
    expect(await backend.stats()).toMatchObject({ capacity: 8, vectors: 0, contexts: 0, freeSlots: 0 });
    await backend.upsert(c, 'a', records.slice(0, 3));
    expect(await backend.count(c)).toBe(3);
    await backend.close();
  });
});
