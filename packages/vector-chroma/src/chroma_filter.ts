import { invalidArgument } from '@engram/memory-core';
import type { FilterNode, FilterScalar } from '@engram/vector-core';
import { CONTEXT_KEY, PRESENT_TAGS, TAG, isIntLiteral, memberKey, tagKey, valueKey, type ChromaScalar } from './chroma_metadata.js';

/** Chroma's `where`: one key per object, `$and`/`$or` with at least two children. */
export type ChromaWhere =
  | { $and: ChromaWhere[] }
  | { $or: ChromaWhere[] }
  | { [key: string]: { [op: string]: ChromaScalar | ChromaScalar[] } };

/** `true` matches everything, `false` nothing: Chroma has no literal for either, so they are folded away. */
type Clause = ChromaWhere | boolean;

type RangeOp = 'gt' | 'gte' | 'lt' | 'lte';
const CHROMA_OP: Record<RangeOp, string> = { gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte' };
const COMPLEMENT: Record<RangeOp, string> = { gt: '$lte', gte: '$lt', lt: '$gte', lte: '$gt' };
const NUMBER_TAGS = [TAG.int, TAG.float];
const U64_FROM = 2 ** 63;
const U64_LIMIT = 2 ** 64;

/**
 * JSON prints the integers in [2^63, 2^64) as plain literals, which Chroma parses as u64 and
 * rejects in a `where` ("Invalid where clause"); no other literal means the same number.
 */
function checkOperand(value: ChromaScalar): void {
  if (typeof value === 'number' && value >= U64_FROM && value < U64_LIMIT) {
    throw invalidArgument('the chroma backend cannot compare with numbers from 2^63 to 2^64 (Chroma 1.0 rejects them in filters); use a bound outside that range', {
      field: 'filter',
    });
  }
}

function cond(key: string, op: string, value: ChromaScalar | ChromaScalar[]): ChromaWhere {
  if (Array.isArray(value)) value.forEach(checkOperand);
  else checkOperand(value);
  return { [key]: { [op]: value } };
}

function and(parts: readonly Clause[]): Clause {
  const kept: ChromaWhere[] = [];
  for (const part of parts) {
    if (part === false) return false;
    if (part === true) continue;
    if ('$and' in part && Array.isArray(part.$and)) kept.push(...(part.$and as ChromaWhere[]));
    else kept.push(part);
  }
  return kept.length === 0 ? true : kept.length === 1 ? (kept[0] as ChromaWhere) : { $and: kept };
}

function or(parts: readonly Clause[]): Clause {
  const kept: ChromaWhere[] = [];
  for (const part of parts) {
    if (part === true) return true;
    if (part === false) continue;
    if ('$or' in part && Array.isArray(part.$or)) kept.push(...(part.$or as ChromaWhere[]));
    else kept.push(part);
  }
  return kept.length === 0 ? false : kept.length === 1 ? (kept[0] as ChromaWhere) : { $or: kept };
}

/**
 * Translates a validated filter to Chroma's `where`. Chroma has no `$not`, so negations are
 * pushed down to the leaves (De Morgan), where each leaf has an exact complement:
 *
 * - Chroma's `$ne`/`$nin` already match records without the key, as ours must;
 * - string-array membership is a boolean key per member (`e:[field,member]`);
 * - "absent" and "not a number" are type-tag tests (`t:field`), since Chroma cannot test existence;
 * - Chroma compares a non-integer operand with integer values after truncating it (`1.5 == 1`
 *   matches 1), so such comparisons are split by type tag, with an exact integer bound for the
 *   integer side. Integer operands compare exactly with both integer and float values.
 *
 * Returns `true` (no condition) or `false` (nothing can match) when the filter folds to a constant.
 */
export function translateFilter(node: FilterNode, negate = false): Clause {
  switch (node.op) {
    case 'and':
    case 'or': {
      const parts = node.children.map((child) => translateFilter(child, negate));
      return (node.op === 'and') !== negate ? and(parts) : or(parts);
    }
    case 'not':
      return translateFilter(node.child, !negate);
    case 'eq':
    case 'ne':
      return equality(node.field, node.value, negate !== (node.op === 'ne'));
    case 'in':
    case 'nin':
      return membership(node.field, node.values, negate !== (node.op === 'nin'));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return range(node.field, node.op, node.value, negate);
    case 'exists':
      return cond(tagKey(node.field), node.value !== negate ? '$in' : '$nin', [...PRESENT_TAGS]);
  }
}

function equality(field: string, value: FilterScalar, negate: boolean): Clause {
  const v = valueKey(field);
  if (typeof value === 'string') {
    // A scalar equal to it, or an array holding it.
    return negate
      ? and([cond(v, '$ne', value), cond(memberKey(field, value), '$ne', true)])
      : or([cond(v, '$eq', value), cond(memberKey(field, value), '$eq', true)]);
  }
  if (typeof value === 'boolean' || isIntLiteral(value)) return cond(v, negate ? '$ne' : '$eq', value);
  const t = tagKey(field);
  return negate ? or([cond(t, '$ne', TAG.float), cond(v, '$ne', value)]) : and([cond(t, '$eq', TAG.float), cond(v, '$eq', value)]);
}

function membership(field: string, values: readonly FilterScalar[], negate: boolean): Clause {
  const unique = [...new Set(values)];
  const strings = unique.filter((x): x is string => typeof x === 'string');
  const booleans = unique.filter((x): x is boolean => typeof x === 'boolean');
  const ints = unique.filter((x): x is number => typeof x === 'number' && isIntLiteral(x));
  const floats = unique.filter((x): x is number => typeof x === 'number' && !isIntLiteral(x));
  const v = valueKey(field);
  const t = tagKey(field);
  const parts: Clause[] = [];
  // Chroma wants one type per `$in` list, so each type gets its own.
  for (const group of [strings, booleans, ints]) if (group.length > 0) parts.push(cond(v, negate ? '$nin' : '$in', group));
  for (const s of strings) parts.push(cond(memberKey(field, s), negate ? '$ne' : '$eq', true));
  if (floats.length > 0) {
    parts.push(negate ? or([cond(t, '$ne', TAG.float), cond(v, '$nin', floats)]) : and([cond(t, '$eq', TAG.float), cond(v, '$in', floats)]));
  }
  return negate ? and(parts) : or(parts);
}

/** The integer-typed side of `value op bound` for a bound Chroma would truncate; `negate` gives its complement. */
function integerSide(field: string, op: RangeOp, bound: number, negate: boolean): Clause {
  const upward = op === 'gt' || op === 'gte';
  if (Number.isInteger(bound)) {
    // Beyond the i64 range: every integer value lies on one side of it.
    return (upward === bound < 0) !== negate;
  }
  const v = valueKey(field);
  // For an integer x: x > 1.5 ⟺ x >= 1.5 ⟺ x > 1, and x < 1.5 ⟺ x <= 1.5 ⟺ x < 2 (+ 0 turns -0 into 0).
  if (upward) return negate ? cond(v, '$lte', Math.floor(bound) + 0) : cond(v, '$gt', Math.floor(bound) + 0);
  return negate ? cond(v, '$gte', Math.ceil(bound) + 0) : cond(v, '$lt', Math.ceil(bound) + 0);
}

function range(field: string, op: RangeOp, bound: number, negate: boolean): Clause {
  const v = valueKey(field);
  const t = tagKey(field);
  if (isIntLiteral(bound)) {
    // Ranges match numbers only, so the complement also holds for every non-number.
    return negate ? or([cond(t, '$nin', NUMBER_TAGS), cond(v, COMPLEMENT[op], bound)]) : cond(v, CHROMA_OP[op], bound);
  }
  if (negate) {
    return and([
      or([cond(t, '$ne', TAG.int), integerSide(field, op, bound, true)]),
      or([cond(t, '$ne', TAG.float), cond(v, COMPLEMENT[op], bound)]),
    ]);
  }
  return or([
    and([cond(t, '$eq', TAG.int), integerSide(field, op, bound, false)]),
    and([cond(t, '$eq', TAG.float), cond(v, CHROMA_OP[op], bound)]),
  ]);
}

/**
 * The `where` of a search or read in one context: the context condition ANDed at the top, so no
 * caller filter can widen it. Undefined when the filter can match nothing (skip the request).
 */
export function scopedWhere(contextId: string, filter?: FilterNode): ChromaWhere | undefined {
  const context = cond(CONTEXT_KEY, '$eq', contextId);
  const translated = filter ? translateFilter(filter) : true;
  if (translated === false) return undefined;
  return and([context, translated]) as ChromaWhere;
}
