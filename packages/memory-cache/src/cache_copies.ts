import { cloneValue } from '@engram/memory-utils';
import { MISSING } from './read_through_cache.js';

/**
 * The L1 copy of a value being saved, taken before the write so later mutation by the caller
 * can't reach L1. A value the copier can't handle is simply not cached (MISSING): the store
 * decides whether it is storable, and its error is the one the caller sees.
 */
export function copyForCache(value: unknown): unknown {
  try {
    return cloneValue(value);
  } catch {
    return MISSING;
  }
}

/** A null-prototype record of `keys` with copies of the found values, and `fallback` for the rest when given. */
export function copiesAsRecord<T>(keys: readonly string[], found: Map<string, unknown>, fallback: T | undefined): Record<string, T> {
  const record: Record<string, T> = Object.create(null);
  for (const key of keys) {
    if (found.has(key)) record[key] = cloneValue(found.get(key)) as T;
    else if (fallback !== undefined) record[key] = fallback;
  }
  return record;
}
