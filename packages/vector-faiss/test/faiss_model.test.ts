import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import type { VectorFilter } from '@engram/memory-core';
import { parseFilter } from '@engram/vector-core';
import { FaissBackend } from '../src/index.js';
import { describeFaiss, faiss } from './support/faiss_gate.js';
import { ReferenceStore, record, spec, unitVector } from './support/reference.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const DIM = 8;
const c = spec(DIM, 'model');
const contexts = ['a', 'b', 'a:'] as const;
const filters: Array<VectorFilter | undefined> = [undefined, { group: 'x' }, { group: { $ne: 'y' } }, { n: { $gte: 5 } }, { tags: 'even' }];

type Op =
  | { kind: 'upsert'; ctx: string; items: Array<{ id: number; seed: number; group: string }> }
  | { kind: 'delete'; ctx: string; ids: number[] }
  | { kind: 'search'; ctx: string; k: number; seed: number; filter: number }
  | { kind: 'clear'; ctx: string }
  | { kind: 'reopen' };

const ctxArb = fc.constantFrom(...contexts);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('upsert' as const),
      ctx: ctxArb,
      items: fc.array(fc.record({ id: fc.nat(24), seed: fc.nat(1_000), group: fc.constantFrom('x', 'y', 'z') }), { minLength: 1, maxLength: 10 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), ctx: ctxArb, ids: fc.array(fc.nat(26), { maxLength: 8 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('search' as const),
      ctx: ctxArb,
      k: fc.integer({ min: 1, max: 30 }),
      seed: fc.nat(1_000),
      filter: fc.nat(filters.length - 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), ctx: ctxArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

describeFaiss('faiss backend: deletes, replacements and compaction against a reference model', () => {
  it('property: any sequence of upserts, deletes, clears, searches and restarts matches brute force', { timeout: 120_000 }, async () => {
    let compactions = 0;
    let tombstonedSearches = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const dir = await mkdtemp(join(tmpdir(), 'engram-faiss-model-'));
        dirs.push(dir);
        const reference = new ReferenceStore();
        let backend = new FaissBackend({ storageDir: dir, binding: faiss() });
        try {
          for (const op of ops) {
            if (op.kind === 'upsert') {
              const records = op.items.map(({ id, seed, group }) =>
                record(`id${id}`, unitVector(seed + 1, DIM), { group, n: id, tags: id % 2 === 0 ? ['even'] : ['odd'] }),
              );
              await backend.upsert(c, op.ctx, records);
              reference.upsert(op.ctx, records);
            } else if (op.kind === 'delete') {
              const ids = op.ids.map((id) => `id${id}`);
              expect(await backend.delete(c, op.ctx, ids)).toBe(reference.delete(op.ctx, ids));
            } else if (op.kind === 'clear') {
              expect(await backend.clear(c, op.ctx)).toBe(reference.clear(op.ctx));
            } else if (op.kind === 'reopen') {
              compactions += Number((await backend.stats()).compactions);
              await backend.close();
              backend = new FaissBackend({ storageDir: dir, binding: faiss() });
            } else {
              const filter = filters[op.filter];
              const query = unitVector(op.seed + 5_000, DIM);
              if (Number((await backend.stats()).tombstones) > 0) tombstonedSearches++;
              const hits = await backend.search(c, op.ctx, query, { k: op.k, filter: parseFilter(filter) });
              reference.expectExact(op.ctx, query, op.k, hits, filter);
            }
            for (const ctx of contexts) expect(await backend.count(c, ctx)).toBe(reference.count(ctx));
          }
          compactions += Number((await backend.stats()).compactions);
        } finally {
          await backend.close();
        }
      }),
      { numRuns: 150 },
    );
    // The property is only worth something if it reached both states it is about.
    expect(compactions).toBeGreaterThan(10);
    expect(tombstonedSearches).toBeGreaterThan(10);
  });

  it('replacing every row repeatedly keeps one live row per id and bounded tombstones', async () => {
    const backend = new FaissBackend({ binding: faiss() });
    const reference = new ReferenceStore();
    for (let round = 0; round < 20; round++) {
      const records = Array.from({ length: 50 }, (_, i) => record(`r${i}`, unitVector(round * 100 + i + 1, DIM), { round }));
      await backend.upsert(c, 'ctx', records);
      reference.upsert('ctx', records);
      const stats = await backend.stats();
      expect(stats.vectors).toBe(50);
      // Tombstones stay under a quarter of the rows: dead < live / 3.
      expect(Number(stats.tombstones) * 3).toBeLessThan(50);
    }
    expect(Number((await backend.stats()).compactions)).toBeGreaterThan(0);
    for (let q = 0; q < 5; q++) {
      const query = unitVector(7_000 + q, DIM);
      reference.expectExact('ctx', query, 50, await backend.search(c, 'ctx', query, { k: 50, filter: parseFilter(undefined) }));
    }
    await backend.close();
  });
});
