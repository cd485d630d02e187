/**
 * Shared facts of the Engram value format: how a value's bytes begin, the MessagePack
 * extension types, and which built-in objects the codec accepts.
 *
 * What serializeData writes:
 * - `msgpack` (default): plain MessagePack with nothing in front, so no byte is added to the
 *   MessagePack itself, and a value without our extensions (EXT) decodes with any MessagePack
 *   library.
 * - `json`: 0xC1 0x00, then the JSON text (UTF-8). 0xC1 is the one byte MessagePack never
 *   uses, so no MessagePack value starts like this.
 *
 * Older versions put a one-byte tag in front of every value: 0xC1 + MessagePack, 0xF5 + JSON.
 * Those bytes stay readable, so the reader decides from the first bytes, in this order:
 * 1. 0xC1 0x00 and at least one more byte → JSON from offset 2. An old 0xC1 0x00 is exactly two
 *    bytes (the integer 0 behind the old tag): 0x00 is a whole value, so nothing could follow it.
 * 2. 0xC1 → old MessagePack from offset 1.
 * 3. 0xF5 and at least one more byte → old JSON from offset 1. In plain MessagePack 0xF5 is the
 *    fixint -11, a whole value on its own, so longer bytes starting with it cannot be plain.
 * 4. anything else → plain MessagePack from offset 0.
 * Only empty bytes have no format. Without a tag the first byte no longer tells foreign text
 * (a string another program SET under our key) from our data: it is refused by the MessagePack
 * checks (trailing bytes, truncation, bad lengths or UTF-8) like corrupt data, except that a
 * single ASCII character reads as a small integer. Raw MessagePack from another writer is read
 * when it uses no extension type we do not know. A store that must refuse foreign data for
 * certain frames the value with its own header (memory-redis does).
 */
export type CodecFormat = 'msgpack' | 'json';

/** 0xC1, the byte MessagePack never uses: the first byte of JSON values and of old MessagePack ones. */
const NOT_MSGPACK = 0xc1;
/** The second byte of the JSON prefix (0xC1 0x00). */
const JSON_MARK = 0x00;
/** The first byte of old JSON values. */
const OLD_JSON_TAG = 0xf5;

/** The bytes in front of the JSON text. */
export const JSON_PREFIX: readonly number[] = [NOT_MSGPACK, JSON_MARK];

export interface ValueLayout {
  readonly format: CodecFormat;
  /** How many prefix bytes come before the MessagePack value or JSON text. */
  readonly skip: number;
}

const PLAIN_MSGPACK: ValueLayout = Object.freeze({ format: 'msgpack', skip: 0 });
const JSON_TEXT: ValueLayout = Object.freeze({ format: 'json', skip: JSON_PREFIX.length });
const OLD_MSGPACK: ValueLayout = Object.freeze({ format: 'msgpack', skip: 1 });
const OLD_JSON: ValueLayout = Object.freeze({ format: 'json', skip: 1 });

/** Format and prefix length of the stored value that starts at `offset`, by the rules above; undefined only when nothing is there. */
export function valueLayout(bytes: Uint8Array, offset = 0): ValueLayout | undefined {
  const length = bytes.length - offset;
  if (length <= 0) return undefined;
  const first = bytes[offset];
  if (first === NOT_MSGPACK) return bytes[offset + 1] === JSON_MARK && length > JSON_PREFIX.length ? JSON_TEXT : OLD_MSGPACK;
  if (first === OLD_JSON_TAG && length > 1) return OLD_JSON;
  return PLAIN_MSGPACK;
}

/** MessagePack extension types (0..127 are application-defined; -1 is the spec's timestamp). */
export const EXT = {
  /** fixext1 type 0, data 0: the notepack/msgpackr convention for `undefined`. */
  UNDEFINED: 0x00,
  /** sign byte (0 or 1) + big-endian magnitude, any size. */
  BIGINT: 0x42,
  /** a MessagePack array [k1, v1, k2, v2, ...]. */
  MAP: 0x4d,
  /** a MessagePack array of the elements. */
  SET: 0x53,
  /** kind byte + the elements' bytes, little-endian. */
  TYPED_ARRAY: 0x54,
  /** UTF-16LE code units: only for strings with a lone surrogate, which UTF-8 cannot carry. */
  UTF16_STRING: 0x57,
  /** the MessagePack timestamp extension (-1), 32, 64 or 96 bit. */
  TIMESTAMP: 0xff,
} as const;

/** Why bytes were refused; codec.ts wraps it in a MemoryError. Never quotes the bytes themselves. */
export class CorruptData extends Error {}

/** Values nested deeper than this are refused on both sides: it bounds the stack and catches cycles. */
export const MAX_DEPTH = 512;

type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** Typed arrays other than Uint8Array (which is MessagePack `bin`), by the kind byte stored for them. */
export const TYPED_ARRAY_KINDS: readonly TypedArrayConstructor[] = [
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];

/** prototype → kind byte; a prototype lookup, because `constructor` can be an own key of user data. */
export const TYPED_ARRAY_KIND_BY_PROTO = new Map<object, number>(
  TYPED_ARRAY_KINDS.map((ctor, kind) => [ctor.prototype, kind]),
);

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each element's bytes in place (only needed on big-endian hosts). */
export function swapBytes(bytes: Uint8Array, elementSize: number): void {
  for (let i = 0; i < bytes.length; i += elementSize) {
    for (let a = i, b = i + elementSize - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
