import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type MemoryError } from '@engram/memory-core';
import { parseFilter, type FilterNode } from '@engram/vector-core';
import { CONTEXT_KEY, decodeMetadata, encodeMetadata, scopedWhere, translateFilter } from '../src/index.js';

const t = (filter: Record<string, unknown>) => translateFilter(parseFilter(filter as never));
const member = (field: string, value: string) => `e:${JSON.stringify([field, value])}`;
const PRESENT = ['s', 'i', 'f', 'b', 'a'];

describe('chroma filter translation: leaves', () => {
  it('string equality matches the scalar or an array member; its complement is $ne on both', () => {
    expect(t({ category: 'ai' })).toEqual({ $or: [{ 'v:category': { $eq: 'ai' } }, { [member('category', 'ai')]: { $eq: true } }] });
    expect(t({ category: { $ne: 'ai' } })).toEqual({
      $and: [{ 'v:category': { $ne: 'ai' } }, { [member('category', 'ai')]: { $ne: true } }],
    });
  });

  it('booleans and integers are one exact clause', () => {
    expect(t({ flag: true })).toEqual({ 'v:flag': { $eq: true } });
    expect(t({ flag: { $ne: false } })).toEqual({ 'v:flag': { $ne: false } });
    expect(t({ n: 3 })).toEqual({ 'v:n': { $eq: 3 } });
    expect(t({ n: { $ne: -2 } })).toEqual({ 'v:n': { $ne: -2 } });
  });

  it('non-integer equality is restricted to float-typed values (Chroma truncates the operand for integers)', () => {
    expect(t({ n: 1.5 })).toEqual({ $and: [{ 't:n': { $eq: 'f' } }, { 'v:n': { $eq: 1.5 } }] });
    expect(t({ n: { $ne: 1.5 } })).toEqual({ $or: [{ 't:n': { $ne: 'f' } }, { 'v:n': { $ne: 1.5 } }] });
  });

  it('$in splits values by type, adds array membership for strings, and dedupes', () => {
    expect(t({ x: { $in: ['a', 1, true, 0.5, 'a', 2] } })).toEqual({
      $or: [
        { 'v:x': { $in: ['a'] } },
        { 'v:x': { $in: [true] } },
        { 'v:x': { $in: [1, 2] } },
        { [member('x', 'a')]: { $eq: true } },
        { $and: [{ 't:x': { $eq: 'f' } }, { 'v:x': { $in: [0.5] } }] },
      ],
    });
    expect(t({ x: { $nin: ['a', 1, 0.5] } })).toEqual({
      $and: [
        { 'v:x': { $nin: ['a'] } },
        { 'v:x': { $nin: [1] } },
        { [member('x', 'a')]: { $ne: true } },
        { $or: [{ 't:x': { $ne: 'f' } }, { 'v:x': { $nin: [0.5] } }] },
      ],
    });
  });

  it('integer range bounds are one clause; their complement also matches every non-number', () => {
    expect(t({ n: { $gt: 1 } })).toEqual({ 'v:n': { $gt: 1 } });
    expect(t({ n: { $lte: -3 } })).toEqual({ 'v:n': { $lte: -3 } });
    expect(t({ $not: { n: { $gt: 1 } } })).toEqual({ $or: [{ 't:n': { $nin: ['i', 'f'] } }, { 'v:n': { $lte: 1 } }] });
    expect(t({ $not: { n: { $gte: 1 } } })).toEqual({ $or: [{ 't:n': { $nin: ['i', 'f'] } }, { 'v:n': { $lt: 1 } }] });
  });

  it('non-integer range bounds compare integers against an exact integer bound', () => {
    const side = (intSide: object, op: string, bound: number) => ({
      $or: [{ $and: [{ 't:n': { $eq: 'i' } }, intSide] }, { $and: [{ 't:n': { $eq: 'f' } }, { 'v:n': { [op]: bound } }] }],
    });
    expect(t({ n: { $gt: 1.5 } })).toEqual(side({ 'v:n': { $gt: 1 } }, '$gt', 1.5));
    expect(t({ n: { $gte: 1.5 } })).toEqual(side({ 'v:n': { $gt: 1 } }, '$gte', 1.5));
    expect(t({ n: { $lt: -1.5 } })).toEqual(side({ 'v:n': { $lt: -1 } }, '$lt', -1.5));
    expect(t({ n: { $lte: -0.5 } })).toEqual(side({ 'v:n': { $lt: 0 } }, '$lte', -0.5));
    expect(t({ $not: { n: { $gt: -0.5 } } })).toEqual({
      $and: [
        { $or: [{ 't:n': { $ne: 'i' } }, { 'v:n': { $lte: -1 } }] },
        { $or: [{ 't:n': { $ne: 'f' } }, { 'v:n': { $lte: -0.5 } }] },
      ],
    });
  });

  it('bounds beyond the integer range fold the integer side to a constant', () => {
    expect(t({ n: { $gt: 2 ** 64 } })).toEqual({ $and: [{ 't:n': { $eq: 'f' } }, { 'v:n': { $gt: 2 ** 64 } }] });
    expect(t({ n: { $lt: 2 ** 64 } })).toEqual({ $or: [{ 't:n': { $eq: 'i' } }, { $and: [{ 't:n': { $eq: 'f' } }, { 'v:n': { $lt: 2 ** 64 } }] }] });
    expect(t({ n: { $gte: -(2 ** 64) } })).toEqual({
      $or: [{ 't:n': { $eq: 'i' } }, { $and: [{ 't:n': { $eq: 'f' } }, { 'v:n': { $gte: -(2 ** 64) } }] }],
    });
  });

  it('$exists tests the type tag: null and missing fields are absent, an empty array is present', () => {
    expect(t({ f: { $exists: true } })).toEqual({ 't:f': { $in: PRESENT } });
    expect(t({ f: { $exists: false } })).toEqual({ 't:f': { $nin: PRESENT } });
    expect(t({ $not: { f: { $exists: false } } })).toEqual({ 't:f': { $in: PRESENT } });
    expect(encodeMetadata('c', 'i', { text: '', none: null, empty: [] })).toMatchObject({ 't:none': 'z', 't:empty': 'a' });
  });
});

