import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VectorMetadata } from '@engram/memory-core';
import { parseFilter } from '@engram/vector-core';
import { matchesReference } from '@engram/vector-core/testing';
import { CONTEXT_KEY, FIELDS_KEY, encodePayload, fieldKey, scopedFilter, translateFilter } from '../src/index.js';
import { evaluateQdrant } from './support/qdrant_semantics.js';

const t = (filter: Record<string, unknown>) => translateFilter(parseFilter(filter as never));
const k = fieldKey;

describe('qdrant filter translation: leaves', () => {
  it('equality: match.value for strings, booleans and safe integers; a one-point range for other numbers', () => {
    expect(t({ category: 'ai' })).toEqual({ key: k('category'), match: { value: 'ai' } });
    expect(t({ flag: false })).toEqual({ key: k('flag'), match: { value: false } });
    expect(t({ n: { $eq: -3 } })).toEqual({ key: k('n'), match: { value: -3 } });
    expect(t({ n: 0.5 })).toEqual({ key: k('n'), range: { gte: 0.5, lte: 0.5 } });
    expect(t({ n: 2 ** 60 })).toEqual({ key: k('n'), range: { gte: 2 ** 60, lte: 2 ** 60 } });
  });

  it('$ne is must_not of the match (so a missing field or an array without the value matches)', () => {
    expect(t({ category: { $ne: 'ai' } })).toEqual({ must_not: [{ key: k('category'), match: { value: 'ai' } }] });
    expect(t({ n: { $ne: 1.5 } })).toEqual({ must_not: [{ key: k('n'), range: { gte: 1.5, lte: 1.5 } }] });
  });

  it('$in groups strings and integers into match.any (one type per list) and ORs the rest', () => {
    expect(t({ x: { $in: ['a', 'b', 'a'] } })).toEqual({ key: k('x'), match: { any: ['a', 'b'] } });
    expect(t({ x: { $in: ['a', 1, true, 0.5, 2] } })).toEqual({
      should: [
        { key: k('x'), match: { any: ['a'] } },
        { key: k('x'), match: { any: [1, 2] } },
        { key: k('x'), match: { value: true } },
        { key: k('x'), range: { gte: 0.5, lte: 0.5 } },
      ],
    });
  });

  it('$nin is must_not of $in, never match.except (which on arrays matches when some member differs)', () => {
    expect(t({ x: { $nin: ['a', 'b'] } })).toEqual({ must_not: [{ key: k('x'), match: { any: ['a', 'b'] } }] });
    expect(JSON.stringify(t({ x: { $nin: ['a', 1, false] } }))).not.toContain('except');
  });

  it('ranges map one to one', () => {
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
      expect(t({ n: { [`$${op}`]: 1.5 } })).toEqual({ key: k('n'), range: { [op]: 1.5 } });
    }
    expect(t({ n: { $gt: -1, $lte: 2 } })).toEqual({ must: [{ key: k('n'), range: { gt: -1 } }, { key: k('n'), range: { lte: 2 } }] });
  });

  it('$exists reads the list of present fields, since is_empty would call [] absent', () => {
    expect(t({ tags: { $exists: true } })).toEqual({ key: FIELDS_KEY, match: { value: 'tags' } });
    expect(t({ tags: { $exists: false } })).toEqual({ must_not: [{ key: FIELDS_KEY, match: { value: 'tags' } }] });
    expect(encodePayload('c', 'i', { text: 'x', tags: [], none: null, s: '' })[FIELDS_KEY]).toEqual(['text', 'tags', 's']);
  });

  it('field names are data: dots, brackets and quotes never reach Qdrant as a key path', () => {
    expect(t({ 'a.b': 1 })).toEqual({ key: 'm_a_002eb', match: { value: 1 } });
    expect(t({ 'x[]': 1 })).toEqual({ key: 'm_x_005b_005d', match: { value: 1 } });
    expect(t({ [CONTEXT_KEY]: 'other' })).toEqual({ key: 'm_engram_005fctx', match: { value: 'other' } });
  });
});

describe('qdrant filter translation: logic', () => {
  it('$and → must, $or → should, $not → must_not, flattened where the meaning is unchanged', () => {
    expect(t({ $and: [{ a: 1 }, { $and: [{ b: 2 }, { c: 3 }] }] })).toEqual({
      must: [
        { key: k('a'), match: { value: 1 } },
        { key: k('b'), match: { value: 2 } },
        { key: k('c'), match: { value: 3 } },
      ],
    });
    expect(t({ $or: [{ a: 1 }, { $or: [{ b: 2 }] }] })).toEqual({
      should: [
        { key: k('a'), match: { value: 1 } },
        { key: k('b'), match: { value: 2 } },
      ],
    });
    expect(t({ $not: { $or: [{ a: 1 }, { b: 2 }] } })).toEqual({
      must_not: [{ should: [{ key: k('a'), match: { value: 1 } }, { key: k('b'), match: { value: 2 } }] }],
    });
    expect(t({ $not: { $not: { a: 1 } } })).toEqual(t({ a: 1 }));
    expect(t({ $not: { a: { $ne: 1 } } })).toEqual(t({ a: 1 }));
  });

  it('constants fold: empty $in matches nothing, empty $nin everything', () => {
    expect(t({ a: { $in: [] } })).toBe(false);
    expect(t({ a: { $nin: [] } })).toBe(true);
    expect(t({})).toBe(true);
    expect(t({ $or: [{ a: { $in: [] } }, { b: 1 }] })).toEqual({ key: k('b'), match: { value: 1 } });
    expect(t({ $and: [{ a: { $in: [] } }, { b: 1 }] })).toBe(false);
    expect(t({ $not: { a: { $in: [] } } })).toBe(true);
    expect(scopedFilter('c', parseFilter({ a: { $in: [] } }))).toBeUndefined();
  });

  it('the context is an exact keyword match in a top-level must, beside the caller filter', () => {
    expect(scopedFilter('user1')).toEqual({ must: [{ key: CONTEXT_KEY, match: { value: 'user1' } }] });
    expect(scopedFilter('user1', parseFilter({ $or: [{ a: 1 }, { b: 2 }] }))).toEqual({
      must: [{ key: CONTEXT_KEY, match: { value: 'user1' } }, { should: [{ key: k('a'), match: { value: 1 } }, { key: k('b'), match: { value: 2 } }] }],
    });
  });
});

