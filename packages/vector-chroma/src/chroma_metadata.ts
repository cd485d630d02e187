import { createHash } from 'node:crypto';
import type { MetadataValue } from '@engram/memory-core';
import type { StoredMetadata } from '@engram/vector-core';

/**
 * How a record's metadata is laid out in Chroma (1.0 metadata is a flat map of string, number
 * and boolean; no arrays, and a null value deletes the key). Every caller field `f` becomes:
 *
 * - `t:f` its type tag, so `$exists` and "not a number" are expressible (Chroma has neither);
 * - `v:f` the value, for strings, numbers and booleans;
 * - `a:f` the JSON of a string array, so order and duplicates round-trip;
 * - `e:["f","member"]` = true for each member of a string array, so membership is an equality.
 *
 * Our own keys live under `engram:`. Caller field names only ever follow a one-letter prefix,
 * so no caller field can collide with another field's keys or with ours.
 */
export const CONTEXT_KEY = 'engram:ctx';
export const ID_KEY = 'engram:id';

export const TAG = {
  string: 's',
  /** A number Chroma types as an integer: JSON prints it as an integer literal that fits an i64. */
  int: 'i',
  /** Any other number: Chroma types it as a float. */
  float: 'f',
  boolean: 'b',
  array: 'a',
  null: 'z',
} as const;
export type Tag = (typeof TAG)[keyof typeof TAG];

/** Every tag of a present (non-null) value: what `$exists: true` matches. */
export const PRESENT_TAGS: readonly Tag[] = [TAG.string, TAG.int, TAG.float, TAG.boolean, TAG.array];

export const tagKey = (field: string) => `t:${field}`;
export const valueKey = (field: string) => `v:${field}`;
export const arrayKey = (field: string) => `a:${field}`;
export const memberKey = (field: string, member: string) => `e:${JSON.stringify([field, member])}`;

export type ChromaScalar = string | number | boolean;
export type ChromaMetadata = Record<string, ChromaScalar>;

const I64_MIN = -(2 ** 63);
const I64_LIMIT = 2 ** 63;

/**
 * True when Chroma will store (or compare) `n` as an integer. Chroma compares a float operand
 * with integer values after truncating the operand (1.5 == 1 there), so the filter translation
 * needs to know which column a number lands in.
 */
export function isIntLiteral(n: number): boolean {
  return Number.isInteger(n) && n >= I64_MIN && n < I64_LIMIT;
}

export function numberTag(n: number): Tag {
  return isIntLiteral(n) ? TAG.int : TAG.float;
}

/**
 * Chroma record id for (context, id). Ids are unique per collection in Chroma but per context
 * for us, so the id is derived from both; the original id is kept in `engram:id`.
 */
export function recordId(contextId: string, id: string): string {
  return createHash('sha256').update(JSON.stringify([contextId, id])).digest('hex');
}

export function encodeMetadata(contextId: string, id: string, metadata: StoredMetadata): ChromaMetadata {
  const out: ChromaMetadata = { [CONTEXT_KEY]: contextId, [ID_KEY]: id };
  for (const field of Object.keys(metadata)) {
    const value = metadata[field] as MetadataValue;
    if (value === null) {
      out[tagKey(field)] = TAG.null;
    } else if (Array.isArray(value)) {
      out[tagKey(field)] = TAG.array;
      out[arrayKey(field)] = JSON.stringify(value);
      for (const member of value) out[memberKey(field, member)] = true;
    } else {
      out[tagKey(field)] = typeof value === 'number' ? numberTag(value) : typeof value === 'string' ? TAG.string : TAG.boolean;
      out[valueKey(field)] = value;
    }
  }
  return out;
}

/** Assigns without tripping the `__proto__` setter: a field named `__proto__` is data. */
function setField(target: Record<string, MetadataValue>, key: string, value: MetadataValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export interface DecodedRecord {
  contextId: string;
  id: string;
  metadata: StoredMetadata;
}

/** The inverse of `encodeMetadata`; returns undefined for records that were not written by us. */
export function decodeMetadata(stored: Record<string, unknown> | null | undefined): DecodedRecord | undefined {
  if (!stored) return undefined;
  const contextId = stored[CONTEXT_KEY];
  const id = stored[ID_KEY];
  if (typeof contextId !== 'string' || typeof id !== 'string') return undefined;
  const metadata: Record<string, MetadataValue> = {};
  for (const key of Object.keys(stored)) {
    if (!key.startsWith('t:')) continue;
    const field = key.slice(2);
    const tag = stored[key];
    if (tag === TAG.null) setField(metadata, field, null);
    else if (tag === TAG.array) setField(metadata, field, JSON.parse(String(stored[arrayKey(field)] ?? '[]')) as string[]);
    else setField(metadata, field, (stored[valueKey(field)] ?? null) as MetadataValue);
  }
  return { contextId, id, metadata };
}
