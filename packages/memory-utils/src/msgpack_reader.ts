import { CorruptData, EXT, MAX_DEPTH } from './codec_types.js';
import { decodeBigInt, decodeTimestamp, decodeTypedArray, decodeUtf16 } from './msgpack_ext_decoders.js';
import { charCodeAt, fromCharCodes } from './string_methods.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const KEY_CACHE_SIZE = 4096;
/** Process-wide, bounded: 4096 short ASCII strings at most, each only ever a key seen in data. */
const keyCache = new Array<string | undefined>(KEY_CACHE_SIZE);

/**
 * MessagePack decoder for the Engram value format. It understands only what MsgpackWriter
 * writes (plus the other integer and timestamp widths of the spec): unknown extension
 * types, truncated input, bad UTF-8, trailing bytes and lengths that exceed the input are
 * CorruptData. Nothing in the input is ever executed or used to pick a constructor.
 */
export class MsgpackReader {
  #src: Uint8Array;
  #view: DataView;
  #pos: number;
  #end: number;

  constructor(src: Uint8Array, start: number) {
    this.#src = src;
    this.#view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    this.#pos = start;
    this.#end = src.length;
  }

  readAll(): unknown {
    const value = this.read(0);
    if (this.#pos !== this.#end) throw new CorruptData(`${this.#end - this.#pos} unexpected bytes after the value`);
    return value;
  }

  #need(n: number): void {
    if (this.#pos + n > this.#end) throw new CorruptData('the data ends in the middle of a value (truncated)');
  }

  read(depth: number): unknown {
    this.#need(1);
    const b = this.#src[this.#pos++]!;
    if (b < 0x80) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b < 0x90) return this.#readObject(b & 0x0f, depth);
    if (b < 0xa0) return this.#readArray(b & 0x0f, depth);
    if (b < 0xc0) return this.#readString(b & 0x1f);
    const view = this.#view;
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.#readBytes(this.#readLength(1));
      case 0xc5:
        return this.#readBytes(this.#readLength(2));
      case 0xc6:
        return this.#readBytes(this.#readLength(4));
      case 0xc7:
        return this.#readExt(this.#readLength(1), depth);
      case 0xc8:
        return this.#readExt(this.#readLength(2), depth);
      case 0xc9:
        return this.#readExt(this.#readLength(4), depth);
      case 0xca:
        this.#need(4);
        this.#pos += 4;
        return view.getFloat32(this.#pos - 4);
      case 0xcb:
        this.#need(8);
        this.#pos += 8;
        return view.getFloat64(this.#pos - 8);
      case 0xcc:
      case 0xcd:
      case 0xce:
        return this.#readLength(1 << (b - 0xcc));
      case 0xcf:
      case 0xd3: {
        this.#need(8);
        this.#pos += 8;
        const big = b === 0xcf ? view.getBigUint64(this.#pos - 8) : view.getBigInt64(this.#pos - 8);
        // Other encoders write large integers this way; they were numbers, so return numbers when exact.
        const n = Number(big);
        return Number.isSafeInteger(n) ? n : big;
      }
      case 0xd0:
        this.#need(1);
        return view.getInt8(this.#pos++);
      case 0xd1:
        this.#need(2);
        this.#pos += 2;
        return view.getInt16(this.#pos - 2);
      case 0xd2:
        this.#need(4);
        this.#pos += 4;
        return view.getInt32(this.#pos - 4);
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return this.#readExt(1 << (b - 0xd4), depth);
      case 0xd9:
        return this.#readString(this.#readLength(1));
      case 0xda:
        return this.#readString(this.#readLength(2));
      case 0xdb:
        return this.#readString(this.#readLength(4));
      case 0xdc:
        return this.#readArray(this.#readLength(2), depth);
      case 0xdd:
        return this.#readArray(this.#readLength(4), depth);
      case 0xde:
        return this.#readObject(this.#readLength(2), depth);
      case 0xdf:
        return this.#readObject(this.#readLength(4), depth);
      default:
        throw new CorruptData(`byte 0x${b.toString(16)} is not a MessagePack type`);
    }
  }

  #readLength(width: number): number {
    this.#need(width);
    const view = this.#view;
    const at = this.#pos;
    this.#pos += width;
    return width === 1 ? this.#src[at]! : width === 2 ? view.getUint16(at) : view.getUint32(at);
  }

  #readString(length: number): string {
    this.#need(length);
    const src = this.#src;
    const start = this.#pos;
    this.#pos += length;
    if (length < 24) {
      // Most strings are short ASCII: building them here beats a TextDecoder call.
      const codes = new Array<number>(length);
      for (let i = 0; i < length; i++) {
        const c = src[start + i]!;
        if (c >= 0x80) return utf8.decode(src.subarray(start, start + length));
        codes[i] = c;
      }
      return fromCharCodes(codes);
    }
    return utf8.decode(src.subarray(start, start + length));
  }

  /**
   * Map keys repeat across values (`role`, `content`...): short ASCII keys are looked up in a
   * small cache by their bytes, so decoding them allocates no new string.
   */
  #readKey(depth: number): unknown {
    const src = this.#src;
    const b = src[this.#pos];
    if (b === undefined || b < 0xa1 || b > 0xb0) return this.read(depth);
    const length = b & 0x1f;
    const start = this.#pos + 1;
    if (start + length > this.#end) throw new CorruptData('the data ends in the middle of a value (truncated)');
    // The slot comes from a few bytes, not all: a hit is then one compare loop, and the compare is
    // what proves the key (and that it is ASCII, as every cached key is).
    const slot =
      (Math.imul(length, 0x9e3779b1) ^ Math.imul(src[start]!, 0x85ebca6b) ^ Math.imul(src[start + (length >> 1)]!, 0xc2b2ae35) ^ Math.imul(src[start + length - 1]!, 0x27d4eb2f)) >>>
      20 &
      (KEY_CACHE_SIZE - 1);
    const cached = keyCache[slot];
    if (cached !== undefined && cached.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (charCodeAt(cached, i) !== src[start + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.#pos = start + length;
        return cached;
      }
    }
    const codes = new Array<number>(length);
    for (let i = 0; i < length; i++) {
      const c = src[start + i]!;
      if (c >= 0x80) return this.read(depth);
      codes[i] = c;
    }
    this.#pos = start + length;
    const key = fromCharCodes(codes);
    keyCache[slot] = key;
    return key;
  }

  #readBytes(length: number): Uint8Array {
    this.#need(length);
    // A copy, not a view: the caller may keep the value long after the input buffer is reused.
    const out = new Uint8Array(length);
    out.set(this.#src.subarray(this.#pos, this.#pos + length));
    this.#pos += length;
    return out;
  }

  #readArray(length: number, depth: number): unknown[] {
    if (depth >= MAX_DEPTH) throw new CorruptData(`values nest deeper than ${MAX_DEPTH} levels`);
    // Every element takes at least one byte: refuse lengths the input cannot hold before allocating.
    if (length > this.#end - this.#pos) throw new CorruptData('an array is longer than the data');
    const out = new Array<unknown>(length);
    for (let i = 0; i < length; i++) out[i] = this.read(depth + 1);
    return out;
  }

  #readObject(length: number, depth: number): Record<string, unknown> {
    if (depth >= MAX_DEPTH) throw new CorruptData(`values nest deeper than ${MAX_DEPTH} levels`);
    if (length * 2 > this.#end - this.#pos) throw new CorruptData('a map is longer than the data');
    const out: Record<string, unknown> = {};
    for (let i = 0; i < length; i++) {
      const key = this.#readKey(depth + 1);
      if (typeof key !== 'string') throw new CorruptData('a map key is not a string');
      const value = this.read(depth + 1);
      // An own `__proto__` key is data: assignment would replace the object's prototype instead.
      if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }

  #readExt(length: number, depth: number): unknown {
    this.#need(1 + length);
    const type = this.#src[this.#pos++]!;
    const start = this.#pos;
    const end = start + length;
    switch (type) {
      case EXT.UNDEFINED:
        this.#pos = end;
        return undefined;
      case EXT.TIMESTAMP:
        this.#pos = end;
        return decodeTimestamp(this.#src.subarray(start, end));
      case EXT.BIGINT:
        this.#pos = end;
        return decodeBigInt(this.#src.subarray(start, end));
      case EXT.UTF16_STRING:
        this.#pos = end;
        return decodeUtf16(this.#src.subarray(start, end));
      case EXT.TYPED_ARRAY:
        this.#pos = end;
        return decodeTypedArray(this.#src.subarray(start, end));
      case EXT.MAP:
      case EXT.SET: {
        const saved = this.#end;
        this.#end = end; // the payload must be read exactly, no more and no less
        // The payload array stands for the Map or Set itself: same depth, as the writer counts it.
        const items = this.read(depth);
        if (!Array.isArray(items) || this.#pos !== end) throw new CorruptData('a Map or Set payload is malformed');
        this.#end = saved;
        if (type === EXT.SET) return new Set(items);
        if (items.length % 2 !== 0) throw new CorruptData('a Map payload has an odd number of items');
        const map = new Map<unknown, unknown>();
        for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
        return map;
      }
      default:
        throw new CorruptData(`extension type ${type} is not part of the Engram format`);
    }
  }
}
