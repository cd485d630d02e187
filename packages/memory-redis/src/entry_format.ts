import { ErrorCode, MemoryError, type MemoryEntry } from '@engram/memory-core';
import { checkValueSize, deserializeData, serializeData } from '@engram/memory-utils';

/**
 * A stored value is `[MAGIC, VERSION, expiresAt: uint64 BE epoch ms (0 = never), ...codec bytes]`.
 *
 * The expiry rides in front of the value so `loadEntry`/`bulkLoadEntries` answer with one GET/MGET
 * instead of GET + PEXPIRETIME. 0xF8 never starts well-formed UTF-8 (nor JSON, nor base64 text), so
 * a string some other tool SET under our key is refused rather than misread. The codec bytes follow
 * the header and are decoded in place (no subarray per value).
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
  // Two 32-bit halves: exact for any epoch-ms date (< 2^53), without a BigInt per value.
  const ms = expiresAt ?? 0;
  out.writeUInt32BE(Math.floor(ms / 0x1_0000_0000), 2);
  out.writeUInt32BE(ms >>> 0, 6);
  out.set(body, HEADER_BYTES);
  return out;
}

export function decodeEntry<T>(bytes: Buffer): MemoryEntry<T> {
  checkHeader(bytes);
  const expiresAt = bytes.readUInt32BE(2) * 0x1_0000_0000 + bytes.readUInt32BE(6);
  const value = deserializeData(bytes, HEADER_BYTES) as T;
  return { value, expiresAt: expiresAt === 0 ? null : expiresAt };
}

/** The value alone, for loads that do not report the expiry: the same checks, no BigInt read. */
export function decodeValue<T>(bytes: Buffer): T {
  checkHeader(bytes);
  return deserializeData<T>(bytes, HEADER_BYTES);
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
