import fc from 'fast-check';
import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { storableValueArbitrary } from '@engram/memory-core/testing';
import { deserializeData, detectFormat, serializeData, type CodecFormat } from '../src/index.js';
import { isWellFormed } from '../src/string_methods.js';
import { richValueArbitrary } from './value_arbitraries.js';

/** What versions before the plain layout wrote: one tag byte, then MessagePack or JSON text. */
const OLD_MSGPACK_TAG = 0xc1;
const OLD_JSON_TAG = 0xf5;
const oldMsgpack = (value: unknown) => Buffer.concat([Buffer.from([OLD_MSGPACK_TAG]), serializeData(value)]);
const jsonText = (value: unknown) => serializeData(value, { format: 'json' }).subarray(2);
const oldJson = (value: unknown) => Buffer.concat([Buffer.from([OLD_JSON_TAG]), jsonText(value)]);

/** Like agent memory records: ids, role, text, counters, a timestamp, tags, metadata. */
const agentRecord = {
  id: 'msg-000042',
  agentId: 'researcher-7',
  role: 'assistant',
  content: 'Three papers on retrieval-augmented generation; the second reports +12% on multi-hop QA.',
  createdAt: 1_717_243_242_000,
  tokens: 226,
  score: 0.873,
  tags: ['summary', 'rag'],
  tool: null,
  metadata: { model: 'gpt-4o-mini', latencyMs: 912 },
  seenAt: new Date('2024-06-01T12:00:42.125Z'),
};

/**
 * Values that need none of our extension types, so any MessagePack reader can decode them.
 * Dates are the spec's own timestamp extension. Not `__proto__` keys: @msgpack/msgpack refuses them.
 */
const specLeaf = () =>
  fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'grapheme', minLength: 20, maxLength: 300 }), // str8 and str16 headers
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.maxSafeInteger(),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 300 }),
    fc.date({ noInvalidDate: true }),
  );
const specValueArbitrary = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      specLeaf(),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(
        fc.string({ unit: 'grapheme', maxLength: 10 }).filter((key) => key !== '__proto__'),
        tie('value'),
        { maxKeys: 5, noNullPrototype: true },
      ),
    ),
  })).value;

/** True when the value needs an Engram extension (undefined, BigInt, Map, Set, typed arrays, lone surrogates). */
function needsExtension(value: unknown): boolean {
  if (value === undefined || typeof value === 'bigint') return true;
  if (typeof value === 'string') return !isWellFormed(value);
  if (typeof value !== 'object' || value === null || value instanceof Date) return false;
  if (value instanceof Uint8Array) return false; // MessagePack bin
  if (ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) return true;
  if (Array.isArray(value)) return value.some(needsExtension);
  return Object.keys(value).some((key) => key === '__proto__' || needsExtension((value as Record<string, unknown>)[key]));
}

/** @msgpack/msgpack hands out Buffers for `bin` when given a Buffer; a plain copy gives Uint8Arrays, as ours does. */
const theirDecode = (bytes: Uint8Array) => msgpackDecode(Uint8Array.from(bytes));

