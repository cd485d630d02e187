import { crc32 } from 'node:zlib';
import { deserializeData, serializeData } from '@engram/memory-utils';

/*
 * The frame every backend snapshot starts with: MAGIC | u32 header length | u32 header CRC |
 * header (codec-encoded). What follows the header is each backend's own.
 */

/** The bytes to write first: the prefix and the encoded header. */
export function frameHeader(magic: Buffer, header: unknown): { prefix: Buffer; headerBytes: Uint8Array } {
  const headerBytes = serializeData(header);
  const prefix = Buffer.alloc(magic.length + 8);
  magic.copy(prefix, 0);
  prefix.writeUInt32LE(headerBytes.length, magic.length);
  prefix.writeUInt32LE(crc32(headerBytes), magic.length + 4);
  return { prefix, headerBytes };
}

/**
 * Checks the frame and decodes the header; `offset` is where the body starts. Every problem goes
 * through `corrupt`, so each backend words its own error; `kind` names the file in the first one.
 */
export function readFramedHeader(
  buffer: Buffer,
  magic: Buffer,
  kind: string,
  corrupt: (problem: string, cause?: unknown) => Error,
): { header: unknown; offset: number } {
  if (buffer.length < magic.length + 8 || !buffer.subarray(0, magic.length).equals(magic)) throw corrupt(`not an ${kind}`);
  const headerLength = buffer.readUInt32LE(magic.length);
  const headerCrc = buffer.readUInt32LE(magic.length + 4);
  const headerStart = magic.length + 8;
  if (headerStart + headerLength > buffer.length) throw corrupt('truncated header');
  const headerBytes = buffer.subarray(headerStart, headerStart + headerLength);
  if (crc32(headerBytes) !== headerCrc) throw corrupt('header checksum mismatch');
  try {
    return { header: deserializeData(headerBytes), offset: headerStart + headerLength };
  } catch (error) {
    throw corrupt('undecodable header', error);
  }
}
