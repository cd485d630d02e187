import { describe, expect, it } from 'vitest';
import { MemoryManager } from '../src/index.js';
import { GatedMemory } from './gated_memory.js';
import { deferred, settle } from './support.js';

function setup() {
  const store = new GatedMemory();
  return { store, manager: new MemoryManager(store, undefined, { cacheCleanupIntervalMs: 0 }) };
}

/** Overlapping operations in one process: L1 must end up agreeing with the store. */
describe('MemoryManager under overlapping operations', () => {
  it('a read that overlapped a save does not put its older value in L1', async () => {
    const { store, manager } = setup();
    await store.inner.saveContext('k', 'ctx', 'old');
    const gate = store.hold('loadEntry');
    const loading = manager.load('k', 'ctx');
    await settle();
    await manager.save('k', 'ctx', 'new');
    gate.resolve();
    expect(await loading).toBe('old'); // it read before the write: fine to return
    expect(await manager.load('k', 'ctx')).toBe('new');
    await manager.close();
  });

  it('a load that starts after a save does not join a read that started before it', async () => {
    const { store, manager } = setup();
    await store.inner.saveContext('k', 'ctx', 'old');
    const gate = store.hold('loadEntry');
    const early = manager.load('k', 'ctx');
    await settle();
    await manager.save('k', 'ctx', 'new', { updateCache: false });
    expect(await manager.load('k', 'ctx')).toBe('new');
    gate.resolve();
    expect(await early).toBe('old');
    expect(await manager.load('k', 'ctx')).toBe('new');
    await manager.close();
  });

  it('saves answered out of order leave L1 with the value the store kept', async () => {
    const { store, manager } = setup();
    const gate = store.hold('saveContext');
    const first = manager.save('k', 'ctx', 'A');
    await settle();
    await manager.save('k', 'ctx', 'B');
    gate.resolve();
    await first;
    expect(await store.inner.loadContext('k', 'ctx')).toBe('B');
    expect(await manager.load('k', 'ctx')).toBe('B');
    await manager.close();
  });

  it('a delete answered before an earlier save leaves nothing stale in L1', async () => {
    const { store, manager } = setup();
    const gate = store.hold('saveContext');
    const saving = manager.save('k', 'ctx', 'A');
    await settle();
    expect(await manager.delete('k', 'ctx')).toBe(true);
    gate.resolve();
    await saving;
    expect(await manager.load('k', 'ctx')).toBeUndefined();
    await manager.close();
  });

  it('clear and invalidation during a read keep its result out of L1', async () => {
    const { store, manager } = setup();
    await store.inner.bulkSave({ k: 'old', p: 'old' }, 'ctx');
    let gate = store.hold('loadEntry');
    const loading = manager.load('k', 'ctx');
    await settle();
    await manager.clear('ctx');
    gate.resolve();
    await loading;
    expect(await manager.load('k', 'ctx')).toBeUndefined();

    await store.inner.saveContext('p', 'ctx', 'old');
    gate = store.hold('bulkLoadEntries');
    const bulk = manager.bulkLoad(['p'], 'ctx');
    await settle();
    await manager.invalidateCache({ pattern: 'p*', contextId: 'ctx' });
    await store.inner.saveContext('p', 'ctx', 'new'); // another process wrote it, then told us
    gate.resolve();
    expect((await bulk).p).toBe('old');
    expect(await manager.load('p', 'ctx')).toBe('new');
    await manager.close();
  });

  it('a bulk read and a single read of the same key share one store read', async () => {
    const { store, manager } = setup();
    await store.inner.saveContext('k', 'ctx', 'v');
    const gate = store.hold('loadEntry');
    const single = manager.load('k', 'ctx');
    const bulk = manager.bulkLoad(['k'], 'ctx');
    await settle();
    gate.resolve();
    expect([await single, (await bulk).k]).toEqual(['v', 'v']);
    expect(manager.getManagerStats().loads).toBe(1);
    await manager.close();
  });

  it('forceRefresh replaces an unforced run for later callers; the replaced run saves nothing', async () => {
    const { store, manager } = setup();
    const slow = deferred<string>();
    const unforced = manager.withCache(() => slow.promise, 'k', 'ctx');
    await settle();
    const forced = manager.withCache(() => 'fresh', 'k', 'ctx', { forceRefresh: true });
    expect(await manager.withCache(() => 'joined?', 'k', 'ctx', { forceRefresh: true })).toBe('fresh');
    expect(await forced).toBe('fresh');
    slow.resolve('late');
    expect(await unforced).toBe('late');
    expect(await store.inner.loadContext('k', 'ctx')).toBe('fresh');
    expect(await manager.load('k', 'ctx')).toBe('fresh');
    await manager.close();
  });

  it('clear during a withCache run keeps its result out of the cleared context', async () => {
    const { store, manager } = setup();
    const slow = deferred<string>();
    const running = manager.withCache(() => slow.promise, 'k', 'ctx');
    await settle();
    await manager.clear('ctx');
    slow.resolve('computed before the clear');
    expect(await running).toBe('computed before the clear');
    expect(await store.inner.exists('k', 'ctx')).toBe(false);
    expect(await manager.exists('k', 'ctx')).toBe(false);
    await manager.close();
  });
});
