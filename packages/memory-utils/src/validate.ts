import { invalidArgument } from '@engram/memory-core';
import { isWellFormed } from './string_methods.js';

/**
 * Keys and context ids are data: any non-empty, well-formed string. Ill-formed UTF-16
 * (a lone surrogate) is refused because UTF-8 stores would silently map two ids to one.
 */
export function validateId(value: unknown, field: 'key' | 'contextId' | string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidArgument(`${field} must be a non-empty string (got ${describe(value)}); pass the id as text`, {
      field,
    });
  }
  if (!isWellFormed(value)) {
    throw invalidArgument(`${field} contains a lone UTF-16 surrogate; use well-formed text (String.prototype.toWellFormed)`, {
      field,
    });
  }
}

export function validateKeys(keys: unknown, field = 'keys'): asserts keys is readonly string[] {
  if (!Array.isArray(keys)) throw invalidArgument(`${field} must be an array of strings (got ${describe(keys)})`, { field });
  for (const key of keys) validateId(key, 'key');
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : 'a string';
  return typeof value === 'object' ? `a ${value.constructor?.name ?? 'null-prototype object'}` : typeof value;
}
