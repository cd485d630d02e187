import { ErrorCode, MemoryError } from '@engram/memory-core';
import { keyArbitrary, storableValueArbitrary } from '@engram/memory-core/testing';
import { generateMemoryKey, serializeData } from '@engram/memory-utils';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemory } from '../src/index.js';
import { HEADER_BYTES, MAGIC, VERSION } from '../src/entry_format.js';
import { REDIS_URL, rawClient, removePrefix, uniquePrefix } from './redis_test_support.js';

const NUM_RUNS = 2_000;

/** Bytes another program (or bit rot) could leave under an Engram key. */
const hostileBytes = (): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    // Anything at all.
    fc.uint8Array({ maxLength: 64 }),
    // Our header, then garbage behind each prefix the codec reads differently (JSON, old MessagePack, old JSON, none).
    fc
      .tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.constantFrom([0xc1, 0x00], [0xc1], [0xf5], []), fc.uint8Array({ maxLength: 48 }))
      .map(([expiry, prefix, rest]) => Uint8Array.from([MAGIC, VERSION, ...expiry, ...prefix, ...rest])),
    // A real entry with a byte flipped or the tail cut off.
    fc.tuple(storableValueArbitrary(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean()).map(([value, at, xor, cut]) => {
      const body = serializeData(value);
      const bytes = Uint8Array.from([MAGIC, VERSION, 0, 0, 0, 0, 0, 0, 0, 0, ...body]);
      const i = HEADER_BYTES + (at % body.length);
      if (cut) return bytes.subarray(0, i);
      bytes[i] = bytes[i]! ^ xor;
      return bytes;
    }),
  );

/** Either a value or SERIALIZATION_ERROR; anything else (a TypeError, a RangeError, a hang) fails. */
async function settle(promise: Promise<unknown>): Promise<'value' | 'refused'> {
  try {
    await promise;
    return 'value';
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.SERIALIZATION_ERROR);
    expect((error as MemoryError).message).toMatch(/delete or overwrite the key|keyPrefix|upgrade/);
    return 'refused';
  }
}

describe(`random bytes under real Engram keys (${NUM_RUNS} cases)`, () => {
  const prefix = uniquePrefix('hostile');
  let raw: Redis;
  let store: RedisMemory;
  beforeAll(() => {
    raw = rawClient();
    store = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix });
  });
  afterAll(async () => {
    await store.close();
    await removePrefix(raw, prefix);
    await raw.quit();
  });

  it('every read returns a value or fails with SERIALIZATION_ERROR, and the store keeps working', async () => {
    const outcomes = { value: 0, refused: 0 };
    await store.saveContext('healthy', 'ctx', { ok: true });
    await fc.assert(
      fc.asyncProperty(keyArbitrary(), hostileBytes(), async (key, bytes) => {
        await raw.set(generateMemoryKey(key, 'ctx', prefix), Buffer.from(bytes));
        const single = await settle(store.loadContext(key, 'ctx'));
        expect(await settle(store.loadEntry(key, 'ctx'))).toBe(single);
        // One bad entry fails the whole bulk read (it is never silently dropped).
        expect(await settle(store.bulkLoad([key, 'healthy'], 'ctx'))).toBe(single);
        outcomes[single]++;
        await raw.del(generateMemoryKey(key, 'ctx', prefix));
      }),
      { numRuns: NUM_RUNS },
    );
    // The generator must actually produce refusals, or this test could not fail.
    expect(outcomes.refused).toBeGreaterThan(NUM_RUNS / 2);
    await store.saveContext('healthy', 'ctx', { ok: 'still' });
    expect(await store.loadContext('healthy', 'ctx')).toEqual({ ok: 'still' });
    console.info(`hostile bytes (redis): ${NUM_RUNS} cases, ${outcomes.refused} refused with SERIALIZATION_ERROR, ${outcomes.value} decoded to some value`);
  });
});
