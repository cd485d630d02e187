import { describeMemoryContract } from '@engram/memory-core/testing';
import { afterAll } from 'vitest';
import { RedisMemory } from '../src/index.js';
import { REDIS_URL, rawClient, removePrefix, uniquePrefix } from './redis_test_support.js';

const prefixes: string[] = [];

describeMemoryContract('redis', {
  create: () => {
    const keyPrefix = uniquePrefix('t');
    prefixes.push(keyPrefix);
    return new RedisMemory({ url: REDIS_URL, keyPrefix });
  },
});

afterAll(async () => {
  const client = rawClient();
  try {
    for (const prefix of prefixes) await removePrefix(client, prefix);
  } finally {
    await client.quit();
  }
});
