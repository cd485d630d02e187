/**
 * Shared facts of the Engram value format: the first-byte format tags, the MessagePack
 * extension types, and which built-in objects the codec accepts.
 *
 * Both tags are bytes that never start well-formed UTF-8, so a plain string someone SET
 * under one of our keys is always told apart from our data. 0xC1 is also the one byte
 * MessagePack never uses, so raw (untagged) MessagePack from another tool is refused too.
 */
export const FORMAT_TAG = {
  msgpack: 0xc1,
  json: 0xf5,
} as const;

export type CodecFormat = keyof typeof FORMAT_TAG;

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
