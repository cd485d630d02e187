import fc from 'fast-check';
import type { VectorMetadata } from '@engram/memory-core';
import { seededRandom } from './synthetic.js';

/** Records whose metadata exercise every corner of the filter semantics: missing, null, arrays, mixed types. */
export function filterDataset(count = 60): VectorMetadata[] {
  const random = seededRandom(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const out: VectorMetadata[] = [];
  for (let i = 0; i < count; i++) {
    const m: VectorMetadata = { i };
    if (random() < 0.85) m.category = pick(['ai', 'db', 'ops', 'AI', 'a']);
    if (random() < 0.8) m.n = pick([-2, -1, 0, 0.5, 1, 2, 3, 10]);
    if (random() < 0.7) m.flag = random() < 0.5;
    if (random() < 0.75) m.tags = pick([[], ['x'], ['y'], ['x', 'y'], ['z', 'x'], ['ai']]);
    const r = random();
    // `mixed` holds a different type per record so strict comparisons are tested.
    if (r < 0.2) m.mixed = null;
    else if (r < 0.4) m.mixed = '1';
    else if (r < 0.6) m.mixed = 1;
    else if (r < 0.8) m.mixed = true;
    out.push(m);
  }
  return out;
}

const scalar = fc.oneof(
  fc.constantFrom('ai', 'db', 'ops', 'AI', 'a', 'x', 'y', 'z', '1', ''),
  fc.constantFrom(-2, -1, 0, 0.5, 1, 2, 3, 10, 1.5),
  fc.boolean(),
);
const number = fc.constantFrom(-2, -1, 0, 0.5, 1, 2, 3, 10, 1.5, -0.5);
const field = fc.constantFrom('category', 'n', 'flag', 'tags', 'mixed', 'i', 'absent');

const condition: fc.Arbitrary<unknown> = fc.oneof(
  scalar,
  scalar.map((v) => ({ $eq: v })),
  scalar.map((v) => ({ $ne: v })),
  fc.array(scalar, { maxLength: 4 }).map((v) => ({ $in: v })),
  fc.array(scalar, { maxLength: 4 }).map((v) => ({ $nin: v })),
  number.map((v) => ({ $gt: v })),
  number.map((v) => ({ $gte: v })),
  number.map((v) => ({ $lt: v })),
  number.map((v) => ({ $lte: v })),
  fc.boolean().map((v) => ({ $exists: v })),
  fc.tuple(number, number).map(([a, b]) => ({ $gte: Math.min(a, b), $lt: Math.max(a, b) })),
);

/** Random valid filters over `filterDataset`'s fields, nested up to a few levels. */
export const filterArbitrary: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ filter: Record<string, unknown> }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.dictionary(field, condition, { minKeys: 1, maxKeys: 2 }),
    fc.array(tie('filter'), { minLength: 1, maxLength: 3 }).map((children) => ({ $and: children })),
    fc.array(tie('filter'), { minLength: 1, maxLength: 3 }).map((children) => ({ $or: children })),
    tie('filter').map((child) => ({ $not: child })),
  ),
})).filter;

/** Hand-written cases, each with the ids it must select in `filterDataset(60)` computed by the reference. */
export const namedFilters: Array<[string, Record<string, unknown>]> = [
  ['shorthand equality', { category: 'ai' }],
  ['equality is case-sensitive', { category: 'AI' }],
  ['$eq', { n: { $eq: 0 } }],
  ['$ne matches absent fields too', { category: { $ne: 'ai' } }],
  ['$in', { category: { $in: ['db', 'ops'] } }],
  ['$nin', { category: { $nin: ['db', 'ops'] } }],
  ['$gt', { n: { $gt: 1 } }],
  ['$gte', { n: { $gte: 1 } }],
  ['$lt', { n: { $lt: 0 } }],
  ['$lte', { n: { $lte: 0.5 } }],
  ['range on one field', { n: { $gt: -1, $lte: 2 } }],
  ['$exists true', { flag: { $exists: true } }],
  ['$exists false (missing or null)', { mixed: { $exists: false } }],
  ['boolean equality', { flag: false }],
  ['array membership with $eq', { tags: 'x' }],
  ['array membership with $in', { tags: { $in: ['y', 'z'] } }],
  ['array $ne', { tags: { $ne: 'x' } }],
  ['strict types: string "1"', { mixed: '1' }],
  ['strict types: number 1', { mixed: 1 }],
  ['strict types: range ignores strings', { mixed: { $gte: 1 } }],
  ['$and', { $and: [{ category: 'ai' }, { n: { $gte: 0 } }] }],
  ['$or', { $or: [{ category: 'db' }, { flag: true }] }],
  ['$not', { $not: { category: 'ai' } }],
  ['implicit and of fields', { category: 'ops', flag: true }],
  ['nested logic', { $or: [{ $and: [{ category: 'ai' }, { $not: { tags: 'x' } }] }, { n: { $in: [10, 3] } }] }],
  ['$in with no values matches nothing', { category: { $in: [] } }],
  ['$nin with no values matches everything', { category: { $nin: [] } }],
  ['field never present', { absent: 'x' }],
];

/** Filters that must be refused with INVALID_ARGUMENT before any search runs. */
export const invalidFilters: Array<[string, unknown]> = [
  ['unknown operator', { n: { $regex: 'a' } }],
  ['unknown top-level operator', { $nor: [{ n: 1 }] }],
  ['$gt with a string', { n: { $gt: 'x' } }],
  ['$lte with NaN', { n: { $lte: Number.NaN } }],
  ['$in with a number', { category: { $in: 3 } }],
  ['$in holding an object', { category: { $in: [{}] } }],
  ['$exists with a string', { flag: { $exists: 'yes' } }],
  ['$eq with null', { category: { $eq: null } }],
  ['shorthand null', { category: null }],
  ['shorthand array', { tags: ['x'] }],
  ['$and not an array', { $and: { n: 1 } }],
  ['$or empty', { $or: [] }],
  ['$not with an array', { $not: [{ n: 1 }] }],
  ['field operator at top level', { $gt: 1 }],
  ['nested object without operator', { n: { value: 1 } }],
  ['empty operator object', { n: {} }],
  ['not an object', 'category = ai'],
  ['an array', [{ n: 1 }]],
];
