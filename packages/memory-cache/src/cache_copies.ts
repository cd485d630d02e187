import { cloneValue } from '@engram/memory-utils';
import { MISSING, type BulkFound, type BulkRecordSink } from './read_through_cache.js';

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

/**
 * L1 copies of the last `capacity` of a bulk write's values, for `ReadThroughCache.mutate`.
 * Only these are copied: any earlier ones would be evicted by the later ones at once, so
 * copying them would buy nothing but garbage.
 */
export function cacheTail(pairs: ReadonlyArray<readonly [string, unknown]>, capacity: number): unknown[] {
  const from = Math.max(0, pairs.length - capacity);
  const copies = new Array<unknown>(pairs.length - from);
  for (let i = from; i < pairs.length; i++) copies[i - from] = copyForCache(pairs[i]![1]);
  return copies;
}

/**
 * A null-prototype record of `keys` with the found values, and `fallback` for the rest when
 * given. Shared values are copied; owned ones are the caller's alone.
 */
export function copiesAsRecord<T>(keys: readonly string[], found: BulkFound, fallback: T | undefined): Record<string, T> {
  const record: Record<string, T> = Object.create(null);
  const { shared, owned } = found;
  // Stored values are never `undefined` (it means "missing"), so `get` alone tells found from not.
  for (const key of keys) {
    const own = owned.get(key);
    if (own !== undefined) {
      record[key] = own as T;
      continue;
    }
    const held = shared.get(key);
    if (held !== undefined) record[key] = cloneValue(held) as T;
    else if (fallback !== undefined) record[key] = fallback;
  }
  return record;
}

/** `copiesAsRecord`'s result built in one pass, for reads whose keys all come from one store read. */
export function recordSink<T>(fallback: T | undefined): BulkRecordSink {
  const record: Record<string, unknown> = Object.create(null);
  return {
    record,
    own: (key, value) => {
      record[key] = value;
    },
    share: (key, value) => {
      record[key] = cloneValue(value);
    },
    miss:
      fallback === undefined
        ? () => {}
        : (key) => {
            record[key] = fallback;
          },
  };
}