/** The contract suite's kinds of data: missing, null, arrays (empty too), mixed types, fractions. */
const metadataArb: fc.Arbitrary<VectorMetadata> = fc.record(
  {
    category: fc.constantFrom('ai', 'db', 'AI', '', 'x'),
    n: fc.constantFrom(-2, -1, -0, 0, 0.5, 1, 1.5, 2, 3, 10, 2 ** 60),
    flag: fc.boolean(),
    tags: fc.constantFrom([], ['x'], ['y'], ['x', 'y'], [''], ['1']),
    mixed: fc.constantFrom(null, '1', 1, true, false, ['1']),
    'a.b': fc.constantFrom('d', 1),
  },
  { requiredKeys: [] },
);
const scalar = fc.oneof(fc.constantFrom('ai', 'db', 'AI', '', 'x', 'y', '1', 'd'), fc.constantFrom(-2, -1, 0, 0.5, 1, 1.5, 2, 10, 2 ** 60), fc.boolean());
const number = fc.constantFrom(-2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2 ** 60);
const field = fc.constantFrom('category', 'n', 'flag', 'tags', 'mixed', 'a.b', 'absent');
const condition: fc.Arbitrary<unknown> = fc.oneof(
  scalar,
  scalar.map((v) => ({ $eq: v })),
  scalar.map((v) => ({ $ne: v })),
  fc.array(scalar, { maxLength: 4 }).map((v) => ({ $in: v })),
  fc.array(scalar, { maxLength: 4 }).map((v) => ({ $nin: v })),
  fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), number).map(([op, v]) => ({ [op]: v })),
  fc.boolean().map((v) => ({ $exists: v })),
);
const filterArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ f: Record<string, unknown> }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    fc.dictionary(field, condition, { minKeys: 1, maxKeys: 2 }),
    fc.array(tie('f'), { minLength: 1, maxLength: 3 }).map((c) => ({ $and: c })),
    fc.array(tie('f'), { minLength: 1, maxLength: 3 }).map((c) => ({ $or: c })),
    tie('f').map((c) => ({ $not: c })),
  ),
})).f;

describe('qdrant filter translation: equivalence under the documented semantics', () => {
  it('property: the translated filter selects exactly what the reference selects, and only in its context', () => {
    fc.assert(
      fc.property(filterArb, fc.array(metadataArb, { minLength: 1, maxLength: 12 }), (filter, rows) => {
        const scoped = scopedFilter('ctx', parseFilter(filter as never));
        for (const [i, row] of rows.entries()) {
          const stored = { text: `r${i}`, ...row };
          const want = matchesReference(stored, filter);
          const mine = encodePayload('ctx', `r${i}`, stored) as never;
          const other = encodePayload('ctx2', `r${i}`, stored) as never;
          expect(scoped === undefined ? false : evaluateQdrant(scoped, mine), JSON.stringify({ filter, stored })).toBe(want);
          expect(scoped === undefined ? false : evaluateQdrant(scoped, other)).toBe(false);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('the model is not vacuous: naive translations that ignore the compensations fail it', () => {
    const payload = (m: VectorMetadata) => encodePayload('c', 'i', { text: 't', ...m }) as never;
    // is_empty calls [] absent, but $exists counts an empty array as present.
    expect(evaluateQdrant({ must_not: [{ is_empty: { key: k('tags') } }] }, payload({ tags: [] }))).toBe(false);
    expect(evaluateQdrant(t({ tags: { $exists: true } }) as never, payload({ tags: [] }))).toBe(true);
    // A naive "not equal" as match.any on other values would miss missing fields; must_not keeps them.
    expect(evaluateQdrant(t({ category: { $ne: 'ai' } }) as never, payload({}))).toBe(true);
    expect(evaluateQdrant(t({ tags: { $ne: 'x' } }) as never, payload({ tags: ['x', 'y'] }))).toBe(false);
    // Strict types: "1" is not 1, and true is not 1.
    expect(evaluateQdrant(t({ mixed: 1 }) as never, payload({ mixed: '1' }))).toBe(false);
    expect(evaluateQdrant(t({ mixed: 1 }) as never, payload({ mixed: true }))).toBe(false);
    expect(evaluateQdrant(t({ n: 0.5 }) as never, payload({ n: 0.5 }))).toBe(true);
  });
});
