import { CorruptData, LITTLE_ENDIAN_HOST, TYPED_ARRAY_KINDS, swapBytes } from './codec_types.js';

/** Decoders for the extension payloads MsgpackWriter writes; each gets exactly its payload bytes. */

const TWO_POW_32 = 0x1_0000_0000;

/** The spec's timestamp in its three widths; the result must be a valid Date. */
export function decodeTimestamp(payload: Uint8Array): Date {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let seconds: number;
  let nanos = 0;
  if (payload.length === 4) seconds = view.getUint32(0);
  else if (payload.length === 8) {
    const high = view.getUint32(0);
    nanos = Math.floor(high / 4);
    seconds = (high & 0x3) * TWO_POW_32 + view.getUint32(4);
  } else if (payload.length === 12) {
    nanos = view.getUint32(0);
    seconds = view.getInt32(4) * TWO_POW_32 + view.getUint32(8);
  } else throw new CorruptData('a timestamp has a length other than 4, 8 or 12');
  if (nanos > 999_999_999) throw new CorruptData('a timestamp has more than 999999999 nanoseconds');
  const date = new Date(seconds * 1000 + nanos / 1_000_000);
  if (Number.isNaN(date.getTime())) throw new CorruptData('a timestamp is outside the range of Date');
  return date;
}

/** Sign byte (0 or 1) and a big-endian magnitude of at least one byte. */
export function decodeBigInt(payload: Uint8Array): bigint {
  const sign = payload[0];
  if (payload.length < 2 || (sign !== 0 && sign !== 1)) throw new CorruptData('a BigInt is malformed');
  const magnitude = BigInt(`0x${Buffer.from(payload.buffer, payload.byteOffset + 1, payload.length - 1).toString('hex')}`);
  return sign === 1 ? -magnitude : magnitude;
}

/** By hand: TextDecoder would replace the lone surrogates this extension exists to keep. */
export function decodeUtf16(payload: Uint8Array): string {
  if (payload.length % 2 !== 0) throw new CorruptData('a UTF-16 string has an odd byte length');
  const units: number[] = [];
  let out = '';
  for (let i = 0; i < payload.length; i += 2) {
    units.push(payload[i]! | (payload[i + 1]! << 8));
    if (units.length === 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** Kind byte and little-endian elements, copied into a new, aligned buffer. */
export function decodeTypedArray(payload: Uint8Array): ArrayBufferView {
  const Ctor = TYPED_ARRAY_KINDS[payload[0]!];
  if (!Ctor) throw new CorruptData('a typed array has an unknown kind');
  const byteLength = payload.length - 1;
  if (byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw new CorruptData('a typed array has a partial element');
  const out = new Ctor(byteLength / Ctor.BYTES_PER_ELEMENT);
  const bytes = new Uint8Array(out.buffer);
  bytes.set(payload.subarray(1));
  if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, Ctor.BYTES_PER_ELEMENT);
  return out;
}
