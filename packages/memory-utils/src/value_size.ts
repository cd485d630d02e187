import { invalidArgument } from '@engram/memory-core';

/**
 * Default `maxValueBytes`: 8 MiB of encoded value. Redis accepts up to 512 MB per string, but a
 * memory layer that stores a runaway transcript or an accidental buffer would only move the
 * failure to every later read; a value this large is almost always a bug.
 */
export const DEFAULT_MAX_VALUE_BYTES = 8 * 1024 * 1024;

/** Largest limit accepted: Redis's own 512 MB string limit. */
const MAX_LIMIT = 512 * 1024 * 1024;

/** Checks a `maxValueBytes` option; `undefined` → the default. */
export function resolveMaxValueBytes(value: unknown, field = 'maxValueBytes'): number {
  if (value === undefined) return DEFAULT_MAX_VALUE_BYTES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw invalidArgument(
      `${field} must be a whole number of bytes from 1 to ${MAX_LIMIT} (got ${typeof value === 'number' ? String(value) : typeof value}); omit it for the default ${DEFAULT_MAX_VALUE_BYTES} (8 MiB)`,
      { field },
    );
  }
  return value;
}

/**
 * Refuses encoded bytes above `max` with INVALID_ARGUMENT. Called after encoding and before
 * anything is sent or written. The message names the size, the limit and the option, never the
 * value or the key (keys can hold user data too).
 */
export function checkValueSize(bytes: Uint8Array, max: number, field = 'maxValueBytes'): void {
  if (bytes.length <= max) return;
  throw invalidArgument(
    `the encoded value is ${bytes.length} bytes, above the ${field} limit of ${max} bytes: store a smaller value (split it, or keep large blobs elsewhere and store a reference), or raise ${field}`,
    { field, size: bytes.length, limit: max },
  );
}
