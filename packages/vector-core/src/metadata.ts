import { invalidArgument, type MetadataValue, type VectorMetadata } from '@engram/memory-core';
import { describeValue } from '@engram/memory-utils';
import type { StoredMetadata } from './filter_compiler.js';

/** `metadata.text` is where every search result carries the stored text, so callers cannot set it. */
export const TEXT_FIELD = 'text';

/** Assigns without tripping the `__proto__` setter: a field named `__proto__` is data like any other. */
export function setField(target: Record<string, MetadataValue>, key: string, value: MetadataValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function fieldLabel(path: string, key: string): string {
  return /^[\w-]+$/u.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Checks caller metadata and returns a copy holding `text` first. Values every backend can store
 * and filter on: strings, finite numbers, booleans, null and arrays of strings.
 */
export function toStoredMetadata(text: string, metadata: unknown, path = 'metadata'): StoredMetadata {
  const out: Record<string, MetadataValue> = { [TEXT_FIELD]: text };
  if (metadata === undefined || metadata === null) return out;
  const proto = typeof metadata === 'object' ? Object.getPrototypeOf(metadata) : undefined;
  if (typeof metadata !== 'object' || Array.isArray(metadata) || (proto !== Object.prototype && proto !== null)) {
    throw invalidArgument(`${path} must be a plain object of fields (got ${describeValue(metadata)})`, { field: path });
  }
  for (const [key, value] of Object.entries(metadata)) {
    const label = fieldLabel(path, key);
    if (key === TEXT_FIELD) {
      throw invalidArgument(`${label} is reserved for the stored text (results return it as metadata.text); rename the field`, {
        field: label,
      });
    }
    if (key.length === 0 || key.startsWith('$')) {
      throw invalidArgument(`${path} has a field name that is empty or starts with "$" (filter operators do); rename it`, {
        field: path,
      });
    }
    setField(out, key, checkValue(value, label));
  }
  return out;
}

function checkValue(value: unknown, label: string): MetadataValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw invalidArgument(`${label} must be a finite number (NaN and Infinity cannot be stored)`, { field: label });
  }
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string')) return [...(value as string[])];
    throw invalidArgument(`${label} must be an array of strings only; store numbers as separate fields`, { field: label });
  }
  throw invalidArgument(
    `${label} must be a string, number, boolean, null or array of strings (got ${describeValue(value)}); flatten nested objects into fields`,
    { field: label },
  );
}

/** A copy for the caller, so mutating a result never reaches the store. */
export function copyMetadata(metadata: StoredMetadata): VectorMetadata & { text: string } {
  const out: Record<string, MetadataValue> = {};
  for (const key of Object.keys(metadata)) {
    const value = metadata[key] as MetadataValue;
    setField(out, key, Array.isArray(value) ? [...value] : value);
  }
  return out as VectorMetadata & { text: string };
}
