import { EXT } from './codec_types.js';
import { charCodeAt } from './string_methods.js';

/**
 * Writers for MessagePack's scalar types, as plain functions over a buffer: each writes at
 * `pos` (the caller has reserved enough room, see the `MAX_*` sizes) and returns the new position.
 */

export const MAX_NUMBER_BYTES = 9;
export const MAX_DATE_BYTES = 15;
/** Strings shorter than this are encoded by hand; see writeShortString. */
export const SHORT_STRING = 32;
export const MAX_SHORT_STRING_BYTES = 2 + SHORT_STRING * 3;

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_34 = 0x4_0000_0000;

/** The smallest exact form: fixint, int/uint 8-32, float32 when exact, else float64. */
export function writeNumber(buf: Buffer, pos: number, value: number, canonical: boolean): number {
  if (value === 0 && 1 / value < 0) {
    buf[pos] = 0xcb; // -0 passes both integer tests below and would come back as 0
    buf.writeDoubleBE(value, pos + 1);
    return pos + 9;
  }
  if (value >>> 0 === value) {
    if (value < 0x80) {
      buf[pos] = value;
      return pos + 1;
    }
    if (value < 0x100) {
      buf[pos] = 0xcc;
      buf[pos + 1] = value;
      return pos + 2;
    }
    if (value < 0x10000) {
      buf[pos] = 0xcd;
      buf.writeUInt16BE(value, pos + 1);
      return pos + 3;
    }
    buf[pos] = 0xce;
    buf.writeUInt32BE(value, pos + 1);
    return pos + 5;
  }
  if (value >> 0 === value) {
    if (value >= -0x20) {
      buf[pos] = value & 0xff;
      return pos + 1;
    }
    if (value >= -0x80) {
      buf[pos] = 0xd0;
      buf[pos + 1] = value & 0xff;
      return pos + 2;
    }
    if (value >= -0x8000) {
      buf[pos] = 0xd1;
      buf.writeInt16BE(value, pos + 1);
      return pos + 3;
    }
    buf[pos] = 0xd2;
    buf.writeInt32BE(value, pos + 1);
    return pos + 5;
  }
  if (Math.fround(value) === value) {
    buf[pos] = 0xca; // 0.5, 0.875, ±Infinity, 2^40...: 4 bytes saved
    buf.writeFloatBE(value, pos + 1);
    return pos + 5;
  }
  // Larger integers too: float64 holds every safe integer exactly and reads back as a number.
  buf[pos] = 0xcb;
  if (value !== value && canonical) {
    buf.writeUInt32BE(0x7ff80000, pos + 1); // one NaN bit pattern, whatever payload this NaN carries
    buf.writeUInt32BE(0, pos + 5);
  } else buf.writeDoubleBE(value, pos + 1);
  return pos + 9;
}

/**
 * Strings under SHORT_STRING UTF-16 units (most keys and values), encoded by hand: cheaper
 * than a native call. Returns -1, having written nothing useful, when the string holds a
 * lone surrogate, which UTF-8 cannot carry.
 */
export function writeShortString(buf: Buffer, pos: number, value: string): number {
  const length = value.length;
  let p = pos + 1;
  for (let i = 0; i < length; i++) {
    const c = charCodeAt(value, i);
    if (c < 0x80) buf[p++] = c;
    else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else if ((c & 0xf800) !== 0xd800) {
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    } else {
      const next = charCodeAt(value, i + 1);
      if (c >= 0xdc00 || (next & 0xfc00) !== 0xdc00) return -1;
      const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      i++;
      buf[p++] = 0xf0 | (cp >> 18);
      buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
      buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
      buf[p++] = 0x80 | (cp & 0x3f);
    }
  }
  const bytes = p - pos - 1;
  if (bytes < 32) {
    buf[pos] = 0xa0 | bytes;
    return p;
  }
  buf.copyWithin(pos + 2, pos + 1, p); // up to 93 bytes: str8 needs one more header byte
  buf[pos] = 0xd9;
  buf[pos + 1] = bytes;
  return p + 1;
}

/** The spec's timestamp extension, 32 bits when whole seconds fit, else 64 or 96. `ms` must be finite. */
export function writeTimestamp(buf: Buffer, pos: number, ms: number): number {
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  if (nanos === 0 && seconds >= 0 && seconds < TWO_POW_32) {
    buf[pos] = 0xd6;
    buf[pos + 1] = EXT.TIMESTAMP;
    buf.writeUInt32BE(seconds, pos + 2);
    return pos + 6;
  }
  if (seconds >= 0 && seconds < TWO_POW_34) {
    buf[pos] = 0xd7;
    buf[pos + 1] = EXT.TIMESTAMP;
    buf.writeUInt32BE(nanos * 4 + Math.floor(seconds / TWO_POW_32), pos + 2);
    buf.writeUInt32BE(seconds >>> 0, pos + 6);
    return pos + 10;
  }
  const high = Math.floor(seconds / TWO_POW_32);
  buf[pos] = 0xc7;
  buf[pos + 1] = 12;
  buf[pos + 2] = EXT.TIMESTAMP;
  buf.writeUInt32BE(nanos, pos + 3);
  buf.writeInt32BE(high, pos + 7);
  buf.writeUInt32BE(seconds - high * TWO_POW_32, pos + 11);
  return pos + 15;
}
