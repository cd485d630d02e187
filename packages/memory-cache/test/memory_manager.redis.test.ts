import { randomUUID } from 'node:crypto';
import { RedisMemory } from '@engram/memory-redis';
import { afterAll } from 'vitest';
import { describeManagerSuite } from './manager_suite.js';

/** The shared Redis: never flushed; every store gets its own prefix, removed afterwards. */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefixes: string[] = [];

describeManagerSuite('redis', () => {
  const keyPrefix = `engram-cache-test:${randomUUID()}`;
  prefixes.push(keyPrefix);
  return new RedisMemory({ url: REDIS_URL, keyPrefix });
});

afterAll(async () => {
  for (const keyPrefix of prefixes) {
    const store = new RedisMemory({ url: REDIS_URL, keyPrefix });
    try {
      await store.clear();
    } finally {
      await store.close();
    }
  }
});
