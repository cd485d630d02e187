import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseMemory } from '../base_memory.js';
import { contextIdArbitrary, keyArbitrary, storableValueArbitrary } from './arbitraries.js';

export interface MemoryFuzzOptions {
  /** One store for the whole suite, owned by it (own prefix, file or namespace). */
  create: () => BaseMemory | Promise<BaseMemory>;
  /** Cases per property (there are three properties). Default 2000. */
  numRuns?: number;
  /** Fixed seed to replay a failure; random by default (fast-check prints the seed of a failure). */
  seed?: number;
}

/**
 * An id that a store treating ids as patterns, paths, prefixes or escapes would confuse with
 * `id`: a glob that matches it, a prefix or extension of it, its percent-encoding, a hash tag
 * around it, another Unicode normalisation of it. Never equal to `id`.
 */
export const relatedIdArbitrary = (id: string): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom(
        `${id}*`,
        '*',
        `${id}?`,
        `${id}:`,
        `${id}:x`,
        `:${id}`,
        `{${id}}`,
        `${id}}`,
        `${id}\\`,
        `[${id}]`,
        encodeURIComponent(id),
        id.replace(/[:*?{}%\s]/gu, (ch) => `%${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(2, '0')}`),
        id.normalize('NFD'),
        id.normalize('NFC'),
        id.toUpperCase(),
        `${id} `,
        id.length > 1 ? id.slice(0, -1) : `${id}${id}`,
      ),
      keyArbitrary(),
    )
    .map((other) => (other === id || !other.isWellFormed() || other.length === 0 ? `${id}~` : other));

/** Two distinct contexts, often related (see relatedIdArbitrary). */
const contextPair = () => contextIdArbitrary().chain((a) => fc.tuple(fc.constant(a), relatedIdArbitrary(a)));

/**
 * Property-based hostile-input suite for any `BaseMemory`: thousands of generated keys, context
 * ids and values, each case a handful of cheap calls. It checks round-trip equality (single and
 * bulk), and that no read, delete or clear ever crosses a context, whatever the ids contain.
 * Call it from a test file: `describeMemoryFuzz('redis', { create, numRuns: 2000 })`.
 */
export function describeMemoryFuzz(name: string, options: MemoryFuzzOptions): void {
  const numRuns = options.numRuns ?? 2_000;
  const params = { numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) };

  describe(`BaseMemory fuzz: ${name} (${numRuns} cases per property)`, () => {
    let store: BaseMemory;
    beforeAll(async () => {
      store = await options.create();
    });
    afterAll(async () => {
      await store.close();
    });

    it('round-trips any key, context id and value (load, loadEntry, bulkLoad, exists)', async () => {
      await fc.assert(
        fc.asyncProperty(keyArbitrary(), contextIdArbitrary(), storableValueArbitrary(), async (key, ctx, value) => {
          await store.clear(ctx);
          await store.saveContext(key, ctx, value, { ttl: 600 });
          expect(await store.loadContext(key, ctx)).toEqual(value);
          expect((await store.loadEntry(key, ctx))?.value).toEqual(value);
          const bulk = await store.bulkLoad([key], ctx);
          expect(Object.keys(bulk)).toEqual([key]);
          expect(bulk[key]).toEqual(value);
          expect(await store.exists(key, ctx)).toBe(true);
          expect(await store.clear(ctx)).toBe(1);
        }),
        params,
      );
    });

    it('never reads, deletes or clears across contexts, however the ids resemble each other', async () => {
      await fc.assert(
        fc.asyncProperty(
          keyArbitrary().chain((k) => fc.tuple(fc.constant(k), relatedIdArbitrary(k))),
          contextPair(),
          storableValueArbitrary(),
          storableValueArbitrary(),
          async ([key, otherKey], [ctx1, ctx2], v1, v2) => {
            await store.clear(ctx1);
            await store.clear(ctx2);
            await store.saveContext(key, ctx1, v1, { ttl: 600 });
            await store.bulkSave(new Map([[key, v2], [otherKey, v1]]), ctx2, { ttl: 600 });
            // Reads see only their own context.
            expect(await store.loadContext(key, ctx1)).toEqual(v1);
            expect(await store.loadContext(key, ctx2)).toEqual(v2);
            expect(await store.exists(otherKey, ctx1)).toBe(false);
            expect(Object.keys(await store.bulkLoad([key, otherKey], ctx1))).toEqual([key]);
            // A delete in ctx1 leaves ctx2 alone, and a delete of a look-alike key deletes nothing else.
            expect(await store.deleteContext(otherKey, ctx1)).toBe(false);
            expect(await store.deleteContext(key, ctx1)).toBe(true);
            expect(await store.loadContext(key, ctx2)).toEqual(v2);
            // clear(ctx1) removes ctx1 only: nothing of ctx2 was counted or removed.
            await store.saveContext(otherKey, ctx1, v2, { ttl: 600 });
            expect(await store.clear(ctx1)).toBe(1);
            const left = await store.bulkLoad([key, otherKey], ctx2);
            expect(Object.keys(left).sort()).toEqual([key, otherKey].sort());
            expect(await store.clear(ctx2)).toBe(2);
          },
        ),
        params,
      );
    });

    it('bulkSave then bulkLoad returns exactly the saved entries, with look-alike keys absent', async () => {
      await fc.assert(
        fc.asyncProperty(
          contextIdArbitrary(),
          fc.uniqueArray(fc.tuple(keyArbitrary(), storableValueArbitrary()), { selector: ([k]) => k, minLength: 1, maxLength: 8 }),
          async (ctx, pairs) => {
            await store.clear(ctx);
            const entries = new Map(pairs);
            const lookAlikes = pairs.map(([k]) => `${k}*`).filter((k) => !entries.has(k));
            await store.bulkSave(entries, ctx, { ttl: 600 });
            const loaded = await store.bulkLoad([...entries.keys(), ...lookAlikes], ctx);
            expect(Object.getPrototypeOf(loaded)).toBeNull();
            expect(Object.keys(loaded).sort()).toEqual([...entries.keys()].sort());
            for (const [key, value] of entries) expect(loaded[key]).toEqual(value);
            const withExpiry = await store.bulkLoadEntries([...entries.keys()], ctx);
            expect(withExpiry.size).toBe(entries.size);
            expect(await store.clear(ctx)).toBe(entries.size);
          },
        ),
        params,
      );
    });
  });
}
