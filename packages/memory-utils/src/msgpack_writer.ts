import { EXT, LITTLE_ENDIAN_HOST, MAX_DEPTH, TYPED_ARRAY_KIND_BY_PROTO, swapBytes } from './codec_types.js';
import {
  MAX_DATE_BYTES,
  MAX_NUMBER_BYTES,
  MAX_SHORT_STRING_BYTES,
  SHORT_STRING,
  writeNumber,
  writeShortString,
  writeTimestamp,
} from './msgpack_scalars.js';
import { isWellFormed } from './string_methods.js';

/**
 * Thrown from the hot loop when a value cannot be stored. It carries nothing: the caller
 * re-walks the value with `findUnencodable` to name the path, so the fast path tracks no
 * path and allocates nothing for validation.
 */
export const UNENCODABLE = new Error('unencodable value');

const INITIAL_SIZE = 8 * 1024;
/** A writer that grew past this for one big value gives the memory back afterwards. */
const RETAINED_SIZE = 1024 * 1024;

/**
 * MessagePack encoder for the Engram value format (see codec_types.ts). Encoding and
 * validation are one walk: anything the format cannot round-trip exactly throws UNENCODABLE.
 * One writer is reused across values (its buffer stays allocated), so encoding a record
 * allocates only the returned copy.
 *
 * `canonical` (fingerprints) sorts object keys, Map entries and Set elements, drops object
 * properties whose value is undefined and writes one NaN bit pattern, so equal values give
 * equal bytes.
 */
export class MsgpackWriter {
  #buf: Buffer;
  #pos = 0;
  readonly #canonical: boolean;

  constructor(canonical = false, size = INITIAL_SIZE) {
    this.#canonical = canonical;
    this.#buf = Buffer.allocUnsafeSlow(size);
  }

  /** What was written so far; a view, valid until the next write or reset. */
  view(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }

