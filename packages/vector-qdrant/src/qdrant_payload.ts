import type { MetadataValue } from '@engram/memory-core';
import type { StoredMetadata } from '@engram/vector-core';

/**
 * How a record sits in a Qdrant payload:
 *
 * - `engram_ctx`: the context, a keyword with a tenant index (`is_tenant: true`);
 * - `engram_id`: the caller's id (Qdrant point ids must be UUIDs or integers);
 * - `engram_fields`: the names of the fields holding a non-null value, because Qdrant's
 *   `is_empty` also matches `[]`, which our `$exists` counts as present;
 * - `m_<field>`: each caller field, with its JSON value as is (strings, numbers, booleans, null,
 *   arrays of strings), under a key that Qdrant's key-path syntax cannot misread.
 */
export const CONTEXT_KEY = 'engram_ctx';
export const ID_KEY = 'engram_id';
export const FIELDS_KEY = 'engram_fields';
const FIELD_PREFIX = 'm_';

const PLAIN = /^[A-Za-z0-9]$/;

/**
 * Payload key for a caller field. Qdrant reads `.`, `[]` and quotes in a key as a path, and
 * field names are data: every character but ASCII letters and digits becomes `_` plus its four
 * hex UTF-16 digits, so `a.b` → `m_a_002eb`. Injective, and reversible by `fieldName`.
 */
export function fieldKey(field: string): string {
  let out = FIELD_PREFIX;
  for (let i = 0; i < field.length; i++) {
    const ch = field[i] as string;
    out += PLAIN.test(ch) ? ch : `_${field.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** The inverse of `fieldKey`; undefined for keys that are not caller fields. */
export function fieldName(key: string): string | undefined {
  if (!key.startsWith(FIELD_PREFIX)) return undefined;
  let out = '';
  for (let i = FIELD_PREFIX.length; i < key.length; i++) {
    const ch = key[i] as string;
    if (ch !== '_') {
      out += ch;
      continue;
    }
    const hex = key.slice(i + 1, i + 5);
    if (!/^[0-9a-f]{4}$/.test(hex)) return undefined;
    out += String.fromCharCode(parseInt(hex, 16));
    i += 4;
  }
  return out;
}

export type QdrantPayload = Record<string, unknown>;

export function encodePayload(contextId: string, id: string, metadata: StoredMetadata): QdrantPayload {
  const present: string[] = [];
  const payload: QdrantPayload = { [CONTEXT_KEY]: contextId, [ID_KEY]: id, [FIELDS_KEY]: present };
  for (const field of Object.keys(metadata)) {
    const value = metadata[field] as MetadataValue;
    payload[fieldKey(field)] = Array.isArray(value) ? [...value] : value;
    if (value !== null) present.push(field);
  }
  return payload;
}

/** Assigns without tripping the `__proto__` setter: a field named `__proto__` is data. */
function setField(target: Record<string, MetadataValue>, key: string, value: MetadataValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export interface DecodedPoint {
  contextId: string;
  id: string;
  metadata: StoredMetadata;
}

/** The inverse of `encodePayload`; undefined for points that were not written by us. */
export function decodePayload(payload: QdrantPayload | null | undefined): DecodedPoint | undefined {
  if (!payload) return undefined;
  const contextId = payload[CONTEXT_KEY];
  const id = payload[ID_KEY];
  if (typeof contextId !== 'string' || typeof id !== 'string') return undefined;
  const metadata: Record<string, MetadataValue> = {};
  for (const key of Object.keys(payload)) {
    const field = fieldName(key);
    if (field !== undefined) setField(metadata, field, payload[key] as MetadataValue);
  }
  return { contextId, id, metadata };
}
