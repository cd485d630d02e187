import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { storableValueArbitrary } from '@engram/memory-core/testing';
import { deserializeData, detectFormat, serializeData, type CodecFormat } from '../src/index.js';
import { richValueArbitrary } from './value_arbitraries.js';

const FORMATS: CodecFormat[] = ['msgpack', 'json'];

function thrown(fn: () => unknown): MemoryError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    return error as MemoryError;
  }
  throw new Error('expected a MemoryError, but nothing was thrown');
}

const roundTrip = (value: unknown, format: CodecFormat) => deserializeData(serializeData(value, { format }));

const samples: Array<[string, unknown]> = [
  ['string', 'hello'],
  ['empty string', ''],
  ['unicode', 'ünïcødé 日本語 🙂'.repeat(3)],
  ['lone surrogates (short and long)', ['a\uD800b', '\uDC00', `${'x'.repeat(100)}\uD83D`]],
  ['long string', 'x'.repeat(200_000)],
  ['strings around the fixstr/str8/str16 limits', [31, 32, 33, 255, 256, 65_535, 65_536].map((n) => 'é'.repeat(n))],
  ['integers of every width', [0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, -1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31)]],
  ['integers beyond 32 bits stay numbers', [2 ** 32, 2 ** 40 + 1, Number.MAX_SAFE_INTEGER, -(2 ** 31) - 1, Number.MIN_SAFE_INTEGER]],
  ['floats', [0.1, -3.25, 1e300, 5e-324, Number.MAX_VALUE]],
  ['special numbers', [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]],
  ['booleans and null', [true, false, null]],
  ['nested', { user: { name: 'Ada', tags: ['x', 'y'], score: 0.5, nested: [[[{ deep: [1] }]]] } }],
  ['Dates (epoch, before 1970, far future, ms precision)', [new Date(0), new Date('2024-01-02T03:04:05.678Z'), new Date(-1e14 + 7), new Date(8.64e15), new Date(-8.64e15), new Date(2 ** 34 * 1000 + 1)]],
  ['Map with non-string keys', new Map<unknown, unknown>([['a', 1], [2, 'b'], [null, [1]], [{ k: 1 }, new Set([1])], [3n, new Date(5)]])],
  ['Set', new Set(['a', 'b', 3, { x: 1 }])],
  ['BigInt small and huge', [0n, 1n, -1n, 255n, 256n, -(2n ** 63n), 2n ** 64n, 12345678901234567890123n, -(7n ** 200n)]],
  ['Uint8Array', new Uint8Array([0, 1, 2, 255])],
  ['large Uint8Array', new Uint8Array(70_000).map((_, i) => i % 251)],
  ['typed arrays', [new Float32Array([1.5, -2, Number.NaN]), new Float64Array([Math.PI]), new Int16Array([-1, 2]), new BigInt64Array([-5n])]],
  ['undefined inside containers', { a: undefined, list: [undefined, 1] }],
  ['__proto__ own key', JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}')],
  ['keys that look like JSON markers', { $date: 'x', $$map: 1, $: 2, $undefined: true, nested: { $bigint: '1' } }],
  ['empty containers', [{}, [], new Map(), new Set(), new Uint8Array(0)]],
  ['a large object', Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, i]))],
];

