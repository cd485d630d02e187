import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { deserializeData, serializeData } from '../src/index.js';
import { richValueArbitrary } from './value_arbitraries.js';

/** Plain MessagePack, as serializeData writes it. */
const msgpack = (...bytes: number[]) => Uint8Array.from(bytes);
/** The JSON format: 0xC1 0x00, then the text. */
const json = (text: string) => Buffer.concat([Buffer.from([0xc1, 0x00]), Buffer.from(text)]);
/** The first bytes of each reading rule (codec_types.ts), old layouts included. */
const PREFIXES = [[], [0xc1, 0x00], [0xc1], [0xf5]] as const;

/** Decodes, and insists that any failure is a MemoryError(SERIALIZATION_ERROR). */
function decodeOrRefuse(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: MemoryError } {
  try {
    return { ok: true, value: deserializeData(bytes) };
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.SERIALIZATION_ERROR);
    expect((error as MemoryError).message).toMatch(/delete or overwrite the key/);
    return { ok: false, error: error as MemoryError };
  }
}

function refused(bytes: Uint8Array): MemoryError {
  const result = decodeOrRefuse(bytes);
  expect(result.ok, 'expected the bytes to be refused').toBe(false);
  return (result as { error: MemoryError }).error;
}

describe('deserializeData on bytes we did not write', () => {
  it('never throws anything but MemoryError on random bytes, behind any prefix the reader knows (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), fc.uint8Array({ maxLength: 64 }), (prefix, rest) => {
        decodeOrRefuse(Uint8Array.from([...prefix, ...rest]));
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses every truncation of a MessagePack value (property)', () => {
    fc.assert(
      fc.property(richValueArbitrary(), fc.nat(), (value, cut) => {
        const bytes = serializeData(value);
        refused(bytes.subarray(0, cut % bytes.length));
      }),
      { numRuns: 1000 },
    );
  });

  it('survives flipped bytes in valid data of either format (property)', () => {
    fc.assert(
      fc.property(richValueArbitrary(), fc.constantFrom('msgpack', 'json') , fc.nat(), fc.integer({ min: 1, max: 255 }), (value, format, at, flip) => {
        const bytes = Uint8Array.from(serializeData(value, { format }));
        bytes[at % bytes.length]! ^= flip; // the first bytes too: they choose the format
        decodeOrRefuse(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses foreign data: plain text, JSON text without our prefix, msgpackr records, empty input', () => {
    expect(refused(Buffer.from('hello world')).message).toMatch(/unexpected bytes after the value/);
    refused(Buffer.from('{"a":1}'));
    refused(new Packr().pack({ a: 1 }));
    refused(Buffer.from('ünïcødé'));
    expect(refused(new Uint8Array(0)).message).toMatch(/empty/);
  });

  it('refuses a bare old tag, trailing bytes and bytes that are not UTF-8', () => {
    refused(msgpack(0xc1));
    expect(refused(msgpack(0x01, 0x02)).message).toMatch(/unexpected bytes after the value/);
    expect(refused(msgpack(0xc1, 0x01, 0x02)).message).toMatch(/unexpected bytes after the value/); // old layout
    refused(msgpack(0xa2, 0xc3, 0x28)); // a 2-byte string holding invalid UTF-8
    refused(Uint8Array.from([0xc1, 0x00, 0x22, 0xff, 0x22])); // a JSON string holding invalid UTF-8
    refused(Uint8Array.from([0xf5, 0x22, 0xff, 0x22])); // the same in the old JSON layout
  });

  it('refuses lengths larger than the data before allocating for them', () => {
    expect(refused(msgpack(0xdd, 0xff, 0xff, 0xff, 0xff)).message).toMatch(/array is longer than the data/);
    expect(refused(msgpack(0xdf, 0xff, 0xff, 0xff, 0xff)).message).toMatch(/map is longer than the data/);
    refused(msgpack(0xdb, 0xff, 0xff, 0xff, 0xff));
    refused(msgpack(0xc6, 0xff, 0xff, 0xff, 0xff));
    refused(msgpack(0xc9, 0xff, 0xff, 0xff, 0xff, 0x4d));
  });

  it('refuses nesting deeper than 512 levels without overflowing the stack', () => {
    expect(refused(msgpack(...new Array<number>(100_000).fill(0x91), 0xc0)).message).toMatch(/deeper than 512/);
    refused(json(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    refused(json(`${'{"a":'.repeat(600)}1${'}'.repeat(600)}`));
    // 512 nested arrays are fine: the reader's limit is exactly the writer's.
    const deep = JSON.parse(`${'['.repeat(512)}${']'.repeat(512)}`);
    expect(deserializeData(serializeData(deep))).toEqual(deep);
  });

  it('refuses extension types that are not ours (msgpackr records, structured-clone pointers, errors, regexps)', () => {
    const foreign = new Packr({ structuredClone: true, moreTypes: true });
    const shared = { x: 1 };
    for (const value of [{ a: 1 }, { a: shared, b: shared }, new Error('e'), /re/]) {
      const raw = foreign.pack(value);
      expect(refused(raw).message).toMatch(/corrupt/);
    }
    expect(refused(msgpack(0xd4, 0x72, 0x00)).message).toMatch(/extension type 114 is not part of the Engram format/);
  });

  it('keeps a hostile __proto__ key as data in both formats: no prototype is replaced or polluted', () => {
    // MessagePack map {"__proto__": {"polluted": true}} written by hand.
    const payload = [0x81, 0xa9, ...Buffer.from('__proto__'), 0x81, 0xa8, ...Buffer.from('polluted'), 0xc3];
    for (const bytes of [msgpack(...payload), json('{"__proto__":{"polluted":true}}'), json('{"a":{"__proto__":{"polluted":true}}}')]) {
      const value = deserializeData<Record<string, unknown>>(bytes);
      const target = (value.a ?? value) as Record<string, unknown>;
      expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
      expect(Object.keys(target)).toEqual(['__proto__']);
      expect(target.polluted).toBeUndefined();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses malformed JSON markers, and markers mixed with other keys', () => {
    for (const text of [
      '{"$date":"not a date"}',
      '{"$date":1}',
      '{"$map":[[1]]}',
      '{"$map":{}}',
      '{"$set":1}',
      '{"$bigint":"1.5"}',
      '{"$bytes":"***"}',
      '{"$typed":["Function","AAAA"]}',
      '{"$typed":["Float32Array","AAA="]}',
      '{"$number":"1"}',
      '{"$eval":"x"}',
      '{"$date":"2024-01-01T00:00:00Z","other":1}',
    ]) {
      refused(json(text));
    }
    expect(deserializeData(json('{"$$date":"x","a":{"$bigint":"-12"}}'))).toEqual({ $date: 'x', a: -12n });
  });

  it('refuses bad timestamps, BigInts and typed arrays in MessagePack', () => {
    refused(msgpack(0xd5, 0xff, 0x00, 0x00)); // 2-byte timestamp
    refused(msgpack(0xc7, 0x0c, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0)); // nanoseconds out of range
    refused(msgpack(0xc7, 0x0c, 0xff, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)); // beyond Date's range
    refused(msgpack(0xd4, 0x42, 0x02)); // BigInt with a sign byte only
    refused(msgpack(0xd5, 0x42, 0x07, 0x01)); // BigInt with sign byte 7
    refused(msgpack(0xd5, 0x54, 0x06, 0x00)); // Float32Array with a partial element
    refused(msgpack(0xd5, 0x54, 0x63, 0x00)); // unknown typed-array kind
    refused(msgpack(0xd5, 0x4d, 0x91, 0x01)); // Map with an odd item count
    refused(msgpack(0xd4, 0x4d, 0x01)); // Map whose payload is not an array
    refused(msgpack(0x81, 0x01, 0x02)); // map key that is not a string
  });

  it('reads 64-bit integers from other writers as numbers when exact', () => {
    expect(deserializeData(msgpack(0xcf, 0, 0, 0, 1, 0, 0, 0, 0))).toBe(2 ** 32);
    expect(deserializeData(msgpack(0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe))).toBe(-2);
    expect(deserializeData(msgpack(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))).toBe(2n ** 64n - 1n);
  });

  it('refuses a non-Uint8Array argument with INVALID_ARGUMENT', () => {
    for (const bad of ['text', null, [0xc1, 0xc0], new ArrayBuffer(2)]) {
      expect(() => deserializeData(bad as unknown as Uint8Array)).toThrowError(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
    }
  });

  it('never quotes the data in its messages', () => {
    const secret = 'hunter2-secret-value';
    for (const bytes of [json(`{"a":"${secret}"`), json(`{"${secret}":1,"$x":2}`), Buffer.from(secret)]) {
      expect(refused(bytes).message).not.toContain(secret);
    }
  });
});
