import { describeMemoryFuzz } from '@engram/memory-core/testing';
import { afterAll } from 'vitest';
import { RedisMemory } from '../src/index.js';
import { REDIS_URL, rawClient, removePrefix, uniquePrefix } from './redis_test_support.js';

const prefix = uniquePrefix('fuzz');

describeMemoryFuzz('redis', { create: () => new RedisMemory({ url: REDIS_URL, keyPrefix: prefix }), numRuns: 2_000 });

afterAll(async () => {
  const client = rawClient();
  try {
    await removePrefix(client, prefix);
  } finally {
    await client.quit();
  }
});