describe.each(FORMATS)('codec (%s)', (format) => {
  for (const [label, value] of samples) {
    it(`round-trips ${label}`, () => {
      expect(roundTrip(value, format)).toEqual(value);
    });
  }

  it('keeps -0, NaN and big integers as numbers', () => {
    expect(Object.is(roundTrip(-0, format), -0)).toBe(true);
    expect(Object.is((roundTrip([-0], format) as number[])[0], -0)).toBe(true);
    expect(roundTrip(Number.NaN, format)).toBeNaN();
    expect(typeof roundTrip(2 ** 53 - 1, format)).toBe('number');
  });

  it('restores an own __proto__ key as data, without touching any prototype', () => {
    const loaded = roundTrip(JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'), format) as Record<string, unknown>;
    expect(Object.getPrototypeOf(loaded)).toBe(Object.prototype);
    expect(Object.keys(loaded)).toEqual(['__proto__', 'ok']);
    expect(Object.getOwnPropertyDescriptor(loaded, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((loaded as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('returns a Buffer as a Uint8Array with the same bytes, and null-prototype objects as plain objects', () => {
    const bytes = roundTrip(Buffer.from('héllo'), format) as Uint8Array;
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect(Buffer.from(bytes).toString()).toBe('héllo');
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(Object.getPrototypeOf(roundTrip(bare, format))).toBe(Object.prototype);
  });

  it('copies bytes out of the input instead of viewing it', () => {
    const stored = serializeData({ data: new Uint8Array([1, 2, 3]) }, { format });
    const loaded = deserializeData<{ data: Uint8Array }>(stored);
    stored.fill(0);
    expect([...loaded.data]).toEqual([1, 2, 3]);
  });

  it('keeps object key and Map insertion order', () => {
    const loaded = roundTrip({ b: 1, a: 2, 10: 3, c: new Map([['z', 1], ['y', 2]]) }, format) as { c: Map<string, number> };
    expect(Object.keys(loaded)).toEqual(['10', 'b', 'a', 'c']);
    expect([...loaded.c.keys()]).toEqual(['z', 'y']);
  });

  it('round-trips the shared storable values (property)', () => {
    fc.assert(
      fc.property(storableValueArbitrary(), (value) => {
        expect(roundTrip(value, format)).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips rich nested values (property)', () => {
    fc.assert(
      fc.property(richValueArbitrary(), (value) => {
        expect(roundTrip(value, format)).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('starts with plain MessagePack, or with 0xC1 0x00 for JSON, and detects its format', () => {
    const bytes = serializeData({ a: 1 }, { format });
    expect([...bytes.subarray(0, 2)]).toEqual(format === 'msgpack' ? [0x81, 0xa1] : [0xc1, 0x00]);
    expect(detectFormat(bytes)).toBe(format);
  });

  const unencodable: Array<[string, () => unknown, RegExp]> = [
    ['a function', () => () => 1, /^value is a function/],
    ['a nested method', () => ({ user: { callback() {} } }), /^value\.user\.callback is a function/],
    ['a symbol in an array', () => ({ list: [1, Symbol('s')] }), /^value\.list\[1\] is a symbol/],
    ['a function under an odd key', () => ({ 'a b': { fn: () => 1 } }), /^value\["a b"\]\.fn is a function/],
    ['a function in a Map value', () => new Map([['k', () => 1]]), /^value<entry 0> is a function/],
    ['a symbol as a Map key', () => new Map([[Symbol('k'), 1]]), /^value<key 0> is a symbol/],
    ['a function in a Set', () => ({ s: new Set([1, () => 1]) }), /^value\.s<item 1> is a function/],
    ['a class instance', () => ({ at: new (class Session {})() }), /^value\.at is a Session instance/],
    ['a RegExp', () => [/x/], /^value\[0\] is a RegExp instance/],
    ['an Error', () => ({ e: new Error('boom') }), /^value\.e is an? Error instance/],
    ['a boxed string', () => ({ s: new String('x') }), /^value\.s is a String instance/],
    ['an ArrayBuffer', () => ({ b: new ArrayBuffer(2) }), /^value\.b is an? ArrayBuffer instance/],
    ['an invalid Date', () => ({ when: new Date(Number.NaN) }), /^value\.when is an invalid Date/],
    ['an Array subclass', () => ({ list: new (class List extends Array {})() }), /^value\.list is an Array subclass/],
    ['a Map subclass', () => new (class Registry extends Map {})(), /^value is a Registry instance/],
    ['a too deeply nested value', () => JSON.parse(`${'['.repeat(600)}${']'.repeat(600)}`), /nested deeper than 512 levels/],
    [
      'a cyclic object',
      () => {
        const o: Record<string, unknown> = { a: { b: 1 } };
        (o.a as Record<string, unknown>).self = o;
        return o;
      },
      /^value\.a\.self is a cyclic reference to the value itself/,
    ],
    [
      'a cycle through a Map',
      () => {
        const m = new Map<string, unknown>();
        m.set('me', [m]);
        return { m };
      },
      /^value\.m<entry 0>\[0\] is a cyclic reference to one of its parents/,
    ],
  ];
  for (const [label, make, message] of unencodable) {
    it(`rejects ${label} with SERIALIZATION_ERROR naming the path`, () => {
      const error = thrown(() => serializeData(make(), { format }));
      expect(error.code).toBe(ErrorCode.SERIALIZATION_ERROR);
      expect(error.message).toMatch(message);
    });
  }

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(roundTrip({ a: shared, b: shared, list: [shared, shared] }, format)).toEqual({ a: { x: 1 }, b: { x: 1 }, list: [{ x: 1 }, { x: 1 }] });
  });

  it('rejects undefined as the value with INVALID_ARGUMENT', () => {
    const error = thrown(() => serializeData(undefined, { format }));
    expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(error.message).toMatch(/store null instead/);
  });

  it('reports a stack overflow (here simulated by a getter) as SERIALIZATION_ERROR, not a RangeError', () => {
    const value = {
      get deep(): never {
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    const error = thrown(() => serializeData(value, { format }));
    expect(error.code).toBe(ErrorCode.SERIALIZATION_ERROR);
    expect(error.message).toMatch(/call stack ran out/);
  });

  it('wraps an error thrown by a getter', () => {
    const value = {
      get boom(): never {
        throw new TypeError('secret-getter-detail');
      },
    };
    const error = thrown(() => serializeData(value, { format }));
    expect(error.code).toBe(ErrorCode.SERIALIZATION_ERROR);
    expect(error.message).not.toContain('secret-getter-detail');
    expect((error.cause as Error).message).toBe('secret-getter-detail');
  });
});

describe('codec across formats', () => {
  it('reads either format without being told which', () => {
    fc.assert(
      fc.property(richValueArbitrary(), fc.constantFrom(...FORMATS), (value, format) => {
        expect(deserializeData(serializeData(value, { format }))).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects an unknown format option', () => {
    expect(thrown(() => serializeData(1, { format: 'xml' as CodecFormat })).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  it('is re-entrant: a getter that serializes does not corrupt the outer value', () => {
    const value = {
      a: 'outer',
      get inner() {
        return serializeData({ nested: 'x'.repeat(100) });
      },
      z: [1, 2, 3],
    };
    const loaded = deserializeData<{ a: string; inner: Uint8Array; z: number[] }>(serializeData(value));
    expect(loaded.a).toBe('outer');
    expect(loaded.z).toEqual([1, 2, 3]);
    expect(deserializeData(loaded.inner)).toEqual({ nested: 'x'.repeat(100) });
  });

  it('does not share the returned bytes between calls', () => {
    const first = serializeData({ a: 1 });
    const copy = [...first];
    serializeData({ b: 'something else entirely' });
    expect([...first]).toEqual(copy);
  });
});
