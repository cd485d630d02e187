import { createHash } from 'node:crypto';
import { MsgpackWriter } from './msgpack_writer.js';
import { unencodableError } from './value_path.js';

/**
 * Bumped whenever the canonical form changes, so old and new fingerprints never mix
 * silently (a cache keyed by them just misses).
 */
const DOMAIN = Buffer.from('engram-fingerprint-v1\0');

let idleWriter: MsgpackWriter | undefined;

/**
 * SHA-256 (hex) of a canonical encoding of `value`, equal in every process and version of
 * Node: the Engram MessagePack form with object keys sorted, Map entries and Set elements
 * ordered by their own encoding, and one NaN. MessagePack prefixes every string, array and
 * map with its length and every value with its type, so no two values share an encoding
 * by concatenation (`['ab','c']` ≠ `['a','bc']`) and types stay apart (1 ≠ '1' ≠ 1n,
 * Map ≠ object, Date ≠ its ISO string, -0 ≠ 0, Uint8Array ≠ array of numbers).
 *
 * Object properties whose value is `undefined` count as absent (`{a: 1, b: undefined}`
 * equals `{a: 1}`, as in JSON); `undefined` in arrays and Maps counts.
 *
 * @throws MemoryError SERIALIZATION_ERROR naming the path for functions, symbols, cycles and
 *   values serializeData refuses.
 */
export function computeFingerprint(value: unknown): string {
  const writer = idleWriter ?? new MsgpackWriter(true);
  idleWriter = undefined;
  try {
    writer.write(value, 0);
    return createHash('sha256').update(DOMAIN).update(writer.view()).digest('hex');
  } catch (error) {
    throw unencodableError(value, error, { operation: 'fingerprint' });
  } finally {
    writer.reset();
    idleWriter = writer;
  }
}
