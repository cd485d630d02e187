import { isCluster, type RedisClient } from './redis_client.js';
import { hashTagOf, isValueKey } from './redis_keys.js';

/**
 * UNLINKs keys found by SCAN and returns how many value keys (not index keys) were removed.
 *
 * One UNLINK per hash tag: keys of one tag share a Redis Cluster slot, where a multi-slot UNLINK
 * would fail. On one server they go in one pipeline; on a cluster (whose pipelines must stay in
 * one slot) they are sent together and routed each to its slot's master.
 */
export async function unlinkGroupedBySlot(client: RedisClient, keys: readonly string[], prefix: string): Promise<number> {
  const values = new Map<string, string[]>();
  const others = new Map<string, string[]>();
  for (const key of keys) {
    const groups = isValueKey(key, prefix) ? values : others;
    const tag = hashTagOf(key);
    const group = groups.get(tag);
    if (group === undefined) groups.set(tag, [key]);
    else group.push(key);
  }
  if (isCluster(client)) {
    const counts = await Promise.all([...values.values(), ...others.values()].map((group) => client.unlink(...group)));
    return counts.slice(0, values.size).reduce((sum, n) => sum + n, 0);
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
