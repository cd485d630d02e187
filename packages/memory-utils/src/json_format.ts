import { CorruptData, LITTLE_ENDIAN_HOST, MAX_DEPTH, TYPED_ARRAY_KINDS, TYPED_ARRAY_KIND_BY_PROTO, swapBytes } from './codec_types.js';
import { UNENCODABLE } from './msgpack_writer.js';

/**
 * The JSON flavour of the Engram format, for interoperability and debugging. Plain JSON
 * values are written as they are; everything JSON cannot express becomes a one-key object
 * whose key starts with a single `$`:
 *
 *   {"$date":"2024-01-02T03:04:05.678Z"}  {"$map":[[k,v],...]}  {"$set":[...]}
 *   {"$bigint":"-123"}  {"$bytes":"<base64>"}  {"$typed":["Float32Array","<base64, little-endian>"]}
 *   {"$number":"NaN"|"Infinity"|"-Infinity"|"-0"}  {"$undefined":true}
 *
 * A user key that starts with `$` is written with one more `$` (`$id` → `$$id`), so user
 * data can never be mistaken for a marker, whatever it contains.
 */
export function encodeJson(value: unknown, depth = 0): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value); // escapes lone surrogates, so they survive
    case 'number':
      if (Number.isFinite(value)) return value === 0 && 1 / value < 0 ? '{"$number":"-0"}' : String(value);
      return `{"$number":"${String(value)}"}`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `{"$bigint":"${value.toString()}"}`;
    case 'undefined':
      return '{"$undefined":true}';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw UNENCODABLE;
      return encodeObject(value, depth + 1);
    default:
      throw UNENCODABLE;
  }
}

function encodeObject(value: object, depth: number): string {
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) throw UNENCODABLE;
    return encodeItems(value, depth);
  }
  if (proto === Object.prototype || proto === null) {
    let out = '{';
    for (const key of Object.keys(value)) {
      if (out.length > 1) out += ',';
      out += `${JSON.stringify(key.charCodeAt(0) === 0x24 ? `$${key}` : key)}:${encodeJson((value as Record<string, unknown>)[key], depth)}`;
    }
    return `${out}}`;
  }
  if (proto === Date.prototype) {
    if (Number.isNaN((value as Date).getTime())) throw UNENCODABLE;
    return `{"$date":"${(value as Date).toISOString()}"}`;
  }
  if (proto === Map.prototype) {
    let out = '{"$map":[';
    for (const [k, v] of value as Map<unknown, unknown>) {
      if (out.length > 9) out += ',';
      out += `[${encodeJson(k, depth)},${encodeJson(v, depth)}]`;
    }
    return `${out}]}`;
  }
  if (proto === Set.prototype) return `{"$set":${encodeItems([...(value as Set<unknown>)], depth)}}`;
  if (proto === Uint8Array.prototype || proto === Buffer.prototype) {
    return `{"$bytes":"${Buffer.from((value as Uint8Array).buffer, (value as Uint8Array).byteOffset, (value as Uint8Array).byteLength).toString('base64')}"}`;
  }
  const kind = proto === null ? undefined : TYPED_ARRAY_KIND_BY_PROTO.get(proto);
  if (kind === undefined) throw UNENCODABLE;
  const view = value as Int8Array;
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  const data = LITTLE_ENDIAN_HOST ? bytes : swapped(bytes, view.BYTES_PER_ELEMENT);
  return `{"$typed":["${TYPED_ARRAY_KINDS[kind]!.name}","${data.toString('base64')}"]}`;
}

function encodeItems(items: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + encodeJson(items[i], depth);
  return `${out}]`;
}

function swapped(bytes: Buffer, size: number): Buffer {
  const copy = Buffer.from(bytes);
  swapBytes(copy, size);
  return copy;
}

/** Parses and revives what encodeJson wrote; anything else is CorruptData. */
export function decodeJson(text: string): unknown {
  return revive(JSON.parse(text), 0);
}

function revive(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) throw new CorruptData(`values nest deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((item) => revive(item, depth + 1));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && isMarker(keys[0]!)) return reviveMarker(keys[0]!, record[keys[0]!], depth);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (isMarker(key)) throw new CorruptData('a $-marker sits next to other keys');
    const name = key.charCodeAt(0) === 0x24 ? key.slice(1) : key;
    const item = revive(record[key], depth + 1);
    if (name === '__proto__') Object.defineProperty(out, name, { value: item, writable: true, enumerable: true, configurable: true });
    else out[name] = item;
  }
  return out;
}

function isMarker(key: string): boolean {
  return key.charCodeAt(0) === 0x24 && key.charCodeAt(1) !== 0x24;
}

function reviveMarker(key: string, payload: unknown, depth: number): unknown {
  switch (key) {
    case '$date': {
      const date = typeof payload === 'string' ? new Date(payload) : new Date(Number.NaN);
      if (Number.isNaN(date.getTime())) throw new CorruptData('a $date is not an ISO date');
      return date;
    }
    case '$map': {
      if (!Array.isArray(payload)) throw new CorruptData('a $map is not an array');
      const map = new Map<unknown, unknown>();
      for (const entry of payload) {
        if (!Array.isArray(entry) || entry.length !== 2) throw new CorruptData('a $map entry is not a [key, value] pair');
        map.set(revive(entry[0], depth + 1), revive(entry[1], depth + 1));
      }
      return map;
    }
    case '$set':
      if (!Array.isArray(payload)) throw new CorruptData('a $set is not an array');
      return new Set(payload.map((item) => revive(item, depth + 1)));
    case '$bigint':
      if (typeof payload !== 'string' || !/^-?\d+$/.test(payload)) throw new CorruptData('a $bigint is not a decimal integer');
      return BigInt(payload);
    case '$bytes':
      return new Uint8Array(base64(payload));
    case '$typed': {
      const [name, data] = Array.isArray(payload) ? payload : [];
      const Ctor = TYPED_ARRAY_KINDS.find((candidate) => candidate.name === name);
      const bytes = base64(data);
      if (!Ctor || bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new CorruptData('a $typed value is malformed');
      const out = new Ctor(bytes.length / Ctor.BYTES_PER_ELEMENT);
      const target = new Uint8Array(out.buffer);
      target.set(bytes);
      if (!LITTLE_ENDIAN_HOST) swapBytes(target, Ctor.BYTES_PER_ELEMENT);
      return out;
    }
    case '$number':
      if (payload === 'NaN') return Number.NaN;
      if (payload === 'Infinity') return Number.POSITIVE_INFINITY;
      if (payload === '-Infinity') return Number.NEGATIVE_INFINITY;
      if (payload === '-0') return -0;
      throw new CorruptData('a $number is not NaN, Infinity, -Infinity or -0');
    case '$undefined':
      return undefined;
    default:
      throw new CorruptData('an unknown $-marker');
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64(data: unknown): Buffer {
  if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data)) throw new CorruptData('bytes are not base64');
  return Buffer.from(data, 'base64');
}
