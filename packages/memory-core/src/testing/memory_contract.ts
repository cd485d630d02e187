import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BaseMemory } from '../base_memory.js';
import { ErrorCode, MemoryError } from '../errors.js';
import { contextIdArbitrary, keyArbitrary, storableValueArbitrary, trickyIds } from './arbitraries.js';

export interface MemoryContractOptions {
  /** A fresh, empty store owned by this test (own prefix, file or namespace). */
  create: () => BaseMemory | Promise<BaseMemory>;
  /** Property-test runs per property. */
  numRuns?: number;
  /** Skip the tests that wait for a 1 s TTL to pass. */
  skipExpiry?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected MemoryError(${code})`).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe(code);
  expect((error as MemoryError).message.length).toBeGreaterThan(10);
}

let sequence = 0;
/** A context id no other test uses, so stores on a shared server never see each other's data. */
const uniqueContext = (label: string) => `${label}#${process.pid}.${Date.now()}.${++sequence}`;

/** The behaviour every `BaseMemory` must have. Call it inside a test file: `describeMemoryContract('redis', { create })`. */
export function describeMemoryContract(name: string, options: MemoryContractOptions): void {
  const numRuns = options.numRuns ?? 100;

  describe(`BaseMemory contract: ${name}`, () => {
    let store: BaseMemory;
    beforeEach(async () => {
      store = await options.create();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('values', () => {
      const samples: Array<[string, unknown]> = [
        ['string', 'hello'],
        ['empty string', ''],
        ['integer', 42],
        ['negative float', -3.25],
        ['boolean', false],
        ['null', null],
        ['array', [1, 'two', { three: 3 }]],
        ['nested object', { user: { name: 'Ada', tags: ['x', 'y'], score: 0.5 } }],
        ['Date', new Date('2024-01-02T03:04:05.678Z')],
        ['Map', new Map<unknown, unknown>([['a', 1], [2, 'b']])],
        ['Set', new Set(['a', 'b', 3])],
        ['BigInt', 12345678901234567890123n],
        ['Uint8Array', new Uint8Array([0, 1, 2, 255])],
        ['object with __proto__ key', JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}')],
        ['large string', 'x'.repeat(200_000)],
      ];
      for (const [label, value] of samples) {
        it(`round-trips ${label}`, async () => {
          const ctx = uniqueContext('values');
          await store.saveContext('k', ctx, value);
          const loaded = await store.loadContext('k', ctx);
          expect(loaded).toEqual(value);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        });
      }

      it('returns undefined for a missing key', async () => {
        expect(await store.loadContext('missing', uniqueContext('missing'))).toBeUndefined();
      });

      it('overwrites an existing key', async () => {
        const ctx = uniqueContext('overwrite');
        await store.saveContext('k', ctx, { v: 1 });
        await store.saveContext('k', ctx, { v: 2 });
        expect(await store.loadContext('k', ctx)).toEqual({ v: 2 });
      });

      it('stores a copy: mutating the saved or loaded object changes nothing stored', async () => {
        const ctx = uniqueContext('copy');
        const profile = { name: 'Ada', tags: ['a'] };
        await store.saveContext('p', ctx, profile);
        profile.tags.push('mutated-after-save');
        const loaded = (await store.loadContext<typeof profile>('p', ctx))!;
        loaded.tags.push('mutated-after-load');
        expect(await store.loadContext('p', ctx)).toEqual({ name: 'Ada', tags: ['a'] });
      });
    });

    describe('delete and exists', () => {
      it('deletes and reports whether the key existed', async () => {
        const ctx = uniqueContext('delete');
        await store.saveContext('k', ctx, 1);
        expect(await store.exists('k', ctx)).toBe(true);
        expect(await store.deleteContext('k', ctx)).toBe(true);
        expect(await store.exists('k', ctx)).toBe(false);
        expect(await store.loadContext('k', ctx)).toBeUndefined();
        expect(await store.deleteContext('k', ctx)).toBe(false);
      });

      it('exists is true for a stored null or false', async () => {
        const ctx = uniqueContext('falsy');
        await store.saveContext('n', ctx, null);
        await store.saveContext('f', ctx, false);
        expect(await store.exists('n', ctx)).toBe(true);
        expect(await store.exists('f', ctx)).toBe(true);
        expect(await store.loadContext('n', ctx)).toBeNull();
      });
    });

    describe('bulk', () => {
      it('bulkLoad returns only the found keys, in a null-prototype record', async () => {
        const ctx = uniqueContext('bulk');
        await store.bulkSave({ a: 1, b: { x: 2 }, c: 'three' }, ctx);
        const loaded = await store.bulkLoad(['a', 'b', 'missing', 'c'], ctx);
        expect(Object.getPrototypeOf(loaded)).toBeNull();
        expect({ ...loaded }).toEqual({ a: 1, b: { x: 2 }, c: 'three' });
        expect(Object.keys(loaded).sort()).toEqual(['a', 'b', 'c']);
      });

      it('bulkLoad of no keys is an empty record', async () => {
        expect(Object.keys(await store.bulkLoad([], uniqueContext('empty')))).toEqual([]);
      });

      it('bulkSave accepts a Map, and keys such as __proto__ survive', async () => {
        const ctx = uniqueContext('bulk-map');
        await store.bulkSave(new Map<string, unknown>([['__proto__', 1], ['constructor', 2], ['a:b*', 3]]), ctx);
        const loaded = await store.bulkLoad(['__proto__', 'constructor', 'a:b*'], ctx);
        expect(Object.keys(loaded).sort()).toEqual(['__proto__', 'a:b*', 'constructor']);
        expect(loaded['__proto__']).toBe(1);
        expect(await store.loadContext('constructor', ctx)).toBe(2);
      });

      it('bulkSave of an empty record writes nothing and succeeds', async () => {
        const ctx = uniqueContext('bulk-empty');
        await store.bulkSave({}, ctx);
        expect(Object.keys(await store.bulkLoad(['a'], ctx))).toEqual([]);
      });

      it('a bulkSave with one unserializable value writes none of its entries', async () => {
        const ctx = uniqueContext('bulk-atomic');
        await store.saveContext('a', ctx, 'before');
        await expectCode(store.bulkSave({ a: 'after', b: 2, bad: () => 1 }, ctx), ErrorCode.SERIALIZATION_ERROR);
        expect(await store.loadContext('a', ctx)).toBe('before');
        expect(await store.exists('b', ctx)).toBe(false);
      });

      it('a bulkSave with an invalid key writes nothing', async () => {
        const ctx = uniqueContext('bulk-key');
        await expectCode(store.bulkSave({ good: 1, '': 2 }, ctx), ErrorCode.INVALID_ARGUMENT);
        expect(await store.exists('good', ctx)).toBe(false);
      });
    });

    describe('contexts are isolated and ids are data, not patterns', () => {
      it('the same key in two contexts holds two values', async () => {
        const a = uniqueContext('iso-a');
        const b = uniqueContext('iso-b');
        await store.saveContext('k', a, 'A');
        await store.saveContext('k', b, 'B');
        expect(await store.loadContext('k', a)).toBe('A');
        expect(await store.loadContext('k', b)).toBe('B');
        await store.deleteContext('k', a);
        expect(await store.loadContext('k', b)).toBe('B');
      });

      it('clear(ctx) removes exactly that context, whatever characters the ids hold', async () => {
        const suffix = uniqueContext('');
        const contexts = trickyIds.map((id) => `${id}${suffix}`);
        for (const ctx of contexts) {
          await store.bulkSave({ k1: ctx, 'k*': 2, [ctx]: 3 }, ctx);
        }
        const target = `a${suffix}`;
        expect(await store.clear(target)).toBe(3);
        expect(Object.keys(await store.bulkLoad(['k1', 'k*', target], target))).toEqual([]);
        for (const ctx of contexts.filter((c) => c !== target)) {
          expect(await store.loadContext('k1', ctx), `context ${JSON.stringify(ctx)} survived`).toBe(ctx);
        }
        const star = `*${suffix}`;
        expect(await store.clear(star)).toBe(3);
        expect(await store.exists('k1', star)).toBe(false);
        expect(await store.loadContext('k1', `a:b${suffix}`)).toBe(`a:b${suffix}`);
      });

      it('clear("*") clears only the context literally named "*"', async () => {
        const other = uniqueContext('other');
        await store.saveContext('k', '*', 'star');
        await store.saveContext('k', other, 'other');
        await store.clear('*');
        expect(await store.exists('k', '*')).toBe(false);
        expect(await store.loadContext('k', other)).toBe('other');
      });

      it('clear() removes every context of this store', async () => {
        const a = uniqueContext('all-a');
        const b = uniqueContext('all-b');
        await store.saveContext('k', a, 1);
        await store.bulkSave({ x: 1, y: 2 }, b);
        expect(await store.clear()).toBeGreaterThanOrEqual(3);
        expect(await store.exists('k', a)).toBe(false);
        expect(Object.keys(await store.bulkLoad(['x', 'y'], b))).toEqual([]);
      });

      it('property: round-trip, no read, delete or clear across contexts', async () => {
        await fc.assert(
          fc.asyncProperty(
            keyArbitrary(),
            contextIdArbitrary(),
            contextIdArbitrary(),
            storableValueArbitrary(),
            storableValueArbitrary(),
            async (key, ctx1, ctx2, v1, v2) => {
              fc.pre(ctx1 !== ctx2);
              await store.saveContext(key, ctx1, v1);
              await store.saveContext(key, ctx2, v2);
              expect(await store.loadContext(key, ctx1)).toEqual(v1);
              expect(await store.loadContext(key, ctx2)).toEqual(v2);
              expect(await store.bulkLoad([key], ctx2)).toEqual(Object.assign(Object.create(null), { [key]: v2 }));
              await store.deleteContext(key, ctx1);
              expect(await store.loadContext(key, ctx2)).toEqual(v2);
              await store.saveContext(key, ctx1, v1);
              await store.clear(ctx1);
              expect(await store.exists(key, ctx1)).toBe(false);
              expect(await store.loadContext(key, ctx2)).toEqual(v2);
              await store.clear(ctx2);
            },
          ),
          { numRuns },
        );
      });
    });

    describe('TTL', () => {
      it.skipIf(options.skipExpiry)('never returns expired data (load, exists, bulkLoad)', async () => {
        const ctx = uniqueContext('ttl');
        await store.saveContext('short', ctx, 'gone soon', { ttl: 1 });
        await store.bulkSave({ b1: 1, b2: 2 }, ctx, { ttl: 1 });
        await store.saveContext('forever', ctx, 'stays', { ttl: null });
        await store.saveContext('long', ctx, 'stays', { ttl: 3600 });
        expect(await store.loadContext('short', ctx)).toBe('gone soon');
        await sleep(1_300);
        expect(await store.loadContext('short', ctx)).toBeUndefined();
        expect(await store.exists('short', ctx)).toBe(false);
        expect(Object.keys(await store.bulkLoad(['b1', 'b2', 'long', 'forever'], ctx)).sort()).toEqual(['forever', 'long']);
        expect(await store.loadContext('forever', ctx)).toBe('stays');
      });

      it('loadEntry and bulkLoadEntries report the absolute expiry (null for never)', async () => {
        const ctx = uniqueContext('entry');
        const before = Date.now();
        await store.saveContext('hour', ctx, 'h', { ttl: 3600 });
        await store.saveContext('never', ctx, 'n', { ttl: null });
        const hour = await store.loadEntry('hour', ctx);
        expect(hour?.value).toBe('h');
        expect(hour!.expiresAt).toBeGreaterThanOrEqual(before + 3_599_000);
        expect(hour!.expiresAt).toBeLessThanOrEqual(Date.now() + 3_601_000);
        expect(await store.loadEntry('never', ctx)).toEqual({ value: 'n', expiresAt: null });
        expect(await store.loadEntry('missing', ctx)).toBeUndefined();
        const entries = await store.bulkLoadEntries(['hour', 'never', 'missing'], ctx);
        expect([...entries.keys()].sort()).toEqual(['hour', 'never']);
        expect(entries.get('never')).toEqual({ value: 'n', expiresAt: null });
        expect(entries.get('hour')!.expiresAt).toBe(hour!.expiresAt);
      });

      it('an omitted ttl uses the store default, which is finite unless configured otherwise', async () => {
        const ctx = uniqueContext('entry-default');
        await store.saveContext('k', ctx, 1);
        const entry = await store.loadEntry('k', ctx);
        expect(entry?.value).toBe(1);
        if (entry!.expiresAt !== null) expect(entry!.expiresAt).toBeGreaterThan(Date.now());
      });

      it.skipIf(options.skipExpiry)('saving again with a new TTL replaces the old one', async () => {
        const ctx = uniqueContext('ttl-replace');
        await store.saveContext('k', ctx, 1, { ttl: 1 });
        await store.saveContext('k', ctx, 2, { ttl: 3600 });
        await sleep(1_300);
        expect(await store.loadContext('k', ctx)).toBe(2);
      });

      for (const ttl of [0, -1, Number.NaN, 1.5, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
        it(`rejects ttl ${String(ttl)} with INVALID_ARGUMENT and writes nothing`, async () => {
          const ctx = uniqueContext('ttl-bad');
          await expectCode(store.saveContext('k', ctx, 1, { ttl }), ErrorCode.INVALID_ARGUMENT);
          await expectCode(store.bulkSave({ b: 1 }, ctx, { ttl }), ErrorCode.INVALID_ARGUMENT);
          expect(await store.exists('k', ctx)).toBe(false);
          expect(await store.exists('b', ctx)).toBe(false);
        });
      }
    });

    describe('bad input', () => {
      const badIds: Array<[string, unknown]> = [
        ['empty string', ''],
        ['a number', 42],
        ['undefined', undefined],
        ['a lone surrogate', 'a\uD800b'],
      ];
      for (const [label, bad] of badIds) {
        it(`rejects ${label} as key or context with INVALID_ARGUMENT`, async () => {
          const id = bad as string;
          await expectCode(store.saveContext(id, 'ctx', 1), ErrorCode.INVALID_ARGUMENT);
          await expectCode(store.saveContext('k', id, 1), ErrorCode.INVALID_ARGUMENT);
          await expectCode(store.loadContext(id, 'ctx'), ErrorCode.INVALID_ARGUMENT);
          await expectCode(store.loadContext('k', id), ErrorCode.INVALID_ARGUMENT);
          await expectCode(store.deleteContext(id, 'ctx'), ErrorCode.INVALID_ARGUMENT);
          await expectCode(store.exists('k', id), ErrorCode.INVALID_ARGUMENT);
          await expectCode(store.bulkLoad([id], 'ctx'), ErrorCode.INVALID_ARGUMENT);
          await expectCode(store.clear(id), ErrorCode.INVALID_ARGUMENT);
        });
      }

      const unserializable: Array<[string, () => unknown]> = [
        ['a function', () => () => 1],
        ['a symbol', () => Symbol('s')],
        ['an object holding a function', () => ({ fn() {} })],
        [
          'a cyclic object',
          () => {
            const o: Record<string, unknown> = { a: 1 };
            o.self = o;
            return o;
          },
        ],
      ];
      for (const [label, make] of unserializable) {
        it(`rejects ${label} with SERIALIZATION_ERROR and keeps the old value`, async () => {
          const ctx = uniqueContext('unser');
          await store.saveContext('k', ctx, 'old');
          await expectCode(store.saveContext('k', ctx, make()), ErrorCode.SERIALIZATION_ERROR);
          expect(await store.loadContext('k', ctx)).toBe('old');
        });
      }

      it('rejects undefined as a value (it means "missing")', async () => {
        const ctx = uniqueContext('undef');
        await expectCode(store.saveContext('k', ctx, undefined), ErrorCode.INVALID_ARGUMENT);
        expect(await store.exists('k', ctx)).toBe(false);
      });
    });

    describe('stats and lifecycle', () => {
      it('getStats returns the backend name and plain numbers', async () => {
        const ctx = uniqueContext('stats');
        await store.bulkSave({ a: 1, b: 2 }, ctx);
        const stats = await store.getStats();
        expect(stats.backend).toBe(store.name);
        expect(typeof stats.totalKeys).toBe('number');
        expect(stats.totalKeys).toBeGreaterThanOrEqual(2);
        for (const value of Object.values(stats)) {
          expect(['string', 'number', 'boolean'].includes(typeof value) || value === null).toBe(true);
        }
      });

      it('fails with CLOSED after close, and close is idempotent', async () => {
        const own = await options.create();
        await own.close();
        await own.close();
        await expectCode(own.loadContext('k', 'ctx'), ErrorCode.CLOSED);
        await expectCode(own.saveContext('k', 'ctx', 1), ErrorCode.CLOSED);
      });
    });
  });
}
