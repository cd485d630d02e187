import { ErrorCode, MemoryError, type MemoryEntry } from '@engram/memory-core';
import { checkValueSize, deserializeData, serializeData } from '@engram/memory-utils';

/**
 * A stored value is `[MAGIC, VERSION, expiresAt: uint64 BE epoch ms (0 = never), ...codec bytes]`.
 *
 * The expiry rides in front of the value so `loadEntry`/`bulkLoadEntries` answer with one GET/MGET
 * instead of GET + PEXPIRETIME. 0xF8 never starts well-formed UTF-8 (nor JSON, nor base64 text), so
 * a string some other tool SET under our key is refused rather than misread; the codec then checks
 * its own format tag behind the header.
 */
export const MAGIC = 0xf8;
export const VERSION = 0x01;
export const HEADER_BYTES = 10;

/** `maxValueBytes` bounds the codec bytes (the header is not counted): refused before anything is sent. */
export function encodeEntry(value: unknown, expiresAt: number | null, maxValueBytes: number): Buffer {
  const body = serializeData(value);
  checkValueSize(body, maxValueBytes);
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out[0] = MAGIC;
  out[1] = VERSION;
  out.writeBigUInt64BE(BigInt(expiresAt ?? 0), 2);
  out.set(body, HEADER_BYTES);
  return out;
}

export function decodeEntry<T>(bytes: Buffer): MemoryEntry<T> {
  checkHeader(bytes);
  const expiresAt = Number(bytes.readBigUInt64BE(2));
  const value = deserializeData(bytes.subarray(HEADER_BYTES)) as T;
  return { value, expiresAt: expiresAt === 0 ? null : expiresAt };
}

/** The value alone, for loads that do not report the expiry: the same checks, no BigInt read. */
export function decodeValue<T>(bytes: Buffer): T {
  checkHeader(bytes);
  return deserializeData(bytes.subarray(HEADER_BYTES)) as T;
}

function checkHeader(bytes: Buffer): void {
  if (bytes.length <= HEADER_BYTES || bytes[0] !== MAGIC) {
    throw new MemoryError(
      ErrorCode.SERIALIZATION_ERROR,
      'A key under this store\'s prefix holds bytes Engram did not write: give Engram a keyPrefix no other application writes to, or delete the key',
      { details: { reason: 'not-engram-data' } },
    );
  }
  if (bytes[1] !== VERSION) {
    throw new MemoryError(
      ErrorCode.SERIALIZATION_ERROR,
      `A stored value uses format version ${bytes[1]}, which this version of @engram/memory-redis cannot read: upgrade the package`,
      { details: { reason: 'unknown-version', version: bytes[1] } },
    );
  }
}