describe('the msgpack format is plain MessagePack', () => {
  it('writes the bytes the spec gives, with nothing in front', () => {
    const cases: Array<[unknown, number[]]> = [
      [0, [0x00]],
      [-11, [0xf5]],
      [null, [0xc0]],
      [true, [0xc3]],
      ['a', [0xa1, 0x61]],
      [[1, -1], [0x92, 0x01, 0xff]],
      [{ a: 1 }, [0x81, 0xa1, 0x61, 0x01]],
      [1.5, [0xca, 0x3f, 0xc0, 0x00, 0x00]], // float32: exact, so 4 bytes fewer than float64
      [new Uint8Array([7]), [0xc4, 0x01, 0x07]],
      [new Date(1_000), [0xd6, 0xff, 0x00, 0x00, 0x00, 0x01]], // the spec's 32-bit timestamp
    ];
    for (const [value, bytes] of cases) {
      expect([...serializeData(value)], String(value)).toEqual(bytes);
      expect(detectFormat(serializeData(value))).toBe('msgpack');
    }
  });

  it('is no larger than @msgpack/msgpack for an agent record, and @msgpack/msgpack decodes it', () => {
    const ours = serializeData(agentRecord);
    expect(ours.length).toBeLessThanOrEqual(msgpackEncode(agentRecord).length);
    expect(theirDecode(ours)).toEqual(agentRecord);
    expect(deserializeData(msgpackEncode(agentRecord))).toEqual(agentRecord);
  });

  it('decodes with @msgpack/msgpack and is never larger than its bytes, for values without our extensions (property)', () => {
    fc.assert(
      fc.property(specValueArbitrary(), (value) => {
        const ours = serializeData(value);
        expect(theirDecode(ours)).toEqual(value);
        // @msgpack/msgpack writes -0 as the integer 0 (it loses the sign); we keep it as a float.
        if (!hasNegativeZero(value)) expect(ours.length).toBeLessThanOrEqual(msgpackEncode(value).length);
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes with @msgpack/msgpack: the shared and rich value arbitraries, where no extension is involved (property)', () => {
    const values = fc.oneof(storableValueArbitrary(), richValueArbitrary()).filter((value) => !needsExtension(value));
    fc.assert(
      fc.property(values, (value) => {
        expect(theirDecode(serializeData(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('reads MessagePack another writer produced', () => {
    const value = { list: [1, 'two', null, false], nested: { bytes: new Uint8Array([1, 2]) }, big: 2 ** 40, at: new Date(5) };
    expect(deserializeData(msgpackEncode(value))).toEqual(value);
  });
});

describe('the json format', () => {
  it('is 0xC1 0x00 followed by the JSON text', () => {
    const bytes = serializeData({ a: [1, 'x'] }, { format: 'json' });
    expect([...bytes.subarray(0, 2)]).toEqual([0xc1, 0x00]);
    expect(Buffer.from(bytes.subarray(2)).toString('utf8')).toBe('{"a":[1,"x"]}');
    expect(detectFormat(bytes)).toBe('json');
  });

  it('round-trips the shortest JSON texts (one character after the prefix)', () => {
    for (const value of [0, 7, true, null, 'é']) {
      const bytes = serializeData(value, { format: 'json' });
      expect(deserializeData(bytes)).toEqual(value);
    }
  });
});

describe('values written by older versions (one tag byte in front) stay readable', () => {
  const samples: unknown[] = [
    0, // 0xC1 0x00: exactly two bytes, which the JSON prefix rule excludes by length
    -11, // 0xC1 0xF5 in tagged MessagePack; as JSON, 0xF5 "-11"
    1,
    null,
    'text',
    agentRecord,
    { nested: [new Map([[1, new Set(['x'])]]), 12n, undefined, new Float64Array([0.5])] },
  ];

  it('decodes old tagged MessagePack, including the integer 0 (0xC1 0x00) and -11 (0xC1 0xF5)', () => {
    expect(deserializeData(Uint8Array.from([0xc1, 0x00]))).toBe(0);
    expect(deserializeData(Uint8Array.from([0xc1, 0xf5]))).toBe(-11);
    for (const value of samples) {
      expect(detectFormat(oldMsgpack(value))).toBe('msgpack');
      expect(deserializeData(oldMsgpack(value))).toEqual(value);
    }
  });

  it('decodes old tagged JSON, including -11 (0xF5 "-11"), while a lone 0xF5 is the new -11', () => {
    expect(deserializeData(Uint8Array.from([0xf5, ...Buffer.from('-11')]))).toBe(-11);
    expect(deserializeData(Uint8Array.from([0xf5]))).toBe(-11);
    expect(detectFormat(Uint8Array.from([0xf5]))).toBe('msgpack');
    for (const value of samples) {
      expect(detectFormat(oldJson(value))).toBe('json');
      expect(deserializeData(oldJson(value))).toEqual(value);
    }
  });

  it('decodes both old layouts of any value to the value (property)', () => {
    fc.assert(
      fc.property(richValueArbitrary(), (value) => {
        expect(deserializeData(oldMsgpack(value))).toEqual(value);
        expect(deserializeData(oldJson(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('format detection', () => {
  it('follows the rules in codec_types.ts, in order', () => {
    const cases: Array<[number[], CodecFormat | undefined]> = [
      [[], undefined],
      [[0xc1, 0x00, 0x31], 'json'], // rule 1
      [[0xc1, 0x00], 'msgpack'], // rule 2: the old integer 0
      [[0xc1], 'msgpack'], // rule 2 (truncated)
      [[0xc1, 0x01, 0x31], 'msgpack'], // rule 2 (trailing bytes)
      [[0xf5, 0x31], 'json'], // rule 3
      [[0xf5], 'msgpack'], // rule 4: the fixint -11
      [[0x7b, 0x7d], 'msgpack'], // rule 4: JSON text without a prefix is no JSON value of ours
      [[0x81, 0xa1, 0x61, 0x01], 'msgpack'],
    ];
    for (const [bytes, format] of cases) expect(detectFormat(Uint8Array.from(bytes)), bytes.join(' ')).toBe(format);
  });

  it('refuses empty bytes with SERIALIZATION_ERROR', () => {
    expect(() => deserializeData(new Uint8Array(0))).toThrowError(
      expect.objectContaining({ name: MemoryError.name, code: ErrorCode.SERIALIZATION_ERROR, message: expect.stringMatching(/is empty/) }),
    );
  });

  it('reads a lone ASCII character as a small integer: without a tag, such text is not told apart', () => {
    expect(deserializeData(Buffer.from('7'))).toBe(0x37);
  });
});

describe('both formats round-trip (property)', () => {
  it.each<CodecFormat>(['msgpack', 'json'])('%s', (format) => {
    fc.assert(
      fc.property(fc.oneof(richValueArbitrary(), specValueArbitrary(), storableValueArbitrary()), (value) => {
        expect(deserializeData(serializeData(value, { format }))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });
});

function hasNegativeZero(value: unknown): boolean {
  if (Object.is(value, -0)) return true;
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Uint8Array) return false;
  return Object.values(value).some(hasNegativeZero);
}

describe('decoding at an offset (bytes behind a caller-owned header)', () => {
  it('decodes the value that starts at the offset exactly as the same bytes on their own, in every layout (property)', () => {
    fc.assert(
      fc.property(storableValueArbitrary(), fc.uint8Array({ maxLength: 12 }), fc.constantFrom('msgpack', 'json', 'old-msgpack', 'old-json'), (value, header, layout) => {
        const body =
          layout === 'old-msgpack' ? oldMsgpack(value) : layout === 'old-json' ? oldJson(value) : serializeData(value, { format: layout as CodecFormat });
        const framed = Buffer.concat([Buffer.from(header), body]);
        expect(deserializeData(framed, header.length)).toEqual(deserializeData(body));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an offset that is not an index into the bytes with INVALID_ARGUMENT, and nothing behind the offset as empty', () => {
    const bytes = serializeData({ a: 1 });
    for (const offset of [-1, 1.5, Number.NaN, bytes.length + 1, '1' as unknown as number]) {
      const error = (() => {
        try {
          deserializeData(bytes, offset);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(MemoryError);
      expect((error as MemoryError).code).toBe(ErrorCode.INVALID_ARGUMENT);
    }
    expect(() => deserializeData(bytes, bytes.length)).toThrow(expect.objectContaining({ code: ErrorCode.SERIALIZATION_ERROR }));
  });
});
