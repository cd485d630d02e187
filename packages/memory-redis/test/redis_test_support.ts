import { randomUUID } from 'node:crypto';
import { escapeGlob } from '@engram/memory-utils';
import { Redis } from 'ioredis';

/** The shared Redis every test file talks to. Never flushed: tests isolate by key prefix. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test, run or colleague uses. */
export function uniquePrefix(label = 't'): string {
  return `${label}:${randomUUID()}`;
}

/** A plain ioredis client for looking behind the store's back. */
export function rawClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectionName: 'engram-test' });
}

/** Every key under `prefix:` (any kind), sorted. */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return [...new Set(found)].sort();
}

/** Removes everything a test wrote under `prefix:`. */
export async function removePrefix(client: Redis, prefix: string): Promise<number> {
  const keys = await keysUnder(client, prefix);
  let removed = 0;
  for (let i = 0; i < keys.length; i += 1000) removed += await client.unlink(...keys.slice(i, i + 1000));
  return removed;
}
