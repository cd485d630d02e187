import { describe, expect, it } from 'vitest';
import { InProcessMemory, MemoryManager, type ManagerEventMap, type ManagerEventName } from '../src/index.js';

function record(manager: MemoryManager, events: ManagerEventName[]) {
  const seen: Array<[ManagerEventName, unknown]> = [];
  for (const event of events) manager.on(event, (payload: ManagerEventMap[typeof event]) => seen.push([event, payload]));
  return seen;
}

describe('MemoryManager events', () => {
  it('reports hits, misses, writes, deletes and clears with keys and sizes, never values', async () => {
    const manager = new MemoryManager(new InProcessMemory());
    const seen = record(manager, ['cache:hit', 'cache:miss', 'write', 'delete', 'clear']);
    const sizes: number[] = [];
    manager.on('write', (e) => sizes.push(e.bytes));
    await manager.save('a', 'ctx', { text: 'hello' });
    await manager.load('a', 'ctx');
    await manager.load('b', 'ctx');
    await manager.bulkLoad(['a', 'b', 'a'], 'ctx');
    await manager.bulkSave({ c: 1, d: 'x'.repeat(100) }, 'ctx');
    expect(await manager.exists('c', 'ctx')).toBe(true);
    expect(await manager.delete('a', 'ctx')).toBe(true);
    expect(await manager.withCache(() => 5, 'w', 'ctx')).toBe(5);
    expect(await manager.clear('ctx')).toBe(3);
    expect(seen).toEqual([
      ['write', expect.objectContaining({ op: 'save', contextId: 'ctx', keys: ['a'] })],
      ['cache:hit', { op: 'load', key: 'a', contextId: 'ctx' }],
      ['cache:miss', { op: 'load', key: 'b', contextId: 'ctx' }],
      ['cache:hit', { op: 'bulkLoad', key: 'a', contextId: 'ctx' }],
      ['cache:miss', { op: 'bulkLoad', key: 'b', contextId: 'ctx' }],
      ['write', expect.objectContaining({ op: 'bulkSave', contextId: 'ctx', keys: ['c', 'd'] })],
      ['cache:hit', { op: 'exists', key: 'c', contextId: 'ctx' }],
      ['delete', { key: 'a', contextId: 'ctx', existed: true }],
      ['cache:miss', { op: 'withCache', key: 'w', contextId: 'ctx' }],
      ['write', expect.objectContaining({ op: 'withCache', contextId: 'ctx', keys: ['w'] })],
      ['clear', { contextId: 'ctx', removed: 3 }],
    ]);
    // Encoded sizes: a small record, then 1 + a 100-char string, then the number 5.
    expect(sizes[0]).toBeGreaterThan(5);
    expect(sizes[0]).toBeLessThan(64);
    expect(sizes[1]).toBeGreaterThan(100);
    expect(sizes[1]).toBeLessThan(140);
    expect(sizes[2]).toBeGreaterThan(0);
    expect(JSON.stringify(seen)).not.toContain('hello');
    await manager.close();
  });

  it('operation and error: every call once, timed, with its outcome and error code', async () => {
    const manager = new MemoryManager(new InProcessMemory());
    const ops: Array<ManagerEventMap['operation']> = [];
    const errors: Array<ManagerEventMap['error']> = [];
    manager.on('operation', (e) => ops.push(e)).on('error', (e) => errors.push(e));
    await manager.save('k', 'ctx', 1);
    await manager.load('k', 'ctx');
    await expect(manager.save('k', 'ctx', Symbol('no'))).rejects.toMatchObject({ code: 'SERIALIZATION_ERROR' });
    await expect(manager.load('', 'ctx')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(manager.withCache(() => Promise.reject(new Error('own')), 'x', 'ctx')).rejects.toThrow('own');
    expect(ops.map((e) => [e.op, e.outcome, e.contextId, e.code])).toEqual([
      ['save', 'ok', 'ctx', undefined],
      ['load', 'ok', 'ctx', undefined],
      ['save', 'error', 'ctx', 'SERIALIZATION_ERROR'],
      ['load', 'error', 'ctx', 'INVALID_ARGUMENT'],
      ['withCache', 'error', 'ctx', 'UNKNOWN'],
    ]);
    for (const e of ops) expect(e.durationMs).toBeGreaterThanOrEqual(0);
    expect(errors).toEqual([
      { op: 'save', code: 'SERIALIZATION_ERROR', contextId: 'ctx' },
      { op: 'load', code: 'INVALID_ARGUMENT', contextId: 'ctx' },
      { op: 'withCache', code: 'UNKNOWN', contextId: 'ctx' },
    ]);
    await manager.close();
  });

  it('once fires once; off removes; a throwing listener never fails the call; unobserved managers have no tracking', async () => {
    const manager = new MemoryManager(new InProcessMemory());
    let once = 0;
    let on = 0;
    const listener = () => on++;
    manager.once('write', () => once++);
    manager.on('write', listener);
    manager.on('write', () => {
      throw new Error('listener bug');
    });
    await manager.save('a', 'c', 1);
    await manager.save('b', 'c', 2);
    manager.off('write', listener);
    await manager.save('c', 'c', 3);
    expect([once, on]).toEqual([1, 2]);

    const op = (): void => undefined;
    manager.on('operation', op);
    expect(Object.getOwnPropertyNames(manager)).toContain('load');
    manager.off('operation', op);
    expect(Object.getOwnPropertyNames(manager)).not.toContain('load');
    expect(await manager.load('a', 'c')).toBe(1);
    await manager.close();
  });
});
