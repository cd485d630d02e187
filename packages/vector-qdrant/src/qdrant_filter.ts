import type { Schemas } from '@qdrant/js-client-rest';
import type { FilterNode, FilterScalar } from '@engram/vector-core';
import { CONTEXT_KEY, FIELDS_KEY, fieldKey } from './qdrant_payload.js';

export type QdrantFilter = Schemas['Filter'];
export type QdrantCondition = Schemas['Condition'];

/** `true` matches everything, `false` nothing: Qdrant has no literal for either, so they are folded away. */
type Clause = QdrantCondition | boolean;

function isOnly<K extends string>(c: QdrantCondition, key: K): c is QdrantCondition & Record<K, QdrantCondition[]> {
  const keys = Object.keys(c);
  return keys.length === 1 && keys[0] === key && Array.isArray((c as Record<string, unknown>)[key]);
}

function must(parts: readonly Clause[]): Clause {
  const kept: QdrantCondition[] = [];
  for (const part of parts) {
    if (part === false) return false;
    if (part === true) continue;
    if (isOnly(part, 'must')) kept.push(...part.must);
    else kept.push(part);
  }
  return kept.length === 0 ? true : kept.length === 1 ? (kept[0] as QdrantCondition) : { must: kept };
}

function should(parts: readonly Clause[]): Clause {
  const kept: QdrantCondition[] = [];
  for (const part of parts) {
    if (part === true) return true;
    if (part === false) continue;
    if (isOnly(part, 'should')) kept.push(...part.should);
    else kept.push(part);
  }
  return kept.length === 0 ? false : kept.length === 1 ? (kept[0] as QdrantCondition) : { should: kept };
}

function not(part: Clause): Clause {
  if (typeof part === 'boolean') return !part;
  // must_not of a lone must_not is the condition itself.
  if (isOnly(part, 'must_not') && part.must_not.length === 1) return part.must_not[0] as QdrantCondition;
  return { must_not: [part] };
}

/**
 * Qdrant matches integers with `match` but has no float match, so other numbers (fractions, and
 * integers JSON would not print exactly) become a one-point range. Both compare numbers only:
 * a string "1" or `true` never equals 1, as our semantics demand.
 */
function equals(key: string, value: FilterScalar): QdrantCondition {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return { key, range: { gte: value, lte: value } };
  return { key, match: { value } };
}

/** `value` or any array member equal to one of `values`; `match.any` takes one type per list. */
function anyOf(key: string, values: readonly FilterScalar[]): Clause {
  const unique = [...new Set(values)];
  const strings = unique.filter((v): v is string => typeof v === 'string');
  const ints = unique.filter((v): v is number => typeof v === 'number' && Number.isSafeInteger(v));
  const rest = unique.filter((v) => typeof v === 'boolean' || (typeof v === 'number' && !Number.isSafeInteger(v)));
  const parts: Clause[] = [];
  if (strings.length > 0) parts.push({ key, match: { any: strings } });
  if (ints.length > 0) parts.push({ key, match: { any: ints } });
  for (const v of rest) parts.push(equals(key, v));
  return should(parts);
}

/**
 * Translates a validated filter to Qdrant's. Qdrant's own semantics already match ours almost
 * everywhere: conditions only match values of their type, an array matches when any member
 * does, and `must_not` is an exact negation (so `$ne`/`$nin` match absent fields). The
 * differences are compensated here:
 *
 * - `$exists` reads `engram_fields`, because `is_empty` would call an empty array absent;
 * - `$ne`/`$nin` are `must_not` of the positive match, never `match.except`, which on an array
 *   matches when *some* member differs;
 * - non-integer equality is a one-point range (no float `match`).
 *
 * Returns `true` (no condition) or `false` (nothing can match) when the filter folds to a constant.
 */
export function translateFilter(node: FilterNode): Clause {
  switch (node.op) {
    case 'and':
      return must(node.children.map(translateFilter));
    case 'or':
      return should(node.children.map(translateFilter));
    case 'not':
      return not(translateFilter(node.child));
    case 'eq':
      return equals(fieldKey(node.field), node.value);
    case 'ne':
      return not(equals(fieldKey(node.field), node.value));
    case 'in':
      return anyOf(fieldKey(node.field), node.values);
    case 'nin':
      return not(anyOf(fieldKey(node.field), node.values));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { key: fieldKey(node.field), range: { [node.op]: node.value } };
    case 'exists': {
      const present: QdrantCondition = { key: FIELDS_KEY, match: { value: node.field } };
      return node.value ? present : not(present);
    }
  }
}

/** Exact keyword match: the context `a` never matches `ab`. */
export function contextCondition(contextId: string): QdrantCondition {
  return { key: CONTEXT_KEY, match: { value: contextId } };
}

/**
 * The filter of a search or read in one context: the context condition is a top-level `must`,
 * next to the caller's filter, so no caller filter can widen it. Undefined when the filter can
 * match nothing (skip the request).
 */
export function scopedFilter(contextId: string, filter?: FilterNode): QdrantFilter | undefined {
  const translated = filter ? translateFilter(filter) : true;
  if (translated === false) return undefined;
  return { must: translated === true ? [contextCondition(contextId)] : [contextCondition(contextId), translated] };
}
