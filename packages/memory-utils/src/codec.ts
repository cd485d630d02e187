import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import { CorruptData, FORMAT_TAG, type CodecFormat } from './codec_types.js';
import { decodeJson, encodeJson } from './json_format.js';
import { MsgpackReader } from './msgpack_reader.js';
import { MsgpackWriter } from './msgpack_writer.js';
import { describe } from './validate.js';
import { unencodableError } from './value_path.js';

export type { CodecFormat } from './codec_types.js';

export interface SerializeOptions {
  /** `msgpack` (default): compact and fast. `json`: readable, for interoperability and debugging. */
  format?: CodecFormat;
}

/** Reused between calls; a re-entrant call (a getter that serializes) gets a fresh one. */
let idleWriter: MsgpackWriter | undefined;

/**
 * Encodes a value for storage: one format-tag byte, then MessagePack (default) or JSON.
 * Accepts strings, numbers (incl. -0, NaN, ±Infinity), booleans, null, undefined inside
 * containers, arrays, plain and null-prototype objects, Date, Map, Set, BigInt, Uint8Array,
 * Buffer and the other typed arrays. Returns a Node Buffer (a Uint8Array).
 *
 * @throws MemoryError INVALID_ARGUMENT for `undefined` itself or an unknown format;
 *   SERIALIZATION_ERROR, naming the path, for functions, symbols, cycles, invalid Dates,
 *   class instances and nesting deeper than 512 levels.
 */
export function serializeData(value: unknown, options?: SerializeOptions): Uint8Array {
  if (value === undefined) {
    throw invalidArgument('value is undefined, which means "missing"; store null instead (or delete the key)');
  }
  const format = options?.format ?? 'msgpack';
  if (format === 'msgpack') return encodeMsgpack(value);
  if (format === 'json') return encodeJsonBytes(value);
  throw invalidArgument(`format must be 'msgpack' or 'json' (got ${describe(format)})`, { field: 'format' });
}

function encodeMsgpack(value: unknown): Buffer {
  const writer = idleWriter ?? new MsgpackWriter();
  idleWriter = undefined;
  try {
    writer.writeByte(FORMAT_TAG.msgpack);
    writer.write(value, 0);
    return writer.take();
  } catch (error) {
    writer.reset();
    throw unencodableError(value, error, { format: 'msgpack' });
  } finally {
    idleWriter = writer;
  }
}

function encodeJsonBytes(value: unknown): Buffer {
  let text: string;
  try {
    text = encodeJson(value);
  } catch (error) {
    throw unencodableError(value, error, { format: 'json' });
  }
  const out = Buffer.allocUnsafe(1 + Buffer.byteLength(text, 'utf8'));
  out[0] = FORMAT_TAG.json;
  out.write(text, 1, 'utf8');
  return out;
}

/** The format of bytes written by serializeData, or undefined when the first byte is no Engram tag. */
export function detectFormat(bytes: Uint8Array): CodecFormat | undefined {
  if (bytes[0] === FORMAT_TAG.msgpack) return 'msgpack';
  if (bytes[0] === FORMAT_TAG.json) return 'json';
  return undefined;
}

/**
 * Decodes bytes written by serializeData in either format (detected from the first byte).
 * Objects come back as plain objects (null-prototype ones too), Buffers as Uint8Arrays.
 *
 * @throws MemoryError SERIALIZATION_ERROR for empty, foreign, truncated or corrupt bytes;
 *   INVALID_ARGUMENT when `bytes` is not a Uint8Array.
 */
export function deserializeData<T = unknown>(bytes: Uint8Array): T {
  if (!(bytes instanceof Uint8Array)) {
    throw invalidArgument(`bytes must be a Uint8Array or Buffer (got ${describe(bytes)}); pass what serializeData returned`, {
      field: 'bytes',
    });
  }
  const format = detectFormat(bytes);
  if (format === undefined) {
    throw new MemoryError(
      ErrorCode.SERIALIZATION_ERROR,
      bytes.length === 0
        ? 'the stored data is empty, so it was not written by serializeData; delete or overwrite the key'
        : 'the stored data does not start with an Engram format tag (0xC1 MessagePack, 0xF5 JSON): another program wrote it; delete or overwrite the key',
      { details: { length: bytes.length } },
    );
  }
  try {
    if (format === 'msgpack') return new MsgpackReader(bytes, 1).readAll() as T;
    return decodeJson(utf8.decode(bytes.subarray(1))) as T;
  } catch (error) {
    // Only our own reasons go into the message: a parser's message can quote the bytes.
    const reason = error instanceof CorruptData ? error.message : `${error instanceof Error ? error.name : 'error'} while parsing`;
    throw new MemoryError(
      ErrorCode.SERIALIZATION_ERROR,
      `the stored ${format === 'msgpack' ? 'MessagePack' : 'JSON'} data is corrupt or truncated (${reason}); delete or overwrite the key`,
      { details: { format, length: bytes.length } },
    );
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
