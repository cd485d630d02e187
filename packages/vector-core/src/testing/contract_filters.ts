import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type VectorFilter } from '@engram/memory-core';
import type { ContractHarness } from './vector_contract.js';
import { CONTRACT_DIMENSION, axis, expectCode, uniqueContext } from './contract_support.js';
import { filterArbitrary, filterDataset, invalidFilters, namedFilters } from './filter_fixtures.js';
import { matchesReference } from './reference_filter.js';
import { clusteredVectors, exactTopK, recallAtK, row, seededRandom } from './synthetic.js';

/** Every operator against the reference interpreter, invalid filters refused, and selective filters at scale. */
export function describeFilterContract(h: ContractHarness, numRuns: number, minRecall: number): void {
  describe('filters', () => {
    const dataset = filterDataset(60);

    /** Stores the dataset in a new context; ids are `r<i>` so results map back to rows. */
    async function seed(): Promise<string> {
      const ctx = uniqueContext('filters');
      const random = seededRandom(11);
      await h.store.storeVectors(
        dataset.map((metadata, i) => ({
          id: `r${i}`,
          text: `row ${i}`,
          metadata,
          vector: Array.from({ length: CONTRACT_DIMENSION }, () => random() - 0.5),
        })),
        { contextId: ctx },
      );
      return ctx;
    }

    async function matched(ctx: string, filter: VectorFilter): Promise<string[]> {
      const results = await h.store.searchVectors('', { vector: axis(0), k: dataset.length, contextId: ctx, filter });
      for (let i = 1; i < results.length; i++) expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
      return results.map((r) => r.id).sort();
    }

    const expected = (filter: Record<string, unknown>) =>
      dataset.flatMap((m, i) => (matchesReference({ text: `row ${i}`, ...m }, filter) ? [`r${i}`] : [])).sort();

    it('the fixtures are discriminating: most named filters select some rows but not all', () => {
      const sizes = namedFilters.map(([, f]) => expected(f).length);
      expect(sizes.filter((n) => n > 0 && n < dataset.length).length).toBeGreaterThanOrEqual(namedFilters.length - 4);
      // Spot checks of the reference itself, so a wrong reference cannot pass a wrong backend.
      expect(matchesReference({ tags: ['x', 'y'] }, { tags: 'x' })).toBe(true);
      expect(matchesReference({ tags: ['x', 'y'] }, { tags: { $ne: 'x' } })).toBe(false);
      expect(matchesReference({}, { category: { $ne: 'ai' } })).toBe(true);
      expect(matchesReference({ mixed: '1' }, { mixed: 1 })).toBe(false);
      expect(matchesReference({ mixed: null }, { mixed: { $exists: true } })).toBe(false);
      expect(matchesReference({ n: 2 }, { n: { $gt: 1, $lt: 2 } })).toBe(false);
    });

    for (const [label, filter] of namedFilters) {
      it(`${label}: ${JSON.stringify(filter)}`, async () => {
        const ctx = await seed();
        expect(await matched(ctx, filter as VectorFilter)).toEqual(expected(filter));
      });
    }

    it('filters on the stored text like any field', async () => {
      const ctx = await seed();
      expect(await matched(ctx, { text: 'row 7' })).toEqual(['r7']);
      expect(await matched(ctx, { text: { $in: ['row 1', 'row 2', 'nope'] } })).toEqual(['r1', 'r2']);
    });

    it('property: random filters select exactly what the reference selects', async () => {
      const ctx = await seed();
      await fc.assert(
        fc.asyncProperty(filterArbitrary, async (filter) => {
          expect(await matched(ctx, filter as VectorFilter)).toEqual(expected(filter));
        }),
        { numRuns },
      );
    });

    for (const [label, filter] of invalidFilters) {
      it(`refuses ${label} with INVALID_ARGUMENT`, async () => {
        const error = await expectCode(h.store.searchVectors('q', { filter: filter as VectorFilter }), ErrorCode.INVALID_ARGUMENT);
        expect(error.message).toMatch(/filter/);
      });
    }

    it('names the path of the bad operand in the error', async () => {
      const error = await expectCode(
        h.store.searchVectors('q', { filter: { $or: [{ a: 1 }, { price: { $gt: 'cheap' } }] } }),
        ErrorCode.INVALID_ARGUMENT,
      );
      expect(error.message).toContain('filter.$or[1].price.$gt');
      expect(error.message).not.toContain('cheap');
    });
  });

  describe('selective filters at scale', () => {
    const count = 10_000;
    const dim = CONTRACT_DIMENSION;
    const vectors = clusteredVectors(count, dim, { seed: 5, clusters: 50 });
    const ctx = uniqueContext('scale');
    const queries = clusteredVectors(25, dim, { seed: 6, clusters: 50 });
    // Bucket 1% of rows (100) into each value; rows of a bucket are scattered across clusters.
    const bucketOf = (i: number) => (i * 37) % 100;
    // Each test gets a fresh store; load the rows once per store.
    let loaded: ContractHarness['store'] | undefined;

    async function load(): Promise<void> {
      if (loaded === h.store) return;
      const items = Array.from({ length: count }, (_, i) => ({
        id: `s${i}`,
        text: `s${i}`,
        vector: row(vectors, dim, i),
        metadata: { bucket: `b${bucketOf(i)}`, n: i % 100, even: i % 2 === 0 },
      }));
      for (let start = 0; start < count; start += 1_000) await h.store.storeVectors(items.slice(start, start + 1_000), { contextId: ctx });
      loaded = h.store;
    }

    for (const [label, filter, accept] of [
      ['equality', { bucket: 'b42' }, (i: number) => bucketOf(i) === 42],
      ['range', { n: { $gte: 10, $lt: 11 } }, (i: number) => i % 100 === 10],
      ['$in and a second condition', { $and: [{ bucket: { $in: ['b3', 'b4'] } }, { even: true }] }, (i: number) => (bucketOf(i) === 3 || bucketOf(i) === 4) && i % 2 === 0],
    ] as const) {
      it(`a 1%-selective ${label} filter returns k results with recall@10 ≥ ${minRecall}`, { timeout: 120_000 }, async () => {
        await load();
        let recall = 0;
        for (let q = 0; q < 25; q++) {
          const query = row(queries, dim, q);
          const results = await h.store.searchVectors('', { vector: query, k: 10, contextId: ctx, filter: filter as VectorFilter });
          expect(results).toHaveLength(10);
          for (const r of results) expect(accept(Number(r.id.slice(1)))).toBe(true);
          recall += recallAtK(
            results.map((r) => r.id),
            exactTopK(vectors, dim, query, 10, accept).map((i) => `s${i}`),
          );
        }
        const mean = recall / 25;
        expect(mean).toBeGreaterThanOrEqual(h.backend.capabilities.exact ? 0.99 : minRecall);
      });
    }
  });
}
