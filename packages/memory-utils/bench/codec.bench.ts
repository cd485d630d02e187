/**
 * Codec comparison on a typical ~300-byte agent record.
 *   npx tsx bench/codec.bench.ts
 *   MSGPACKR_NATIVE_ACCELERATION_DISABLED=true npx tsx bench/codec.bench.ts   (msgpackr without its native addon)
 * Warm-up, then 25 rounds; every figure is the median round (µs per operation).
 */
import { decode as mpDecode, encode as mpEncode } from '@msgpack/msgpack';
import { Packr, isNativeAccelerationEnabled } from 'msgpackr';
import { deserializeData, serializeData } from '../src/index.js';
import { record } from './record.js';
import { medianMicros, printTable } from './timing.js';

interface Candidate {
  name: string;
  encode: (value: unknown) => Uint8Array;
  decode: (bytes: Uint8Array) => unknown;
  note?: string;
}

const records = new Packr(); // msgpackr defaults: records mode
const plainMaps = new Packr({ useRecords: false, moreTypes: true, useBigIntExtension: true });

/** What a validating pass in front of a library encoder would cost: one walk, no allocation. */
function validateWalk(value: unknown, depth: number): void {
  if (typeof value === 'function' || typeof value === 'symbol') throw new Error('unencodable');
  if (typeof value !== 'object' || value === null) return;
  if (depth > 512) throw new Error('too deep');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) validateWalk(value[i], depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    for (const key in value) validateWalk((value as Record<string, unknown>)[key], depth + 1);
  }
}

const candidates: Candidate[] = [
  { name: 'engram serializeData (msgpack)', encode: (v) => serializeData(v), decode: (b) => deserializeData(b) },
  { name: 'engram serializeData (json)', encode: (v) => serializeData(v, { format: 'json' }), decode: (b) => deserializeData(b) },
  { name: 'msgpackr 2.1.4, records (default)', encode: (v) => records.pack(v), decode: (b) => records.unpack(b), note: 'mangles __proto__, new Function on decode' },
  { name: 'msgpackr 2.1.4, useRecords: false', encode: (v) => plainMaps.pack(v), decode: (b) => plainMaps.unpack(b), note: 'Map and object indistinguishable, no validation' },
  {
    name: 'msgpackr useRecords:false + validate walk',
    encode: (v) => {
      validateWalk(v, 0);
      return plainMaps.pack(v);
    },
    decode: (b) => plainMaps.unpack(b),
  },
  { name: '@msgpack/msgpack 3.1.3', encode: (v) => mpEncode(v), decode: (b) => mpDecode(b), note: 'throws on __proto__ keys, no Map/Set/BigInt' },
  {
    name: 'JSON.stringify/parse + UTF-8',
    encode: (v) => Buffer.from(JSON.stringify(v)),
    decode: (b) => JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')),
    note: 'reference: Date comes back as a string',
  },
];

const ITERATIONS = 20_000;
const ROUNDS = 25;

console.log(`node ${process.version}, msgpackr native acceleration: ${String(isNativeAccelerationEnabled)}`);
console.log(`record: ${Buffer.byteLength(JSON.stringify(record))} bytes as JSON; ${ROUNDS} interleaved rounds × ${ITERATIONS} ops, medians\n`);
const encoded = new Map(candidates.map((c) => [c.name, c.encode(record)]));
const encodeUs = medianMicros(candidates.map((c) => [c.name, () => c.encode(record)] as const), ITERATIONS, ROUNDS);
const decodeUs = medianMicros(candidates.map((c) => [c.name, () => c.decode(encoded.get(c.name)!)] as const), ITERATIONS, ROUNDS);
const bothUs = medianMicros(candidates.map((c) => [c.name, () => c.decode(c.encode(record))] as const), ITERATIONS, ROUNDS);
printTable(
  ['candidate', 'bytes', 'encode µs', 'decode µs', 'enc+dec µs', 'note'],
  candidates.map((c) => [
    c.name,
    String(encoded.get(c.name)!.length),
    encodeUs.get(c.name)!.toFixed(2),
    decodeUs.get(c.name)!.toFixed(2),
    bothUs.get(c.name)!.toFixed(2),
    c.note ?? '',
  ]),
);

const walkUs = medianMicros([['walk', () => validateWalk(record, 0)]], ITERATIONS * 5, ROUNDS).get('walk')!;
console.log(`\nvalidating walk alone (what a check in front of msgpackr costs; bench-local): ${(walkUs * 1000).toFixed(0)} ns`);
