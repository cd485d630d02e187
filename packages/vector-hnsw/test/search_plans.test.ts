import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BackendHit } from '@engram/vector-core';
import { matchesReference } from '@engram/vector-core/testing';
import { HnswBackend } from '../src/index.js';
import { dataset, exactIds, filter, queries, spec } from './support.js';

const DIM = 16;
const meta = (i: number) => ({ bucket: `b${i % 10}`, n: i % 50, even: i % 2 === 0, tags: i % 3 === 0 ? ['x'] : ['y', 'z'] });

/** How many searches each plan answered while `run` ran, from the public stats. */
async function plansDuring(backend: HnswBackend, run: () => Promise<unknown>): Promise<Record<string, number>> {
  const keys = ['graphSearches', 'filteredGraphSearches', 'exactScans', 'predicateScans', 'fallbackScans'];
  const before = await backend.stats();
  await run();
  const after = await backend.stats();
  return Object.fromEntries(keys.map((k) => [k, (after[k] as number) - (before[k] as number)]).filter(([, v]) => v !== 0));
}

const ids = (hits: BackendHit[]) => hits.map((h) => h.id);

describe('filtered plans: exact scan and filtered graph walk agree with exact search', () => {
  const { vectors, records } = dataset(800, DIM, 3, meta);
  const inA = (i: number) => i < 600;
  const c = spec(DIM);
  const qs = queries(12, DIM, 4);
  const filters: Array<Record<string, unknown> | undefined> = [
    undefined,
    { bucket: 'b3' },
    { n: { $gte: 10, $lt: 20 } },
    { $or: [{ bucket: 'b1' }, { even: false }] },
    { bucket: { $ne: 'b2' } },
    { tags: 'x' },
    { $and: [{ bucket: { $in: ['b4', 'b5'] } }, { n: { $gt: 30 } }] },
  ];

  async function load(backend: HnswBackend): Promise<HnswBackend> {
    await backend.open(c);
    await backend.upsert(c, 'a', records.slice(0, 600));
    await backend.upsert(c, 'b', records.slice(600));
    return backend;
  }

  it('forced exact plan and forced graph plan both return the exact top 10 for every filter', async () => {
    const exact = await load(new HnswBackend({ exactScanLimit: 1_000_000 }));
    const graph = await load(new HnswBackend({ exactScanLimit: 0, exactScanSelectivity: 0, efSearch: 800 }));
    for (const f of filters) {
      const accept = (i: number) => inA(i) && (f === undefined || matchesReference({ text: `row ${i}`, ...meta(i) }, f));
      for (const q of qs) {
        const want = exactIds(vectors, q, 10, accept);
        const viaScan = await exact.search(c, 'a', q, { k: 10, filter: filter(f) });
        const viaGraph = await graph.search(c, 'a', q, { k: 10, filter: filter(f) });
        expect(ids(viaScan), JSON.stringify(f)).toEqual(want);
        expect(ids(viaGraph), JSON.stringify(f)).toEqual(want);
        viaGraph.forEach((hit, i) => expect(hit.score).toBe(viaScan[i]!.score));
      }
    }
    const exactStats = await exact.stats();
    const graphStats = await graph.stats();
    expect(exactStats.filteredGraphSearches).toBe(0);
    expect(exactStats.exactScans).toBe(filters.length * qs.length);
    expect(graphStats.exactScans).toBe(0);
    expect(graphStats.fallbackScans).toBe(0);
    expect(graphStats.filteredGraphSearches).toBeGreaterThanOrEqual((filters.length - 1) * qs.length);
    await exact.close();
    await graph.close();
  });

  it('a plain graph walk scores from hnswlib within float32 rounding of the exact scan, best first, clamped', async () => {
    // One context holding the whole collection: no filter takes the plain graph plan, a filter
    // matching every row takes the exact scan, so the same records are scored both ways.
    const graph = new HnswBackend({ efSearch: 800 });
    await graph.open(c);
    await graph.upsert(c, 'a', records);
    let worst = 0;
    const searches = await plansDuring(graph, async () => {
      for (const q of [...qs, vectors[7]!]) {
        const viaGraph = await graph.search(c, 'a', q, { k: 10, filter: filter() });
        const viaScan = await graph.search(c, 'a', q, { k: 10, filter: filter({ n: { $gte: 0 } }) });
        expect(ids(viaGraph)).toEqual(exactIds(vectors, q, 10));
        expect(ids(viaGraph)).toEqual(ids(viaScan));
        viaGraph.forEach((hit, i) => {
          worst = Math.max(worst, Math.abs(hit.score - viaScan[i]!.score));
          expect(hit.score).toBeLessThanOrEqual(1);
          if (i > 0) expect(hit.score).toBeLessThanOrEqual(viaGraph[i - 1]!.score);
        });
      }
    });
    expect(searches).toEqual({ graphSearches: qs.length + 1, exactScans: qs.length + 1 });
    expect(worst).toBeLessThan(1e-6);
    await graph.close();
  });

  it('the default planner picks the plan by context share and filter selectivity', async () => {
    const big = dataset(5_000, DIM, 5, (i) => ({ bucket: `b${i % 100}`, n: i % 100, even: i % 2 === 0 }));
    const backend = new HnswBackend();
    await backend.open(c);
    for (let s = 0; s < 5_000; s += 1_000) await backend.upsert(c, 'big', big.records.slice(s, s + 1_000));
    await backend.upsert(c, 'small', records.slice(0, 50));
    const q = qs[0]!;
    const run = (ctx: string, f?: Record<string, unknown>) => () => backend.search(c, ctx, q, { k: 10, filter: filter(f) });

    expect(await plansDuring(backend, run('small'))).toEqual({ exactScans: 1 });
    expect(await plansDuring(backend, run('big'))).toEqual({ filteredGraphSearches: 1 });
    expect(await plansDuring(backend, run('big', { bucket: 'b7' }))).toEqual({ exactScans: 1 });
    expect(await plansDuring(backend, run('big', { n: { $gte: 3, $lt: 4 } }))).toEqual({ predicateScans: 1 });
    expect(await plansDuring(backend, run('big', { even: true }))).toEqual({ filteredGraphSearches: 1 });
    await backend.clear(c, 'small');
    expect(await plansDuring(backend, run('big'))).toEqual({ graphSearches: 1 });

    // Whatever the plan, a 1%-selective filter returns the exact answer.
    for (const f of [{ bucket: 'b7' }, { n: { $gte: 3, $lt: 4 } }]) {
      const accept = (i: number) => matchesReference({ ...big.records[i]!.metadata }, f);
      const hits = await backend.search(c, 'big', q, { k: 10, filter: filter(f) });
      expect(ids(hits)).toEqual(exactIds(big.vectors, q, 10, accept));
    }
    await backend.close();
  });

  it('a graph walk that finds fewer than k matches falls back to the exact scan', async () => {
    const backend = await load(new HnswBackend({ exactScanLimit: 0, exactScanSelectivity: 0, efSearch: 1 }));
    // Four matches in context a (i = 57 mod 150): the walk returns at most four, fewer than k, so the scan answers.
    const f = { n: 7, tags: 'x' };
    const plans = await plansDuring(backend, () => backend.search(c, 'a', qs[0]!, { k: 10, filter: filter(f) }));
    const hits = await backend.search(c, 'a', qs[0]!, { k: 10, filter: filter(f) });
    const accept = (i: number) => inA(i) && matchesReference(meta(i), f);
    expect(ids(hits)).toEqual(exactIds(vectors, qs[0]!, 10, accept));
    expect(hits).toHaveLength(4);
    expect(plans).toEqual({ fallbackScans: 1 });
    await backend.close();
  });

  it('property: the graph walk never returns a record of another context, whatever the names', async () => {
    const backend = new HnswBackend({ exactScanLimit: 0, exactScanSelectivity: 0 });
    await backend.open(c);
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 5 }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 120 }),
        fc.nat(799),
        async (contexts, owners, qi) => {
          round++;
          await backend.clear(c);
          const owner = (i: number) => contexts[(owners[i] ?? 0) % contexts.length]!;
          for (const ctx of contexts) {
            const mine = owners.map((_, i) => i).filter((i) => owner(i) === ctx);
            await backend.upsert(c, ctx, mine.map((i) => ({ ...records[i]!, id: `r${i}` })));
          }
          const q = vectors[qi]!;
          for (const ctx of contexts) {
            const hits = await backend.search(c, ctx, q, { k: 1_000, filter: filter() });
            const expected = owners.map((_, i) => i).filter((i) => owner(i) === ctx);
            expect(new Set(ids(hits))).toEqual(new Set(expected.map((i) => `r${i}`)));
          }
        },
      ),
      { numRuns: 40 },
    );
    expect(round).toBeGreaterThan(0);
    await backend.close();
  });
});
