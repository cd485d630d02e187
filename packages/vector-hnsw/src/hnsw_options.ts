import { ErrorCode, MemoryError } from '@engram/memory-core';
import { describeValue } from '@engram/memory-utils';

/** Tuning of the HNSW backend; every field is optional in `backendOptions`. */
export interface HnswOptions {
  /** Graph links per node (hnswlib `M`). More: better recall, more memory, slower inserts. */
  M: number;
  /** Candidate list size while inserting. More: a better graph, slower inserts. */
  efConstruction: number;
  /** Candidate list size while searching; raised to at least k for each search. */
  efSearch: number;
  /** Slots allocated when a collection is created; the index doubles when full. */
  initialCapacity: number;
  /** Always scan exactly when at most this many vectors can match the context and filter. */
  exactScanLimit: number;
  /** Also scan exactly when at most this share of the collection can match (0 to 1). */
  exactScanSelectivity: number;
  /** Seed of hnswlib's level generator, so the same inserts build the same graph. */
  randomSeed: number;
}

export const DEFAULT_HNSW_OPTIONS: Readonly<HnswOptions> = Object.freeze({
  M: 16,
  efConstruction: 200,
  efSearch: 64,
  initialCapacity: 1_024,
  exactScanLimit: 2_000,
  exactScanSelectivity: 0.1,
  randomSeed: 100,
});

interface Rule {
  min: number;
  max: number;
  integer: boolean;
}

// hnswlib-node passes these to C++ as uint32; the bounds keep a typo from allocating gigabytes.
const RULES: Record<keyof HnswOptions, Rule> = {
  M: { min: 2, max: 100, integer: true },
  efConstruction: { min: 1, max: 10_000, integer: true },
  efSearch: { min: 1, max: 10_000, integer: true },
  initialCapacity: { min: 1, max: 100_000_000, integer: true },
  exactScanLimit: { min: 0, max: 1e9, integer: true },
  exactScanSelectivity: { min: 0, max: 1, integer: false },
  randomSeed: { min: 0, max: 2 ** 32 - 1, integer: true },
};

/**
 * Validates `backendOptions` and fills in defaults. Unknown names are refused so a typo such as
 * `efsearch` fails loudly instead of silently running with the default.
 */
export function resolveHnswOptions(given: Record<string, unknown> = {}): HnswOptions {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, `backendOptions must be an object (got ${describeValue(given)})`, {
      details: { field: 'backendOptions' },
    });
  }
  const out: HnswOptions = { ...DEFAULT_HNSW_OPTIONS };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const rule = (RULES as Record<string, Rule | undefined>)[key];
    if (!rule) {
      throw new MemoryError(
        ErrorCode.CONFIG_ERROR,
        `backendOptions.${/^\w+$/.test(key) ? key : '<unknown>'} is not an HNSW option; use one of ${Object.keys(RULES).join(', ')}`,
        { details: { field: 'backendOptions' } },
      );
    }
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= rule.min && value <= rule.max && (!rule.integer || Number.isInteger(value));
    if (!ok) {
      throw new MemoryError(
        ErrorCode.CONFIG_ERROR,
        `backendOptions.${key} must be a ${rule.integer ? 'whole ' : ''}number from ${rule.min} to ${rule.max} (got ${describeValue(value)})`,
        { details: { field: `backendOptions.${key}` } },
      );
    }
    (out as unknown as Record<string, number>)[key] = value as number;
  }
  return out;
}
