import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type VectorMetadata } from '@engram/memory-core';
import { contextIdArbitrary, trickyIds } from '@engram/memory-core/testing';
import type { ContractHarness } from './vector_contract.js';
import { axis, expectCode, uniqueContext } from './contract_support.js';

/** Contexts isolate, ids are data, deletes and clears touch exactly what they name, metadata round-trips. */
export function describeScopeContract(h: ContractHarness, numRuns: number): void {
  describe('contexts and ids', () => {
    it('a search never returns another context, even one whose name extends or prefixes it', async () => {
      const suffix = uniqueContext('');
      const names = ['user1', 'user10', 'user1*', 'user', 'user1:x', '{user1}', 'USER1', ...trickyIds];
      const contexts = names.map((n) => `${n}${suffix}`);
      const idOf = new Map<string, string>();
      for (const [i, ctx] of contexts.entries()) {
        const [id] = await h.store.storeVectors([{ text: ctx, vector: axis(i % 32), id: 'same-id' }], { contextId: ctx });
        idOf.set(ctx, id!);
      }
      for (const [i, ctx] of contexts.entries()) {
        const results = await h.store.searchVectors('', { vector: axis(i % 32), k: 100, contextId: ctx });
        expect(results.map((r) => r.metadata.text), `context ${JSON.stringify(ctx)}`).toEqual([ctx]);
        expect(await h.store.count(ctx)).toBe(1);
      }
      // The same id lives independently in every context.
      expect(await h.store.deleteVectors(['same-id'], contexts[0])).toBe(1);
      expect(await h.store.count(contexts[0])).toBe(0);
      expect(await h.store.count(contexts[1])).toBe(1);
      expect(await h.store.clear(contexts[1])).toBe(1);
      expect(await h.store.count(contexts[2])).toBe(1);
      expect((await h.store.searchVectors('', { vector: axis(2), contextId: contexts[2] }))[0]!.metadata.text).toBe(contexts[2]);
    });

    it('uses the default context when none is given, and it is isolated like any other', async () => {
      await h.store.clear(h.store.defaultContextId);
      const id = await h.store.storeVector('in default', {}, { vector: axis(0) });
      expect(h.store.defaultContextId).toBe('default');
      expect((await h.store.searchVectors('', { vector: axis(0) })).map((r) => r.id)).toEqual([id]);
      expect(await h.store.searchVectors('', { vector: axis(0), contextId: uniqueContext('other') })).toEqual([]);
      expect(await h.store.deleteVectors([id])).toBe(1);
    });

    it('property: what is stored in one context is invisible and untouchable from another', async () => {
      await fc.assert(
        fc.asyncProperty(contextIdArbitrary(), contextIdArbitrary(), fc.integer({ min: 0, max: 31 }), async (a, b, dim) => {
          fc.pre(a !== b);
          await h.store.clear(a);
          await h.store.clear(b);
          const [idA] = await h.store.storeVectors([{ text: 'A', vector: axis(dim), id: 'k' }], { contextId: a });
          await h.store.storeVectors([{ text: 'B', vector: axis(dim), id: 'k' }], { contextId: b });
          expect((await h.store.searchVectors('', { vector: axis(dim), k: 10, contextId: a })).map((r) => r.metadata.text)).toEqual(['A']);
          expect(await h.store.deleteVectors([idA!], b)).toBe(1);
          expect((await h.store.searchVectors('', { vector: axis(dim), contextId: a })).map((r) => r.metadata.text)).toEqual(['A']);
          expect(await h.store.clear(a)).toBe(1);
          expect(await h.store.count(b)).toBe(0);
        }),
        { numRuns: Math.min(numRuns, 40) },
      );
    });

    it('caller ids are kept, generated ids are unique, and storing an id again replaces it', async () => {
      const ctx = uniqueContext('ids');
      const generated = await h.store.storeVectors([0, 1, 2].map((i) => ({ text: `g${i}`, vector: axis(i) })), { contextId: ctx });
      expect(new Set(generated).size).toBe(3);
      const own = await h.store.storeVector('first', { v: 1 }, { vector: axis(5), id: 'a:b*{c}', contextId: ctx });
      expect(own).toBe('a:b*{c}');
      await h.store.storeVector('second', { v: 2 }, { vector: axis(6), id: 'a:b*{c}', contextId: ctx });
      expect(await h.store.count(ctx)).toBe(4);
      const [hit] = await h.store.searchVectors('', { vector: axis(6), k: 1, contextId: ctx });
      expect(hit).toMatchObject({ id: 'a:b*{c}', metadata: { text: 'second', v: 2 } });
      expect(hit!.score).toBeCloseTo(1, 5);
    });

    it('rejects invalid ids and contexts with INVALID_ARGUMENT', async () => {
      for (const bad of ['', 42, 'a\uD800b'] as unknown as string[]) {
        await expectCode(h.store.storeVector('x', {}, { contextId: bad }), ErrorCode.INVALID_ARGUMENT);
        await expectCode(h.store.storeVector('x', {}, { id: bad }), ErrorCode.INVALID_ARGUMENT);
        await expectCode(h.store.searchVectors('x', { contextId: bad }), ErrorCode.INVALID_ARGUMENT);
        await expectCode(h.store.deleteVectors([bad]), ErrorCode.INVALID_ARGUMENT);
        await expectCode(h.store.clear(bad), ErrorCode.INVALID_ARGUMENT);
      }
    });
  });

  describe('delete and clear', () => {
    it('deleteVectors removes exactly the named ids and counts only those that existed', async () => {
      const ctx = uniqueContext('delete');
      const ids = await h.store.storeVectors([0, 1, 2, 3, 4].map((i) => ({ text: `d${i}`, vector: axis(i) })), { contextId: ctx });
      expect(await h.store.deleteVectors([ids[1]!, ids[3]!, 'missing', ids[1]!], ctx)).toBe(2);
      expect(await h.store.deleteVectors([ids[1]!], ctx)).toBe(0);
      expect(await h.store.deleteVectors([], ctx)).toBe(0);
      const left = await h.store.searchVectors('', { vector: axis(1), k: 10, contextId: ctx });
      expect(left.map((r) => r.id).sort()).toEqual([ids[0], ids[2], ids[4]].sort());
      // A deleted id can be stored again.
      await h.store.storeVector('back', {}, { vector: axis(1), id: ids[1], contextId: ctx });
      expect((await h.store.searchVectors('', { vector: axis(1), k: 1, contextId: ctx }))[0]!.id).toBe(ids[1]);
    });

    it('survives many deletes interleaved with inserts (slot reuse keeps every vector findable)', async () => {
      const ctx = uniqueContext('churn');
      const live = new Map<string, number>();
      for (let round = 0; round < 6; round++) {
        const ids = await h.store.storeVectors(
          Array.from({ length: 20 }, (_, i) => ({ text: `r${round}-${i}`, vector: axis((round * 20 + i) % 32, (i + 7) % 32, round + 1) })),
          { contextId: ctx },
        );
        ids.forEach((id, i) => live.set(id, (round * 20 + i) % 32));
        const doomed = [...live.keys()].filter((_, i) => i % 3 === round % 3);
        expect(await h.store.deleteVectors(doomed, ctx)).toBe(doomed.length);
        for (const id of doomed) live.delete(id);
      }
      expect(await h.store.count(ctx)).toBe(live.size);
      const all = await h.store.searchVectors('', { vector: axis(0), k: 1000, contextId: ctx });
      expect(new Set(all.map((r) => r.id))).toEqual(new Set(live.keys()));
    });

    it('clear(context) empties that context; clear() empties every context', async () => {
      const a = uniqueContext('clear-a');
      const b = uniqueContext('clear-b');
      await h.store.storeVectors([0, 1, 2].map((i) => ({ text: `a${i}`, vector: axis(i) })), { contextId: a });
      await h.store.storeVectors([0, 1].map((i) => ({ text: `b${i}`, vector: axis(i) })), { contextId: b });
      expect(await h.store.clear(a)).toBe(3);
      expect(await h.store.searchVectors('', { vector: axis(0), contextId: a })).toEqual([]);
      expect(await h.store.count(b)).toBe(2);
      expect(await h.store.clear()).toBeGreaterThanOrEqual(2);
      expect(await h.store.count(b)).toBe(0);
      expect(await h.store.count()).toBe(0);
    });
  });

  describe('metadata', () => {
    it('round-trips strings, numbers, booleans, null and arrays of strings; text is metadata.text', async () => {
      const ctx = uniqueContext('meta');
      const metadata: VectorMetadata = {
        category: 'ai',
        empty: '',
        unicode: 'ünïcødé 日本語 🙂',
        int: 42,
        negative: -3.25,
        zero: 0,
        big: 2 ** 52,
        yes: true,
        no: false,
        nothing: null,
        tags: ['a', 'b:c', ''],
        noTags: [],
        'field with spaces': 'x',
        'a.b': 'dotted',
        constructor: 'not a function',
      };
      const id = await h.store.storeVector('the text', metadata, { vector: axis(0), contextId: ctx });
      const [hit] = await h.store.searchVectors('', { vector: axis(0), contextId: ctx });
      expect(hit!.id).toBe(id);
      expect(hit!.metadata).toEqual({ text: 'the text', ...metadata });
      // A field named __proto__ is data, stored and returned as an own property.
      await h.store.storeVector('proto', JSON.parse('{"__proto__": "p", "x": 1}'), { vector: axis(1), contextId: ctx, id: 'proto' });
      const [proto] = await h.store.searchVectors('', { vector: axis(1), k: 1, contextId: ctx, filter: JSON.parse('{"__proto__": "p"}') });
      expect(proto!.id).toBe('proto');
      expect(Object.getOwnPropertyDescriptor(proto!.metadata, '__proto__')?.value).toBe('p');
      expect(Object.getPrototypeOf(proto!.metadata)).toBe(Object.prototype);
      // Results are copies: changing one changes nothing stored.
      (hit!.metadata.tags as string[]).push('mutated');
      const [again] = await h.store.searchVectors('', { vector: axis(0), contextId: ctx });
      expect(again!.metadata.tags).toEqual(['a', 'b:c', '']);
    });

    it('refuses metadata it cannot store or filter, and the reserved field "text"', async () => {
      const ctx = uniqueContext('meta-bad');
      const bad: unknown[] = [
        { text: 'shadow' },
        { nested: { a: 1 } },
        { numbers: [1, 2] },
        { nan: Number.NaN },
        { inf: Number.POSITIVE_INFINITY },
        { fn: () => 1 },
        { date: new Date(0) },
        new Date(0),
        new Map([['a', 1]]),
        { undef: undefined },
        { $op: 'x' },
        'not an object',
        [1, 2],
      ];
      for (const metadata of bad) {
        await expectCode(h.store.storeVector('x', metadata as VectorMetadata, { vector: axis(0), contextId: ctx }), ErrorCode.INVALID_ARGUMENT);
      }
      expect(await h.store.count(ctx)).toBe(0);
    });
  });
}
