import dc from 'node:diagnostics_channel';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemory } from '../src/index.js';
import { REDIS_URL, rawClient, removePrefix, uniquePrefix } from './redis_test_support.js';

/**
 * Counts the commands this process sends, through ioredis's own diagnostics channel: a store
 * that looped over keys, or read the expiry with a second command, would show up here.
 */
const sent: string[] = [];
const channel = dc.tracingChannel<{ command: string }>('ioredis:command');
const recorder = { start: (message: { command: string }) => void sent.push(message.command.toLowerCase()) };

async function commandsOf(action: () => Promise<unknown>): Promise<string[]> {
  sent.length = 0;
  await action();
  return [...sent];
}

const prefix = uniquePrefix('rt');
let raw: Redis;
let store: RedisMemory;

beforeAll(async () => {
  raw = rawClient();
  await raw.ping();
  store = new RedisMemory({ url: REDIS_URL, keyPrefix: prefix });
  // A server that has not seen a script answers NOSCRIPT and gets an EVAL: warm every script up first.
  await store.saveContext('warm', 'ctx', 1);
  await store.bulkSave({ warm: 1 }, 'ctx');
  await store.deleteContext('warm', 'ctx');
  await store.clear('ctx');
  channel.subscribe(recorder as never);
});

afterAll(async () => {
  channel.unsubscribe(recorder as never);
  await store.close();
  await removePrefix(raw, prefix);
  await raw.quit();
});

const hundred = () => new Map(Array.from({ length: 100 }, (_, i) => [`key-${i}`, { i, text: 'x'.repeat(i) }]));

describe('one round trip per operation', () => {
  it('saveContext is one script call (value + index together)', async () => {
    expect(await commandsOf(() => store.saveContext('k', 'ctx', { a: 1 }))).toEqual(['evalsha']);
  });

  it('bulkSave of 100 entries is one script call', async () => {
    expect(await commandsOf(() => store.bulkSave(hundred(), 'ctx'))).toEqual(['evalsha']);
  });

  it('bulkLoad and bulkLoadEntries of 100 keys are one MGET, expiries included', async () => {
    const keys = [...hundred().keys(), 'missing'];
    expect(await commandsOf(() => store.bulkLoad(keys, 'ctx'))).toEqual(['mget']);
    let entries = new Map();
    expect(await commandsOf(async () => (entries = await store.bulkLoadEntries(keys, 'ctx')))).toEqual(['mget']);
    expect(entries.size).toBe(100);
  });

  it('loadEntry is one GET, expiry included', async () => {
    expect(await commandsOf(() => store.loadEntry('k', 'ctx'))).toEqual(['get']);
  });

  it('deleteContext, exists and clear(ctx) are one command each', async () => {
    expect(await commandsOf(() => store.exists('k', 'ctx'))).toEqual(['exists']);
    expect(await commandsOf(() => store.deleteContext('k', 'ctx'))).toEqual(['evalsha']);
    expect(await commandsOf(() => store.clear('ctx'))).toEqual(['evalsha']);
  });

  it('a bulkSave holding one bad value sends nothing at all', async () => {
    const entries = hundred() as Map<string, unknown>;
    entries.set('bad', () => 1);
    const commands = await commandsOf(() =>
      store.bulkSave(entries, 'ctx').catch((e: unknown) => {
        expect(e).toBeInstanceOf(MemoryError);
        expect((e as MemoryError).code).toBe(ErrorCode.SERIALIZATION_ERROR);
      }),
    );
    expect(commands).toEqual([]);
  });

  it('bulkLoad of no keys and bulkSave of no entries send nothing', async () => {
    expect(await commandsOf(() => store.bulkLoad([], 'ctx'))).toEqual([]);
    expect(await commandsOf(() => store.bulkSave({}, 'ctx'))).toEqual([]);
  });
});
