import type { Redis } from 'ioredis';
import { hashTagOf, isValueKey } from './redis_keys.js';

/**
 * UNLINKs keys found by SCAN and returns how many value keys (not index keys) were removed.
 *
 * One UNLINK per hash tag, all in one pipeline: keys of one tag share a Redis Cluster slot, so
 * the same code works once SCAN runs per cluster node, where a multi-slot UNLINK would fail.
 */
export async function unlinkGroupedBySlot(client: Redis, keys: readonly string[], prefix: string): Promise<number> {
  const values = new Map<string, string[]>();
  const others = new Map<string, string[]>();
  for (const key of keys) {
    const groups = isValueKey(key, prefix) ? values : others;
    const tag = hashTagOf(key);
    const group = groups.get(tag);
    if (group === undefined) groups.set(tag, [key]);
    else group.push(key);
  }
  const pipeline = client.pipeline();
  for (const group of values.values()) pipeline.unlink(...group);
  for (const group of others.values()) pipeline.unlink(...group);
  const results = (await pipeline.exec()) ?? [];
  let removed = 0;
  results.forEach(([error, count], i) => {
    if (error) throw error;
    if (i < values.size) removed += Number(count);
  });
  return removed;
}