describe('chroma filter translation: logic', () => {
  it('$and/$or keep at least two children (Chroma refuses fewer) and flatten', () => {
    expect(t({ $and: [{ a: 1 }] })).toEqual({ 'v:a': { $eq: 1 } });
    expect(t({ $and: [{ a: 1 }, { $and: [{ b: 2 }, { c: 3 }] }] })).toEqual({
      $and: [{ 'v:a': { $eq: 1 } }, { 'v:b': { $eq: 2 } }, { 'v:c': { $eq: 3 } }],
    });
    expect(t({ a: 1, b: true })).toEqual({ $and: [{ 'v:a': { $eq: 1 } }, { 'v:b': { $eq: true } }] });
    expect(t({ $or: [{ a: 1 }, { b: 2 }] })).toEqual({ $or: [{ 'v:a': { $eq: 1 } }, { 'v:b': { $eq: 2 } }] });
  });

  it('$not is pushed to the leaves by De Morgan; a double negation cancels', () => {
    expect(t({ $not: { $or: [{ a: 1 }, { b: { $gt: 2 } }] } })).toEqual({
      $and: [{ 'v:a': { $ne: 1 } }, { $or: [{ 't:b': { $nin: ['i', 'f'] } }, { 'v:b': { $lte: 2 } }] }],
    });
    expect(t({ $not: { $and: [{ a: true }, { b: { $exists: true } }] } })).toEqual({
      $or: [{ 'v:a': { $ne: true } }, { 't:b': { $nin: PRESENT } }],
    });
    expect(t({ $not: { $not: { a: 1 } } })).toEqual(t({ a: 1 }));
    expect(t({ $not: { a: { $in: [1, 2] } } })).toEqual(t({ a: { $nin: [1, 2] } }));
  });

  it('constants fold: empty $in matches nothing, empty $nin everything', () => {
    expect(t({ a: { $in: [] } })).toBe(false);
    expect(t({ a: { $nin: [] } })).toBe(true);
    expect(t({})).toBe(true);
    expect(t({ $or: [{ a: { $in: [] } }, { b: 1 }] })).toEqual({ 'v:b': { $eq: 1 } });
    expect(t({ $and: [{ a: { $in: [] } }, { b: 1 }] })).toBe(false);
    expect(t({ $not: { a: { $in: [] } } })).toBe(true);
    expect(scopedWhere('c', parseFilter({ a: { $in: [] } }))).toBeUndefined();
  });

  it('the context is an exact equality ANDed at the top, whatever the filter', () => {
    expect(scopedWhere('user1')).toEqual({ [CONTEXT_KEY]: { $eq: 'user1' } });
    expect(scopedWhere('user1', parseFilter({ $or: [{ a: 1 }, { b: 2 }] }))).toEqual({
      $and: [{ [CONTEXT_KEY]: { $eq: 'user1' } }, { $or: [{ 'v:a': { $eq: 1 } }, { 'v:b': { $eq: 2 } }] }],
    });
    // A caller field named like our context key is a different key.
    expect(scopedWhere('u', parseFilter({ [CONTEXT_KEY]: 'other' }))).toEqual({
      $and: [{ [CONTEXT_KEY]: { $eq: 'u' } }, { $or: [{ 'v:engram:ctx': { $eq: 'other' } }, { [member(CONTEXT_KEY, 'other')]: { $eq: true } }] }],
    });
  });
});

