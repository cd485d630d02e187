import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { computeFingerprint } from '../src/index.js';
import { richValueArbitrary } from './value_arbitraries.js';

/** Rebuilds a value with every object's keys, Map's entries and Set's items in reverse order. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value instanceof Map) return new Map([...value].reverse().map(([k, v]) => [reordered(k), reordered(v)]));
  if (value instanceof Set) return new Set([...value].reverse().map(reordered));
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof Date)) {
    const out: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    for (const key of Object.keys(value).reverse()) {
      Object.defineProperty(out, key, { value: reordered((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

describe('computeFingerprint', () => {
  it('is a SHA-256 hex digest', () => {
    expect(computeFingerprint({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores key order, Map entry order and Set order (property)', () => {
    fc.assert(
      fc.property(richValueArbitrary(), (value) => {
        expect(computeFingerprint(reordered(value))).toBe(computeFingerprint(value));
      }),
      { numRuns: 500 },
    );
    expect(computeFingerprint({ a: 1, b: { c: 2, d: 3 } })).toBe(computeFingerprint({ b: { d: 3, c: 2 }, a: 1 }));
  });

  const distinct: Array<[string, unknown, unknown]> = [
    ['split strings', ['ab', 'c'], ['a', 'bc']],
    ['number vs string', { a: '1' }, { a: 1 }],
    ['number vs BigInt', 1, 1n],
    ['string vs BigInt', '1', 1n],
    ['Map vs object', new Map([['a', 1]]), { a: 1 }],
    ['Map vs entries array', new Map([['a', 1]]), [['a', 1]]],
    ['Set vs array', new Set([1, 2]), [1, 2]],
    ['Date vs ISO string', new Date(0), new Date(0).toISOString()],
    ['Date vs epoch number', new Date(0), 0],
    ['-0 vs 0', -0, 0],
    ['null vs undefined', null, undefined],
    ['[undefined] vs []', [undefined], []],
    ['[null] vs []', [null], []],
    ['true vs 1', true, 1],
    ['empty string vs null', '', null],
    ['Uint8Array vs array', new Uint8Array([1, 2]), [1, 2]],
    ['Uint8Array vs Float32Array', new Uint8Array(4), new Float32Array(1)],
    ['key and value swapped', { a: 'b' }, { b: 'a' }],
    ['nesting moved', [[1], 2], [1, [2]]],
    ['model+text concatenation', { model: 'm1', text: 'ab' }, { model: 'm1a', text: 'b' }],
    ['1.5 vs "1.5"', 1.5, '1.5'],
    ['NaN vs null', Number.NaN, null],
    ['lone surrogate vs replacement char', '\uD800', '\uFFFD'],
    ['map key vs value', new Map([[1, 2]]), new Map([[2, 1]])],
  ];
  for (const [label, a, b] of distinct) {
    it(`tells apart ${label}`, () => {
      expect(computeFingerprint(a)).not.toBe(computeFingerprint(b));
    });
  }

  it('treats equal values as equal: NaN payloads, Buffer vs Uint8Array, undefined properties', () => {
    const weirdNaN = new Float64Array(new BigUint64Array([0x7ff8_0000_0000_0001n]).buffer)[0]!;
    expect(computeFingerprint(weirdNaN)).toBe(computeFingerprint(Number.NaN));
    expect(computeFingerprint(Buffer.from([1, 2]))).toBe(computeFingerprint(new Uint8Array([1, 2])));
    expect(computeFingerprint({ a: 1, b: undefined })).toBe(computeFingerprint({ a: 1 }));
    expect(computeFingerprint(Object.assign(Object.create(null) as object, { a: 1 }))).toBe(computeFingerprint({ a: 1 }));
  });

  it('has no collisions among many distinct small values (property)', () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(richValueArbitrary(), (value) => {
        const canonical = canonicalText(value);
        const fingerprint = computeFingerprint(value);
        const previous = seen.get(fingerprint);
        if (previous !== undefined) expect(previous).toBe(canonical);
        seen.set(fingerprint, canonical);
      }),
      { numRuns: 2000 },
    );
    expect(seen.size).toBeGreaterThan(500);
  });

  it('is the same in another process', () => {
    const value = { model: 'text-embedding-3-small', text: 'héllo 🙂', opts: new Map<unknown, unknown>([[1, new Set([2n])]]), at: new Date(5) };
    const script = `
      import { computeFingerprint } from './src/fingerprint.ts';
      const value = { at: new Date(5), opts: new Map([[1, new Set([2n])]]), text: 'héllo 🙂', model: 'text-embedding-3-small' };
      process.stdout.write(computeFingerprint(value));`;
    const other = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
    });
    expect(other).toBe(computeFingerprint(value));
  });

  it('is pinned: a change of canonical form must be deliberate (bump the domain string)', () => {
    // If this fails, every persisted cache key changes: bump DOMAIN in fingerprint.ts and say so.
    expect(computeFingerprint({ b: [1, 'two', null], a: new Date(0) })).toBe(PINNED);
  });

  for (const [label, value, message] of [
    ['a function', { user: { callback: () => 1 } }, /^value\.user\.callback is a function/],
    ['a symbol', [Symbol('x')], /^value\[0\] is a symbol/],
    ['a class instance', { x: new (class Point {})() }, /^value\.x is a Point instance/],
  ] as const) {
    it(`rejects ${label} with SERIALIZATION_ERROR`, () => {
      expect(() => computeFingerprint(value)).toThrowError(expect.objectContaining({ code: ErrorCode.SERIALIZATION_ERROR, message: expect.stringMatching(message) }));
    });
  }

  it('rejects a cycle with SERIALIZATION_ERROR', () => {
    const node: Record<string, unknown> = { name: 'n' };
    node.next = { back: node };
    let error: unknown;
    try {
      computeFingerprint(node);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.SERIALIZATION_ERROR);
    expect((error as MemoryError).message).toMatch(/^value\.next\.back is a cyclic reference/);
  });
});

/**
 * Written out by hand from the README's canonical form: {a: Date(0), b: [1, 'two', null]}
 * = map(2) "a" timestamp32(0) "b" array(3) 1 "two" nil, behind the domain string.
 */
const PINNED = createHash('sha256')
  .update('engram-fingerprint-v1\0')
  .update(Buffer.from('82' + 'a161' + 'd6ff00000000' + 'a162' + '93' + '01' + 'a374776f' + 'c0', 'hex'))
  .digest('hex');

/** A deterministic text form for the collision check (independent of the fingerprint code). */
function canonicalText(value: unknown): string {
  const seen = (v: unknown): unknown => {
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (typeof v === 'number') return Object.is(v, -0) ? { $num: '-0' } : Number.isFinite(v) ? v : { $num: String(v) };
    if (typeof v === 'string') return { $str: [...v].map((c) => c.codePointAt(0)) };
    if (v === undefined) return { $undef: 1 };
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return { $date: v.getTime() };
    if (v instanceof Map) return { $map: [...v].map(([k, x]) => JSON.stringify([seen(k), seen(x)])).sort() };
    if (v instanceof Set) return { $set: [...v].map((x) => JSON.stringify(seen(x))).sort() };
    if (ArrayBuffer.isView(v)) return { $view: [v.constructor.name, [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)]] };
    if (Array.isArray(v)) return { $arr: v.map(seen) };
    const record = v as Record<string, unknown>;
    return { $obj: Object.keys(record).filter((k) => record[k] !== undefined).sort().map((k) => [[...k].map((c) => c.codePointAt(0)), seen(record[k])]) };
  };
  return JSON.stringify(seen(value));
}
