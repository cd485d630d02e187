import { validateId } from '@engram/memory-utils';
import { escapeId } from './redis_keys.js';

export interface LockKeys {
  /** The Redlock resource: holds the holder's random value, with a PX expiry. */
  readonly lock: string;
  /** The fencing counter: never expires, so tokens keep growing across acquisitions. */
  readonly fence: string;
}

/**
 * `<prefix>:lock:{<name>}` and `<prefix>:fence:{<name>}`. The name is percent-escaped, so it is
 * data (no glob, separator or hash-tag syntax), and it is the hash tag, so both keys of one lock
 * share a Redis Cluster slot.
 */
export function lockKeys(name: string, prefix: string): LockKeys {
  validateId(name, 'name');
  const tag = `{${escapeId(name)}}`;
  return { lock: `${prefix}:lock:${tag}`, fence: `${prefix}:fence:${tag}` };
}
