import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteMemory } from '../src/index.js';
import { tempDirs } from './temp_dirs.js';

const dirs = tempDirs('bulk');
afterAll(() => dirs.removeAll());

describe('bulk operations and a model check', () => {
  let store: SqliteMemory;
  beforeEach(() => {
    store = new SqliteMemory({ path: dirs.dbPath(), sweepIntervalMs: 0 });
  });
  afterEach(async () => {
    await store.close();
  });

  it('bulkSave and bulkLoad 5,000 keys, with duplicates and misses in the request', async () => {
    const entries = new Map<string, unknown>();
    for (let i = 0; i < 5_000; i++) entries.set(`key:${i}`, { i, tags: [i % 7] });
    await store.bulkSave(entries, 'ctx');
    const request = [...entries.keys(), 'key:0', 'key:4999', 'missing-1', 'missing-2'];
    const loaded = await store.bulkLoad<{ i: number }>(request, 'ctx');
    expect(Object.keys(loaded)).toHaveLength(5_000);
    expect(loaded['key:4321']).toEqual({ i: 4321, tags: [4321 % 7] });
    const withExpiry = await store.bulkLoadEntries(['key:1', 'missing-1'], 'ctx');
    expect([...withExpiry.keys()]).toEqual(['key:1']);
    expect((await store.getStats()).totalKeys).toBe(5_000);
    expect(await store.clear('ctx')).toBe(5_000);
  });

  it('property: any sequence of writes, deletes and clears matches a Map model', async () => {
    const key = fc.constantFrom('a', 'b', 'a*', '%', '__proto__', 'k\u0000');
    const ctx = fc.constantFrom('c1', 'c1%', 'c\u0000');
    const value = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.boolean(), { maxLength: 3 }));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('save' as const), key, ctx, value }),
      fc.record({ kind: fc.constant('bulk' as const), ctx, pairs: fc.array(fc.tuple(key, value), { maxLength: 4 }) }),
      fc.record({ kind: fc.constant('delete' as const), key, ctx }),
      fc.record({ kind: fc.constant('clear' as const), ctx }),
      fc.record({ kind: fc.constant('clearAll' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        await store.clear();
        const model = new Map<string, Map<string, unknown>>();
        const contextOf = (c: string) => model.get(c) ?? model.set(c, new Map()).get(c)!;
        for (const step of ops) {
          if (step.kind === 'save') {
            await store.saveContext(step.key, step.ctx, step.value);
            contextOf(step.ctx).set(step.key, step.value);
          } else if (step.kind === 'bulk') {
            await store.bulkSave(new Map(step.pairs), step.ctx);
            for (const [k, v] of new Map(step.pairs)) contextOf(step.ctx).set(k, v);
          } else if (step.kind === 'delete') {
            expect(await store.deleteContext(step.key, step.ctx)).toBe(contextOf(step.ctx).delete(step.key));
          } else if (step.kind === 'clear') {
            expect(await store.clear(step.ctx)).toBe(contextOf(step.ctx).size);
            model.delete(step.ctx);
          } else {
            expect(await store.clear()).toBe([...model.values()].reduce((n, m) => n + m.size, 0));
            model.clear();
          }
        }
        let total = 0;
        for (const c of ['c1', 'c1%', 'c\u0000']) {
          const expected = Object.assign(Object.create(null), Object.fromEntries(contextOf(c)));
          expect(await store.bulkLoad(['a', 'b', 'a*', '%', '__proto__', 'k\u0000'], c)).toEqual(expected);
          total += contextOf(c).size;
        }
        expect((await store.getStats()).totalKeys).toBe(total);
      }),
      { numRuns: 150 },
    );
  });
});
