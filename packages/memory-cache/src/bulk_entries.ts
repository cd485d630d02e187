import { invalidArgument, type BulkEntries } from '@engram/memory-core';
import { validateId } from '@engram/memory-utils';

/**
 * The `[key, value]` pairs of a bulk save, every key validated before anything is written.
 * A Map is taken as is (keys like `__proto__` survive); a record contributes its own
 * enumerable string keys.
 */
export function bulkEntryPairs(entries: BulkEntries, field = 'entries'): Array<[string, unknown]> {
  let pairs: Array<[string, unknown]>;
  if (entries instanceof Map) {
    pairs = [...(entries as ReadonlyMap<string, unknown>)];
  } else if (typeof entries === 'object' && entries !== null && !Array.isArray(entries)) {
    pairs = Object.entries(entries);
  } else {
    throw invalidArgument(`${field} must be a plain object or a Map of key → value`, { field });
  }
  for (const [key] of pairs) validateId(key, 'key');
  return pairs;
}

/**
 * The `[key, value]` pairs of `produced` (a record or Map) for the `wanted` keys only, skipping
 * `undefined`. Own properties only: a key named `constructor` must not find Object.prototype's.
 */
export function pickEntries(produced: unknown, wanted: readonly string[], field: string): Array<[string, unknown]> {
  const pairs: Array<[string, unknown]> = [];
  if (produced instanceof Map) {
    for (const key of wanted) {
      const value: unknown = produced.get(key);
      if (value !== undefined) pairs.push([key, value]);
    }
  } else if (typeof produced === 'object' && produced !== null && !Array.isArray(produced)) {
    for (const key of wanted) {
      if (!Object.hasOwn(produced, key)) continue;
      const value: unknown = (produced as Record<string, unknown>)[key];
      if (value !== undefined) pairs.push([key, value]);
    }
  } else {
    throw invalidArgument(`${field} must return a plain object or a Map of key → value for the missing keys`, { field });
  }
  return pairs;
}
