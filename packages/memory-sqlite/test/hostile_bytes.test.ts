import { ErrorCode, MemoryError } from '@engram/memory-core';
import { keyArbitrary, storableValueArbitrary } from '@engram/memory-core/testing';
import { serializeData } from '@engram/memory-utils';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteMemory } from '../src/index.js';
import { tempDirs } from './temp_dirs.js';

const NUM_RUNS = 2_000;

/** What another program (or a damaged file) could leave in the value column: any bytes, or not bytes at all. */
const hostileCell = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    // Garbage behind each prefix the codec reads differently: JSON, old MessagePack, old JSON.
    fc.tuple(fc.constantFrom([0xc1, 0x00], [0xc1], [0xf5]), fc.uint8Array({ maxLength: 48 })).map(([prefix, rest]) => Buffer.from([...prefix, ...rest])),
    fc.tuple(storableValueArbitrary(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean()).map(([value, at, xor, cut]) => {
      const bytes = Buffer.from(serializeData(value));
      const i = at % bytes.length;
      if (cut) return bytes.subarray(0, i);
      bytes[i] = bytes[i]! ^ xor;
      return bytes;
    }),
    // SQLite columns are dynamically typed: a foreign writer can put text or numbers in a BLOB column.
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double({ noNaN: true }),
  );

async function settle(promise: Promise<unknown>): Promise<'value' | 'refused'> {
  try {
    await promise;
    return 'value';
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.SERIALIZATION_ERROR);
    return 'refused';
  }
}

describe(`random cells in the value column (${NUM_RUNS} cases)`, () => {
  const dirs = tempDirs('hostile');
  let path: string;
  let store: SqliteMemory;
  let foreign: Database.Database;
  beforeAll(() => {
    path = dirs.dbPath();
    store = new SqliteMemory({ path, synchronous: 'NORMAL' });
    foreign = new Database(path);
  });
  afterAll(async () => {
    foreign.close();
    await store.close();
    dirs.removeAll();
  });

  it('every read returns a value or fails with SERIALIZATION_ERROR, and the store keeps working', async () => {
    const outcomes = { value: 0, refused: 0 };
    const write = foreign.prepare(
      `INSERT OR REPLACE INTO engram_memory (ns, ctx, key, value, expires_at) VALUES ('default', 'ctx', ?, ?, NULL)`,
    );
    await store.saveContext('healthy', 'ctx', 1);
    await fc.assert(
      fc.asyncProperty(keyArbitrary(), hostileCell(), async (key, cell) => {
        write.run(key, cell);
        const single = await settle(store.loadContext(key, 'ctx'));
        expect(await settle(store.loadEntry(key, 'ctx'))).toBe(single);
        expect(await settle(store.bulkLoad([key, 'healthy'], 'ctx'))).toBe(single);
        expect(await settle(store.bulkLoadEntries([key], 'ctx'))).toBe(single);
        outcomes[single]++;
        await store.deleteContext(key, 'ctx');
      }),
      { numRuns: NUM_RUNS },
    );
    expect(outcomes.refused).toBeGreaterThan(NUM_RUNS / 2);
    await store.saveContext('healthy', 'ctx', 'still');
    expect(await store.loadContext('healthy', 'ctx')).toBe('still');
    console.info(`hostile cells (sqlite): ${NUM_RUNS} cases, ${outcomes.refused} refused with SERIALIZATION_ERROR, ${outcomes.value} decoded to some value`);
  });
});