  /** A copy of what was written, then the writer is ready for the next value. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.#pos);
    this.#buf.copy(out, 0, 0, this.#pos);
    this.reset();
    return out;
  }

  reset(): void {
    this.#pos = 0;
    if (this.#buf.length > RETAINED_SIZE) this.#buf = Buffer.allocUnsafeSlow(INITIAL_SIZE);
  }

  writeByte(byte: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = byte;
  }

  write(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        this.#writeString(value);
        return;
      case 'number':
        this.#ensure(MAX_NUMBER_BYTES);
        this.#pos = writeNumber(this.#buf, this.#pos, value, this.#canonical);
        return;
      case 'boolean':
        this.writeByte(value ? 0xc3 : 0xc2);
        return;
      case 'object':
        if (value === null) this.writeByte(0xc0);
        else {
          if (depth >= MAX_DEPTH) throw UNENCODABLE;
          this.#writeObject(value, depth + 1);
        }
        return;
      case 'bigint':
        this.#writeBigInt(value);
        return;
      case 'undefined':
        this.#ensure(3);
        this.#buf[this.#pos++] = 0xd4;
        this.#buf[this.#pos++] = EXT.UNDEFINED;
        this.#buf[this.#pos++] = 0;
        return;
      default:
        throw UNENCODABLE; // function or symbol
    }
  }

  #ensure(extra: number): void {
    if (this.#pos + extra > this.#buf.length) {
      const next = Buffer.allocUnsafeSlow(Math.max(this.#buf.length * 2, this.#pos + extra + INITIAL_SIZE));
      this.#buf.copy(next, 0, 0, this.#pos);
      this.#buf = next;
    }
  }

  #writeString(value: string): void {
    if (value.length < SHORT_STRING) {
      this.#ensure(MAX_SHORT_STRING_BYTES);
      const end = writeShortString(this.#buf, this.#pos, value);
      if (end !== -1) this.#pos = end;
      else this.#writeUtf16String(value);
      return;
    }
    if (!isWellFormed(value)) {
      this.#writeUtf16String(value);
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.#writeHeader(bytes, 0xd9, 0xda, 0xdb);
    this.#ensure(bytes);
    this.#pos += this.#buf.write(value, this.#pos, 'utf8');
  }

  /** `h8` (a one-byte length) for lengths under 256, else the 16 or 32 bit form (str, bin). */
  #writeHeader(length: number, h8: number, h16: number, h32: number): void {
    this.#ensure(5);
    const buf = this.#buf;
    if (length < 0x100) {
      buf[this.#pos++] = h8;
      buf[this.#pos++] = length;
    } else if (length < 0x10000) {
      buf[this.#pos++] = h16;
      buf.writeUInt16BE(length, this.#pos);
      this.#pos += 2;
    } else {
      buf[this.#pos++] = h32;
      buf.writeUInt32BE(length, this.#pos);
      this.#pos += 4;
    }
  }

  /** The fix form (length in the low nibble) under 16, else 16 or 32 bit (array, map). */
  #writeCollectionHeader(length: number, fix: number, h16: number, h32: number): void {
    this.#ensure(5);
    const buf = this.#buf;
    if (length < 16) buf[this.#pos++] = fix | length;
    else if (length < 0x10000) {
      buf[this.#pos++] = h16;
      buf.writeUInt16BE(length, this.#pos);
      this.#pos += 2;
    } else {
      buf[this.#pos++] = h32;
      buf.writeUInt32BE(length, this.#pos);
      this.#pos += 4;
    }
  }

  #writeUtf16String(value: string): void {
    const start = this.#startExt(value.length * 2);
    this.#pos += this.#buf.write(value, this.#pos, 'utf16le');
    this.#endExt(start, EXT.UTF16_STRING);
  }

  #writeObject(value: object, depth: number): void {
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) throw UNENCODABLE;
      const length = value.length;
      this.#writeCollectionHeader(length, 0x90, 0xdc, 0xdd);
      for (let i = 0; i < length; i++) this.write(value[i], depth);
      return;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) this.#writePlainObject(value as Record<string, unknown>, depth);
    else if (proto === Date.prototype) {
      const ms = (value as Date).getTime();
      if (ms !== ms) throw UNENCODABLE; // an invalid Date has no instant to store
      this.#ensure(MAX_DATE_BYTES);
      this.#pos = writeTimestamp(this.#buf, this.#pos, ms);
    } else if (proto === Map.prototype) this.#writeEntries(EXT.MAP, value as Map<unknown, unknown>, depth);
    else if (proto === Set.prototype) this.#writeEntries(EXT.SET, value as Set<unknown>, depth);
    else if (proto === Uint8Array.prototype || proto === Buffer.prototype) {
      const bytes = value as Uint8Array;
      this.#writeHeader(bytes.length, 0xc4, 0xc5, 0xc6);
      this.#ensure(bytes.length);
      this.#buf.set(bytes, this.#pos);
      this.#pos += bytes.length;
    } else this.#writeTypedArray(value, proto);
  }

  #writePlainObject(value: Record<string, unknown>, depth: number): void {
    let keys = Object.keys(value);
    if (this.#canonical) keys = keys.filter((key) => value[key] !== undefined).sort();
    const length = keys.length;
    this.#writeCollectionHeader(length, 0x80, 0xde, 0xdf);
    for (let i = 0; i < length; i++) {
      const key = keys[i]!;
      this.#writeString(key);
      this.write(value[key], depth);
    }
  }

  #writeEntries(type: number, value: Map<unknown, unknown> | Set<unknown>, depth: number): void {
    const isMap = type === EXT.MAP;
    const start = this.#startExt(5);
    this.#writeCollectionHeader(isMap ? value.size * 2 : value.size, 0x90, 0xdc, 0xdd);
    if (this.#canonical) {
      for (const part of sortedEncodings(value, isMap, depth)) {
        this.#ensure(part.length);
        this.#buf.set(part, this.#pos);
        this.#pos += part.length;
      }
    } else if (isMap) {
      for (const [k, v] of value as Map<unknown, unknown>) {
        this.write(k, depth);
        this.write(v, depth);
      }
    } else {
      for (const v of value as Set<unknown>) this.write(v, depth);
    }
    this.#endExt(start, type);
  }

  #writeBigInt(value: bigint): void {
    const negative = value < 0n;
    let hex = (negative ? -value : value).toString(16);
    if (hex.length % 2 === 1) hex = `0${hex}`;
    const start = this.#startExt(1 + hex.length / 2);
    this.#buf[this.#pos++] = negative ? 1 : 0;
    this.#pos += this.#buf.write(hex, this.#pos, 'hex');
    this.#endExt(start, EXT.BIGINT);
  }

  #writeTypedArray(value: object, proto: object | null): void {
    const kind = proto === null ? undefined : TYPED_ARRAY_KIND_BY_PROTO.get(proto);
    if (kind === undefined) throw UNENCODABLE;
    const view = value as Int8Array;
    const start = this.#startExt(1 + view.byteLength);
    this.#buf[this.#pos++] = kind;
    this.#buf.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), this.#pos);
    if (!LITTLE_ENDIAN_HOST) swapBytes(this.#buf.subarray(this.#pos, this.#pos + view.byteLength), view.BYTES_PER_ELEMENT);
    this.#pos += view.byteLength;
    this.#endExt(start, EXT.TYPED_ARRAY);
  }

  /** Reserves an ext32 header; `#endExt` shrinks it once the payload length is known. */
  #startExt(payloadHint: number): number {
    this.#ensure(6 + payloadHint);
    const start = this.#pos;
    this.#pos += 6;
    return start;
  }

  #endExt(start: number, type: number): void {
    const buf = this.#buf;
    const length = this.#pos - start - 6;
    if (length < 0x100) {
      buf[start] = 0xc7;
      buf[start + 1] = length;
      buf[start + 2] = type;
      buf.copyWithin(start + 3, start + 6, this.#pos);
      this.#pos -= 3;
    } else if (length < 0x10000) {
      buf[start] = 0xc8;
      buf.writeUInt16BE(length, start + 1);
      buf[start + 3] = type;
      buf.copyWithin(start + 4, start + 6, this.#pos);
      this.#pos -= 2;
    } else {
      buf[start] = 0xc9;
      buf.writeUInt32BE(length, start + 1);
      buf[start + 5] = type;
    }
  }
}

/** Entries encoded one by one and ordered by their bytes, so insertion order never matters. */
function sortedEncodings(value: Map<unknown, unknown> | Set<unknown>, isMap: boolean, depth: number): Buffer[] {
  const parts: Buffer[] = [];
  const sub = new MsgpackWriter(true, 256);
  if (isMap) {
    for (const [k, v] of value as Map<unknown, unknown>) {
      sub.write(k, depth);
      sub.write(v, depth);
      parts.push(sub.take());
    }
  } else {
    for (const v of value as Set<unknown>) {
      sub.write(v, depth);
      parts.push(sub.take());
    }
  }
  return parts.sort(Buffer.compare);
}
