import { randomUUID } from 'node:crypto';
import { escapeGlob } from '@engram/memory-utils';
import type { Redis } from 'ioredis';
import { redactUrl } from './format.js';
import type { RedisTarget } from './scenario.js';

/**
 * The shared Redis: connect with a bench-only prefix, and remove exactly that prefix's keys at
 * the end. Never FLUSHDB/FLUSHALL: colleagues' and users' keys live in the same database.
 */
export async function openRedisTarget(url: string): Promise<RedisTarget | { error: string }> {
  // Imported only when REDIS_URL is set (see openRedisMemory in bench_stores.ts).
  const { Redis } = await import('ioredis');
  const raw = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3_000, enableOfflineQueue: true });
  raw.on('error', () => undefined); // reported through the failing command instead
  try {
    await raw.connect();
    const info = await raw.info('server');
    const major = Number(/redis_version:(\d+)/.exec(info)?.[1] ?? 0);
    if (major < 7) {
      raw.disconnect();
      return { error: `Redis ${redactUrl(url)} is older than 7.0, which RedisMemory needs` };
    }
  } catch (error) {
    raw.disconnect();
    // The message of a connection error names host and port only, never the password.
    return { error: `cannot reach ${redactUrl(url)} (${(error as Error).message}); start Redis or fix REDIS_URL` };
  }
  return { url, raw, prefix: `engram-bench:${randomUUID().slice(0, 8)}` };
}

/** UNLINKs every key under `prefix:` (SCAN, never KEYS); returns how many were removed. */
export async function removeKeysUnder(raw: Redis, prefix: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', 5_000);
    cursor = next;
    if (keys.length > 0) removed += await raw.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

/** UNLINKs known key names in pipelined batches: much faster than a SCAN over a million keys. */
export async function unlinkKnown(raw: Redis, count: number, keyAt: (i: number) => string, batch = 10_000): Promise<void> {
  for (let start = 0; start < count; start += batch) {
    const keys: string[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) keys.push(keyAt(i));
    await raw.unlink(...keys);
  }
}
