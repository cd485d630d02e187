import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError, type VectorFilter } from '@engram/memory-core';
import { matchesReference } from '../src/testing.js';
import { compileFilter, filterFields, isMatchAll, parseFilter } from '../src/index.js';
import { filterArbitrary, filterDataset, invalidFilters } from '../src/testing/filter_fixtures.js';

function parseError(filter: unknown): MemoryError {
  try {
    parseFilter(filter as VectorFilter);
  } catch (error) {
    return error as MemoryError;
  }
  throw new Error('expected parseFilter to throw');
}

describe('parseFilter', () => {
  it('turns shorthand and operators into one tree', () => {
    expect(parseFilter({ category: 'ai' })).toEqual({ op: 'eq', field: 'category', value: 'ai' });
    expect(parseFilter({ category: 'ai', n: { $gte: 1, $lt: 3 } })).toEqual({
      op: 'and',
      children: [
        { op: 'eq', field: 'category', value: 'ai' },
        { op: 'gte', field: 'n', value: 1 },
        { op: 'lt', field: 'n', value: 3 },
      ],
    });
    expect(parseFilter({ $or: [{ a: true }, { $not: { b: { $in: ['x'] } } }] })).toEqual({
      op: 'or',
      children: [
        { op: 'eq', field: 'a', value: true },
        { op: 'not', child: { op: 'in', field: 'b', values: ['x'] } },
      ],
    });
    expect(parseFilter({ f: { $exists: false } })).toEqual({ op: 'exists', field: 'f', value: false });
  });

  it('an absent or empty filter matches everything', () => {
    for (const f of [undefined, null, {}]) expect(isMatchAll(parseFilter(f as VectorFilter))).toBe(true);
    expect(compileFilter(parseFilter({}))({ text: 'x' })).toBe(true);
  });

  it('does not alias the caller’s arrays', () => {
    const values = ['a'];
    const node = parseFilter({ f: { $in: values } });
    values.push('b');
    expect(node).toEqual({ op: 'in', field: 'f', values: ['a'] });
  });

  it('lists the fields a filter reads', () => {
    expect([...filterFields(parseFilter({ a: 1, $or: [{ b: 2 }, { $not: { c: { $exists: true } } }] }))].sort()).toEqual(['a', 'b', 'c']);
  });

  for (const [label, filter] of invalidFilters) {
    it(`refuses ${label}`, () => {
      const error = parseError(filter);
      expect(error).toBeInstanceOf(MemoryError);
      expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(error.message).toMatch(/^filter/);
    });
  }

  it('names the path, never the value', () => {
    const error = parseError({ $and: [{ ok: 1 }, { 'odd name': { $in: ['fine', { secret: 'hunter2' }] } }] });
    expect(error.message).toContain('filter.$and[1]["odd name"].$in[1]');
    expect(error.message).not.toContain('hunter2');
    expect(error.details).toEqual({ path: 'filter.$and[1]["odd name"].$in[1]' });
  });

  it('refuses filters nested absurdly deep instead of overflowing the stack', () => {
    let filter: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 100; i++) filter = { $not: filter };
    expect(parseError(filter).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});

describe('compileFilter', () => {
  const rows = filterDataset(200).map((m, i) => ({ text: `row ${i}`, ...m }));

  it('property: agrees with the reference interpreter on every row', () => {
    fc.assert(
      fc.property(filterArbitrary, (filter) => {
        const predicate = compileFilter(parseFilter(filter as VectorFilter));
        for (const row of rows) expect(predicate(row)).toBe(matchesReference(row, filter));
      }),
      { numRuns: 500 },
    );
  });

  it('never reads inherited properties: a field named like an Object member is just absent', () => {
    const plain = { text: 'x' };
    for (const field of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(compileFilter(parseFilter({ [field]: { $exists: true } }))(plain)).toBe(false);
      expect(compileFilter(parseFilter({ [field]: { $exists: false } }))(plain)).toBe(true);
    }
    const own = JSON.parse('{"__proto__": "p", "constructor": "c"}');
    expect(compileFilter(parseFilter(JSON.parse('{"__proto__": "p"}')))(own)).toBe(true);
    expect(compileFilter(parseFilter({ constructor: 'c' }))(own)).toBe(true);
  });

  it('uses a set for long $in lists with the same answers', () => {
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    const predicate = compileFilter(parseFilter({ f: { $in: values } }));
    expect(predicate({ f: 'v49' })).toBe(true);
    expect(predicate({ f: ['zz', 'v3'] })).toBe(true);
    expect(predicate({ f: 'v50' })).toBe(false);
    expect(compileFilter(parseFilter({ f: { $nin: values } }))({})).toBe(true);
  });
});
