import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import { CorruptData, JSON_PREFIX, valueLayout, type CodecFormat } from './codec_types.js';
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
 * Encodes a value for storage: plain MessagePack (default), or 0xC1 0x00 and then JSON text
 * (layout and why in codec_types.ts).
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
  const start = JSON_PREFIX.length;
  const out = Buffer.allocUnsafe(start + Buffer.byteLength(text, 'utf8'));
  out.set(JSON_PREFIX);
  out.write(text, start, 'utf8');
  return out;
}

/**
 * The format of stored bytes, judged from their first bytes only (rules in codec_types.ts;
 * values written by older versions included): undefined only for empty bytes. It does not
 * check that the rest decodes.
 */
export function detectFormat(bytes: Uint8Array): CodecFormat | undefined {
  return valueLayout(bytes)?.format;
}

/**
 * Decodes bytes written by serializeData in either format, by this or an older version
 * (detected from the first bytes, see codec_types.ts).
 * Objects come back as plain objects (null-prototype ones too), Buffers as Uint8Arrays.
 *
 * @throws MemoryError SERIALIZATION_ERROR for empty, truncated or corrupt bytes (which is how
 *   foreign bytes mostly fail); INVALID_ARGUMENT when `bytes` is not a Uint8Array or `offset`
 *   is not an index into it.
 *
 * `offset`: where the value starts, for bytes framed by a header of the caller's (the value
 * runs to the end). Cheaper than `subarray`, which allocates a Buffer per value.
 */
export function deserializeData<T = unknown>(bytes: Uint8Array, offset = 0): T {
  if (!(bytes instanceof Uint8Array)) {
    throw invalidArgument(`bytes must be a Uint8Array or Buffer (got ${describe(bytes)}); pass what serializeData returned`, {
      field: 'bytes',
    });
  }
  if (offset !== 0 && !(Number.isInteger(offset) && offset > 0 && offset <= bytes.length)) {
    throw invalidArgument(`offset must be an integer from 0 to bytes.length (${bytes.length}); got ${describe(offset)}`, { field: 'offset' });
  }
  const layout = valueLayout(bytes, offset);
  if (layout === undefined) {
    throw new MemoryError(
      ErrorCode.SERIALIZATION_ERROR,
      'the stored data is empty, so it was not written by serializeData; delete or overwrite the key',
      { details: { length: 0 } },
    );
  }
  const format = layout.format;
  const start = offset + layout.skip;
  try {
    if (format === 'msgpack') return new MsgpackReader(bytes, start).readAll() as T;
    return decodeJson(utf8.decode(bytes.subarray(start))) as T;
  } catch (error) {
    // Only our own reasons go into the message: a parser's message can quote the bytes.
    const reason = error instanceof CorruptData ? error.message : `${error instanceof Error ? error.name : 'error'} while parsing`;
    throw new MemoryError(
      ErrorCode.SERIALIZATION_ERROR,
      `the stored ${format === 'msgpack' ? 'MessagePack' : 'JSON'} data is corrupt or truncated (${reason}); delete or overwrite the key`,
      { details: { format, length: bytes.length - offset } },
    );
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
