import { invalidArgument, type Ttl } from '@engram/memory-core';

/** Named TTLs in seconds, as in the documented design. */
export const ExpirationPolicy = {
  TEMPORARY: 300,
  CACHE: 3_600,
  DEFAULT: 86_400,
  PERSISTENT: 2_592_000,
} as const;
export type ExpirationPolicyName = keyof typeof ExpirationPolicy;

/** Pass as `ttl` to store without expiry. */
export const NO_EXPIRY = null;

/** Redis refuses EX above this (it overflows milliseconds in 64 bits); ~292 million years anyway. */
const MAX_TTL_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/**
 * Checks a TTL and resolves it: `undefined` → `fallback`, `null` → never expires,
 * otherwise a positive whole number of seconds. Returns seconds or null.
 */
export function resolveTtl(ttl: unknown, fallback: Ttl, field = 'ttl'): number | null {
  if (ttl === undefined) return fallback === undefined ? null : fallback;
  if (ttl === null) return null;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TTL_SECONDS) {
    throw invalidArgument(
      `${field} must be a positive whole number of seconds, or null for no expiry (got ${String(ttl)}${
        typeof ttl === 'number' ? '' : ` of type ${typeof ttl}`
      }); e.g. ExpirationPolicy.CACHE = 3600`,
      { field },
    );
  }
  return ttl;
}

/** Absolute expiry in epoch milliseconds, or null for never. */
export function expiresAtFor(ttlSeconds: number | null, now = Date.now()): number | null {
  return ttlSeconds === null ? null : now + ttlSeconds * 1000;
}