const scalar = fc.oneof(fc.string({ maxLength: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean());
const leaf = fc.oneof(
  scalar.map((v) => ({ f: v })),
  scalar.map((v) => ({ f: { $ne: v } })),
  fc.array(scalar, { maxLength: 4 }).map((v) => ({ f: { $in: v } })),
  fc.array(scalar, { maxLength: 4 }).map((v) => ({ f: { $nin: v } })),
  fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), fc.double({ noNaN: true, noDefaultInfinity: true })).map(([op, v]) => ({ g: { [op]: v } })),
  fc.boolean().map((v) => ({ h: { $exists: v } })),
);
const filterArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ f: Record<string, unknown> }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('f'), { minLength: 1, maxLength: 3 }).map((c) => ({ $and: c })),
    fc.array(tie('f'), { minLength: 1, maxLength: 3 }).map((c) => ({ $or: c })),
    tie('f').map((c) => ({ $not: c })),
  ),
})).f;

function hasU64Operand(value: unknown): boolean {
  if (typeof value === 'number') return value >= 2 ** 63 && value < 2 ** 64;
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasU64Operand);
  return false;
}

/** What Chroma 1.0 accepts: one key per object, ≥2 children per $and/$or, non-empty single-type lists, no $not. */
function expectValidWhere(where: unknown): void {
  expect(typeof where).toBe('object');
  const entries = Object.entries(where as object);
  expect(entries).toHaveLength(1);
  const [key, value] = entries[0]!;
  if (key === '$and' || key === '$or') {
    expect(Array.isArray(value) && value.length >= 2).toBe(true);
    for (const child of value as unknown[]) expectValidWhere(child);
    return;
  }
  expect(key.startsWith('$')).toBe(false);
  const ops = Object.entries(value as object);
  expect(ops).toHaveLength(1);
  const [op, operand] = ops[0]!;
  expect(['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte']).toContain(op);
  if (op === '$in' || op === '$nin') {
    expect(Array.isArray(operand) && operand.length > 0).toBe(true);
    expect(new Set((operand as unknown[]).map((x) => typeof x)).size).toBe(1);
  } else {
    expect(['string', 'number', 'boolean']).toContain(typeof operand);
  }
}

describe('chroma filter translation: properties', () => {
  it('every translated filter is a where Chroma accepts, with the context condition on top', () => {
    fc.assert(
      fc.property(filterArb, fc.string({ minLength: 1 }), (filter, ctx) => {
        let where: ReturnType<typeof scopedWhere>;
        try {
          where = scopedWhere(ctx, parseFilter(filter as never));
        } catch (error) {
          // The one documented refusal: operands Chroma 1.0 cannot parse in a where.
          expect((error as MemoryError).code).toBe(ErrorCode.INVALID_ARGUMENT);
          expect(hasU64Operand(filter)).toBe(true);
          return;
        }
        if (where === undefined) {
          expect(translateFilter(parseFilter(filter as never))).toBe(false);
          return;
        }
        expectValidWhere(where);
        const top = '$and' in where ? (where.$and as unknown[])[0] : where;
        expect(top).toEqual({ [CONTEXT_KEY]: { $eq: ctx } });
      }),
      { numRuns: 500 },
    );
  });

  it('translating $not(f) equals translating f with negation, for any f', () => {
    fc.assert(
      fc.property(filterArb, (filter) => {
        const node = parseFilter(filter as never);
        if (hasU64Operand(filter)) {
          expect(() => translateFilter({ op: 'not', child: node } as FilterNode)).toThrow(/2\^63/);
          expect(() => translateFilter(node, true)).toThrow(/2\^63/);
          return;
        }
        expect(translateFilter({ op: 'not', child: node } as FilterNode)).toEqual(translateFilter(node, true));
      }),
      { numRuns: 200 },
    );
  });
});

describe('chroma metadata layout', () => {
  it('round-trips every metadata shape, including __proto__ and keys that look like ours', () => {
    const metadata = JSON.parse(
      '{"text":"t","s":"","n":-3.25,"i":42,"b":false,"z":null,"arr":["b","a","a",""],"empty":[],"__proto__":"p","engram:ctx":"x","t:x":"y","a.b":"d"}',
    );
    const encoded = encodeMetadata('ctx', 'id', metadata);
    expect(encoded[CONTEXT_KEY]).toBe('ctx');
    for (const value of Object.values(encoded)) expect(['string', 'number', 'boolean']).toContain(typeof value);
    const decoded = decodeMetadata(encoded)!;
    expect(decoded.contextId).toBe('ctx');
    expect(decoded.id).toBe('id');
    expect(decoded.metadata).toEqual(metadata);
    expect(Object.getPrototypeOf(decoded.metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded.metadata, '__proto__')).toBe(true);
  });

  it('ignores records that were not written by Engram', () => {
    expect(decodeMetadata({ foo: 'bar' })).toBeUndefined();
    expect(decodeMetadata(null)).toBeUndefined();
  });
});
