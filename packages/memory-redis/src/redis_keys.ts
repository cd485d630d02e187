import { escapeGlob, escapeKeyPart, validateId } from '@engram/memory-utils';

/*
 * Where a context lives in Redis. Every key of a context carries the same `{<escaped ctx>}` hash
 * tag, so its values and its index share one Redis Cluster slot and can travel together in one
 * script or MGET:
 *
 *   value       `{prefix}:m:{<ctx>}:<key>`  (exactly generateMemoryKey from @engram/memory-utils)
 *   index       `{prefix}:i:{<ctx>}`        set of the escaped keys saved with a TTL; expires with its longest-lived member
 *   persistent  `{prefix}:p:{<ctx>}`        set of the escaped keys saved without TTL; no expiry
 */

export interface ContextKeys {
  /** Members whose values have a TTL. */
  readonly index: string;
  /** Members whose values never expire. */
  readonly persistent: string;
  /** A value key is this plus the escaped key, which is also its index member. */
  readonly valuePrefix: string;
}

export interface EntryKeys extends ContextKeys {
  readonly value: string;
  readonly member: string;
}

/** Ids made only of these characters are their own escape: skip the regex on the hot path. */
const PLAIN = /^[A-Za-z0-9_.-]*$/;

/** `escapeKeyPart`, without running its regex over ids that need no escaping. */
export function escapeId(id: string): string {
  return PLAIN.test(id) ? id : escapeKeyPart(id);
}

export function contextKeys(contextId: string, prefix: string): ContextKeys {
  validateId(contextId, 'contextId');
  const tag = `{${escapeId(contextId)}}`;
  return { index: `${prefix}:i:${tag}`, persistent: `${prefix}:p:${tag}`, valuePrefix: `${prefix}:m:${tag}:` };
}

/** Validates and escapes each id once (this runs on every operation). */
export function entryKeys(key: string, contextId: string, prefix: string): EntryKeys {
  validateId(key, 'key');
  const context = contextKeys(contextId, prefix);
  const member = escapeId(key);
  return { index: context.index, persistent: context.persistent, valuePrefix: context.valuePrefix, value: context.valuePrefix + member, member };
}

/**
 * SCAN patterns for everything one store owns. The `{` right after the kind letter matters: a
 * prefix cannot contain braces, so `engram:[mip]:{*` can never match the keys of a store whose
 * prefix merely starts with `engram` (such as `engram:x`).
 */
export function ownedKeysPattern(prefix: string): string {
  return `${escapeGlob(prefix)}:[mip]:{*`;
}

export function valueKeysPattern(prefix: string): string {
  return `${escapeGlob(prefix)}:m:{*`;
}

/** True for value keys (as opposed to index keys) of `prefix`. */
export function isValueKey(redisKey: string, prefix: string): boolean {
  return redisKey.startsWith(`${prefix}:m:{`);
}

/** The `{...}` hash tag of one of our keys: keys with the same tag are in the same slot. */
export function hashTagOf(redisKey: string): string {
  const open = redisKey.indexOf('{');
  const close = redisKey.indexOf('}', open + 1);
  return open === -1 || close === -1 ? redisKey : redisKey.slice(open, close + 1);
}
