import { describe, expect, it } from 'vitest';
import { InProcessMemory, MemoryManager } from '../src/index.js';
import { GatedMemory } from './gated_memory.js';
import { settle } from './support.js';

const CACHE = 10;
const keysOf = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
const recordOf = (i: number) => ({ i, tags: [`t${i}`] });

/** Which of `keys` L1 answers (a store read counted in stats.loads means it didn't). */
async function cachedKeys(manager: MemoryManager, keys: readonly string[], ctx: string): Promise<string[]> {
  const cached: string[] = [];
  for (const key of keys) {
    const before = manager.getManagerStats().hits;
    await manager.exists(key, ctx);
    if (manager.getManagerStats().hits > before) cached.push(key);
  }
  return cached;
}

describe('bulk paths bigger than L1', () => {
  it('a bulkLoad of more keys than cacheSize reads around L1: the working set stays, nothing is added', async () => {
    const manager = new MemoryManager(new InProcessMemory({ sweepIntervalMs: 0 }), undefined, { cacheSize: CACHE });
    const keys = keysOf(50);
    await manager.bulkSave(new Map(keys.map((key, i) => [key, recordOf(i)])), 'ctx');
    await manager.invalidateCache();
    // The working set: three keys of another context, and one of this context read just before the scan.
    await manager.bulkSave({ hot1: 1, hot2: 2, hot3: 3 }, 'other');
    expect(await manager.load('k7', 'ctx')).toEqual(recordOf(7));
    const loadsBefore = manager.getManagerStats().loads;
    const found = await manager.bulkLoad([...keys, 'absent'], 'ctx', { default: null });
    expect(Object.keys(found)).toEqual([...keys, 'absent']);
    expect(found.k3).toEqual(recordOf(3));
    expect(found.absent).toBeNull();
    const stats = manager.getManagerStats();
    expect(stats.loads - loadsBefore).toBe(1);
    expect(stats.evictions).toBe(0);
    expect(stats.cacheCurrentItems).toBe(4);
    expect(await cachedKeys(manager, keys, 'ctx')).toEqual(['k7']);
    expect(await cachedKeys(manager, ['hot1', 'hot2', 'hot3'], 'other')).toEqual(['hot1', 'hot2', 'hot3']);
    await manager.close();
  });

  it('a bulkLoad that fits in L1 caches what it finds', async () => {
    const manager = new MemoryManager(new InProcessMemory({ sweepIntervalMs: 0 }), undefined, { cacheSize: CACHE });
    const keys = keysOf(CACHE);
    await manager.bulkSave(new Map(keys.map((key, i) => [key, recordOf(i)])), 'ctx');
    await manager.invalidateCache();
    await manager.bulkLoad([...keys.slice(0, 8), 'absent'], 'ctx');
    expect(await cachedKeys(manager, keys, 'ctx')).toEqual(keys.slice(0, 8));
    await manager.close();
  });

  it('values handed out from a big bulkLoad never alias L1, cached or not', async () => {
    const manager = new MemoryManager(new InProcessMemory({ sweepIntervalMs: 0 }), undefined, { cacheSize: CACHE });
    const keys = keysOf(30);
    await manager.bulkSave(new Map(keys.map((key, i) => [key, recordOf(i)])), 'ctx');
    await manager.invalidateCache({ contextId: 'ctx' });
    const first = await manager.bulkLoad<{ tags: string[] }>(keys, 'ctx');
    for (const key of keys) first[key]!.tags.push('mutated');
    const again = await manager.bulkLoad<{ tags: string[] }>(keys, 'ctx');
    keys.forEach((key, i) => expect(again[key]).toEqual(recordOf(i)));
    // A repeated key in one call still gives the caller an unshared value.
    const twice = await manager.bulkLoad<{ tags: string[] }>(['k0', 'k0', 'k29', 'k29'], 'ctx');
    twice.k29!.tags.push('mutated');
    expect(await manager.load('k29', 'ctx')).toEqual(recordOf(29));
    await manager.close();
  });

  // A bulk read that fits in L1 (cacheSize 3) registers its keys: a load joins it. One bigger than
  // L1 (cacheSize 2) is a scan around L1: a load reads on its own. Either way neither caller's
  // value is the other's.
  it.each([
    ['joins a bulk read in flight and shares its one store read', 3, 'bulkLoadEntries', 1],
    ['during a scan bigger than L1 reads on its own', 2, 'bulkLoad', 2],
  ] as const)('a load %s, and gets its own copy', async (_how, cacheSize, bulkMethod, storeReads) => {
    const key = 'c';
    const store = new GatedMemory();
    const manager = new MemoryManager(store, undefined, { cacheSize });
    const saved = { a: { n: 1 }, b: { n: 2 }, c: { n: 3 } };
    await store.inner.bulkSave(saved, 'ctx');
    const gate = store.hold(bulkMethod);
    const bulk = manager.bulkLoad<{ n: number }>(['a', 'b', 'c'], 'ctx');
    await settle();
    const single = manager.load<{ n: number }>(key, 'ctx');
    gate.resolve();
    const [record, loaded] = await Promise.all([bulk, single]);
    expect(manager.getManagerStats().loads).toBe(storeReads);
    record[key]!.n = 100;
    expect(loaded).toEqual(saved[key]);
    loaded!.n = 200;
    expect(record[key]).toEqual({ n: 100 });
    expect(await manager.load(key, 'ctx')).toEqual(saved[key]);
    await manager.close();
  });

  it('bulkSave caches only the last cacheSize entries and drops older L1 copies of the rest', async () => {
    const manager = new MemoryManager(new InProcessMemory({ sweepIntervalMs: 0 }), undefined, { cacheSize: CACHE });
    const keys = keysOf(40);
    // k0..k9 are in L1 with old values before the big write.
    await manager.bulkSave(new Map(keys.slice(0, CACHE).map((key) => [key, 'old'])), 'ctx');
    expect(await cachedKeys(manager, keys.slice(0, CACHE), 'ctx')).toEqual(keys.slice(0, CACHE));
    const fresh = new Map(keys.map((key, i) => [key, recordOf(i)]));
    await manager.bulkSave(fresh, 'ctx');
    expect(manager.getManagerStats().evictions).toBe(0);
    expect(await cachedKeys(manager, keys, 'ctx')).toEqual(keys.slice(-CACHE));
    // The cached ones are copies: mutating what was saved changes nothing L1 answers.
    fresh.get('k39')!.tags.push('mutated');
    expect(await manager.load('k39', 'ctx')).toEqual(recordOf(39));
    for (const [i, key] of keys.entries()) expect(await manager.load(key, 'ctx')).toEqual(recordOf(i));
    await manager.close();
  });
});

