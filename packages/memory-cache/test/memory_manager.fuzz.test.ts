import type { BaseMemory, BulkEntries, MemoryEntry, MemoryError, SaveOptions } from '@engram/memory-core';
import { contextIdArbitrary, describeMemoryFuzz, keyArbitrary, relatedIdArbitrary, storableValueArbitrary } from '@engram/memory-core/testing';
import { compilePattern, matchesPattern } from '@engram/memory-utils';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessMemory, MemoryManager } from '../src/index.js';

const NUM_RUNS = 2_000;

/** MemoryManager seen through BaseMemory, so the shared fuzz suite drives it (L1 in the path of every read). */
function managerAsMemory(manager: MemoryManager): BaseMemory {
  return {
    name: 'manager',
    loadContext: <T>(key: string, ctx: string) => manager.load<T>(key, ctx),
    loadEntry: async <T>(key: string, ctx: string): Promise<MemoryEntry<T> | undefined> => {
      const found = await manager.bulkLoad<T>([key], ctx);
      return key in found ? { value: found[key]!, expiresAt: null } : undefined;
    },
    bulkLoadEntries: async <T>(keys: readonly string[], ctx: string) => {
      const found = await manager.bulkLoad<T>(keys, ctx);
      return new Map(Object.keys(found).map((k) => [k, { value: found[k]!, expiresAt: null }]));
    },
    saveContext: (key: string, ctx: string, data: unknown, options?: SaveOptions) => manager.save(key, ctx, data, options),
    deleteContext: (key: string, ctx: string) => manager.delete(key, ctx),
    exists: (key: string, ctx: string) => manager.exists(key, ctx),
    bulkLoad: <T>(keys: readonly string[], ctx: string) => manager.bulkLoad<T>(keys, ctx),
    bulkSave: (entries: BulkEntries, ctx: string, options?: SaveOptions) => manager.bulkSave(entries, ctx, options),
    clear: (...args: [string?]) => (args.length === 0 ? manager.clear() : manager.clear(args[0]!)),
    getStats: async () => ({ backend: 'manager', totalKeys: 0 }),
    close: () => manager.close(),
  };
}

describeMemoryFuzz('MemoryManager over InProcessMemory', {
  create: () => managerAsMemory(new MemoryManager(new InProcessMemory(), undefined, { cacheSize: 10_000 })),
  numRuns: NUM_RUNS,
});

/** A glob over keys built from the key itself, so it often matches: `*`, a prefix + `*`, `?` runs, escapes. */
const patternFor = (key: string) =>
  fc.oneof(
    fc.constant('*'),
    fc.constant(`${key.replace(/[*?\\]/g, (c) => `\\${c}`)}`),
    fc.nat({ max: key.length }).map((n) => `${[...key].slice(0, n).join('').replace(/[*?\\]/g, (c) => `\\${c}`)}*`),
    fc.constant('?'.repeat([...key].length)),
    keyArbitrary(),
  );

describe(`MemoryManager.invalidateCache never escapes its context (${NUM_RUNS} cases)`, () => {
  let primary: InProcessMemory;
  let manager: MemoryManager;
  beforeAll(() => {
    primary = new InProcessMemory();
    manager = new MemoryManager(primary, undefined, { cacheSize: 10_000 });
  });
  afterAll(async () => {
    await manager.close();
  });

  it('a pattern (or context) invalidation drops exactly the matching keys of that context from L1', async () => {
    let dropped = 0;
    await fc.assert(
      fc.asyncProperty(
        keyArbitrary().chain((k) => fc.tuple(fc.constant(k), relatedIdArbitrary(k), patternFor(k))),
        contextIdArbitrary().chain((c) => fc.tuple(fc.constant(c), relatedIdArbitrary(c))),
        storableValueArbitrary(),
        fc.boolean(),
        async ([key, otherKey, pattern], [ctx1, ctx2], value, wholeContext) => {
          await manager.clear(ctx1);
          await manager.clear(ctx2);
          // L1 holds "old" for every (key, ctx); the store then changes behind the manager's back,
          // so a load tells which entries invalidateCache dropped (fresh) and which it kept (old).
          for (const ctx of [ctx1, ctx2]) await manager.bulkSave(new Map([[key, 'old'], [otherKey, 'old']]), ctx);
          for (const ctx of [ctx1, ctx2]) await primary.bulkSave(new Map([[key, value], [otherKey, value]]), ctx);
          // A malformed glob (a trailing lone backslash) is refused, and then nothing is dropped.
          let valid = true;
          try {
            compilePattern(pattern);
          } catch {
            valid = false;
          }
          const invalidation = wholeContext
            ? manager.invalidateCache({ contextId: ctx1 })
            : manager.invalidateCache({ contextId: ctx1, pattern });
          const count = wholeContext || valid ? await invalidation : await invalidation.catch((e: MemoryError) => (expect(e.code).toBe('INVALID_ARGUMENT'), 0));
          const expected = (k: string) => wholeContext || (valid && matchesPattern(k, pattern));
          expect(count).toBe([key, otherKey].filter(expected).length);
          dropped += count;
          for (const k of [key, otherKey]) {
            expect(await manager.load(k, ctx1)).toEqual(expected(k) ? value : 'old');
            expect(await manager.load(k, ctx2)).toBe('old');
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
    expect(dropped).toBeGreaterThan(NUM_RUNS / 2);
  });
});
