import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@engram/memory-core';
import { storableValueArbitrary } from '@engram/memory-core/testing';
import { cloneValue, deserializeData, serializeData } from '../src/index.js';
import { richValueArbitrary } from './value_arbitraries.js';

/** Changes every mutable thing reachable from `value`; returns how many it changed. */
function mutateEverything(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let changed = 1;
  if (Array.isArray(value)) {
    for (const item of value) changed += mutateEverything(item);
    value.push('mutated');
  } else if (value instanceof Map) {
    for (const [k, v] of value) changed += mutateEverything(k) + mutateEverything(v);
    value.set('mutated', true);
  } else if (value instanceof Set) {
    for (const v of value) changed += mutateEverything(v);
    value.add('mutated');
  } else if (value instanceof Date) {
    value.setTime(value.getTime() + 1);
  } else if (ArrayBuffer.isView(value)) {
    new Uint8Array(value.buffer, value.byteOffset, value.byteLength).fill(7);
  } else {
    for (const key of Object.keys(value)) changed += mutateEverything((value as Record<string, unknown>)[key]);
    Object.defineProperty(value, 'mutated', { value: true, enumerable: true });
  }
  return changed;
}

describe('cloneValue', () => {
  it('returns primitives as they are', () => {
    for (const value of ['s', 1, -0, Number.NaN, true, null, undefined, 10n]) expect(Object.is(cloneValue(value), value)).toBe(true);
  });

  it('deep-copies: equal, and mutating the copy never changes the original (property)', () => {
    fc.assert(
      fc.property(fc.oneof(richValueArbitrary(), storableValueArbitrary()), (value) => {
        const snapshot = deserializeData(serializeData(value)); // an independent copy to compare against
        const copy = cloneValue(value);
        expect(copy).toEqual(value);
        mutateEverything(copy);
        expect(value).toEqual(snapshot);
      }),
      { numRuns: 500 },
    );
  });

  it('shares no object with the original', () => {
    const original = {
      list: [{ a: 1 }],
      when: new Date(1),
      map: new Map<unknown, unknown>([[{ key: 1 }, { value: 1 }]]),
      set: new Set([{ item: 1 }]),
      bytes: new Uint8Array([1]),
      buffer: Buffer.from([1]),
      floats: new Float32Array([1]),
    };
    const copy = cloneValue(original);
    expect(copy).toEqual(original);
    const originals = new Set<unknown>([original, original.list, original.list[0], original.when, original.map, original.set, original.bytes, original.buffer, original.floats, ...original.map.keys(), ...original.map.values(), ...original.set]);
    const copies = [copy, copy.list, copy.list[0], copy.when, copy.map, copy.set, copy.bytes, copy.buffer, copy.floats, ...copy.map.keys(), ...copy.map.values(), ...copy.set];
    for (const part of copies) expect(originals.has(part)).toBe(false);
    copy.buffer[0] = 9;
    copy.bytes[0] = 9;
    copy.floats[0] = 9;
    expect([original.buffer[0], original.bytes[0], original.floats[0]]).toEqual([1, 1, 1]);
  });

  it('keeps types: Buffer stays Buffer, typed arrays keep their class, null prototypes stay null', () => {
    expect(Buffer.isBuffer(cloneValue(Buffer.from('x')))).toBe(true);
    expect(cloneValue(new Float64Array([1.5]))).toBeInstanceOf(Float64Array);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: { b: 1 } });
    const copy = cloneValue(bare);
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(copy.a).toEqual({ b: 1 });
    expect(copy.a).not.toBe(bare.a);
  });

  it('keeps an own __proto__ key as data, in plain and null-prototype objects', () => {
    const plain = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const copy = cloneValue(plain);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'ok']);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')!.value).not.toBe(Object.getOwnPropertyDescriptor(plain, '__proto__')!.value);
    const bare = Object.create(null) as Record<string, unknown>;
    bare['__proto__'] = { x: 1 };
    const bareCopy = cloneValue(bare);
    expect(Object.getPrototypeOf(bareCopy)).toBeNull();
    expect(Object.keys(bareCopy)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps -0, NaN and undefined inside containers', () => {
    const copy = cloneValue({ z: -0, n: Number.NaN, u: undefined, list: [undefined] });
    expect(Object.is(copy.z, -0)).toBe(true);
    expect(copy.n).toBeNaN();
    expect('u' in copy).toBe(true);
    expect(copy.list).toHaveLength(1);
  });

  for (const [label, value] of [
    ['a function', { f: () => 1 }],
    ['a symbol in an array', [Symbol('s')]],
    ['a class instance', { p: new (class Point {})() }],
  ] as const) {
    it(`refuses ${label} with SERIALIZATION_ERROR`, () => {
      expect(() => cloneValue(value)).toThrowError(expect.objectContaining({ code: ErrorCode.SERIALIZATION_ERROR }));
    });
  }
});