describe('bulkLoad result shape, cold and warm L1', () => {
  it('gives the same record, in request order with defaults for missing keys, whether or not L1 held some keys', async () => {
    const manager = new MemoryManager(new InProcessMemory({ sweepIntervalMs: 0 }), undefined, { cacheSize: 4 });
    const keys = ['k5', 'absent', 'k1', 'k7', 'k1', 'k3', 'gone', 'k9'];
    await manager.bulkSave(new Map(['k1', 'k3', 'k5', 'k7', 'k9'].map((key) => [key, { key }])), 'ctx');
    await manager.invalidateCache({ contextId: 'ctx' });
    const cold = await manager.bulkLoad(keys, 'ctx', { default: 'none' });
    // Now L1 holds some of them: the other path builds the record.
    const warm = await manager.bulkLoad(keys, 'ctx', { default: 'none' });
    const expected = { k5: { key: 'k5' }, absent: 'none', k1: { key: 'k1' }, k7: { key: 'k7' }, k3: { key: 'k3' }, gone: 'none', k9: { key: 'k9' } };
    for (const record of [cold, warm]) {
      expect(Object.keys(record)).toEqual(Object.keys(expected));
      expect({ ...record }).toEqual(expected);
      expect(Object.getPrototypeOf(record)).toBe(null);
    }
    (cold.k9 as unknown as { key: string }).key = 'mutated';
    (warm.k9 as unknown as { key: string }).key = 'mutated';
    expect(await manager.load('k9', 'ctx')).toEqual({ key: 'k9' });
    await manager.close();
  });
});
