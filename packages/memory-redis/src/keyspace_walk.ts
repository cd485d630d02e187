import type { Redis } from 'ioredis';
import { isCluster, keyspaceNodes, type RedisClient } from './redis_client.js';
import { ownedKeysPattern, valueKeysPattern } from './redis_keys.js';
import { readServerStats, type RedisServerStats } from './server_stats.js';
import { unlinkGroupedBySlot } from './unlink_keys.js';

const SCAN_COUNT = 1_000;

/*
 * Operations that visit the whole keyspace rather than one context: on a cluster they must reach
 * every master, because a cluster client's own SCAN or INFO lands on one arbitrary node.
 */

async function scanNode(node: Redis, pattern: string, onBatch: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (keys.length > 0) await onBatch(keys);
  } while (cursor !== '0');
}

/**
 * UNLINKs every key of `prefix`; returns how many values (not index keys) went. On a cluster the
 * masters are scanned in parallel, and each batch is unlinked through the cluster client, one
 * UNLINK per context (one slot), so a slot that moves mid-walk is followed by MOVED/ASK instead
 * of failing.
 */
export async function clearKeyspace(client: RedisClient, prefix: string): Promise<number> {
  const pattern = ownedKeysPattern(prefix);
  const counts = await Promise.all(
    keyspaceNodes(client).map(async (node) => {
      let removed = 0;
      await scanNode(node, pattern, async (keys) => {
        removed += await unlinkGroupedBySlot(client, keys, prefix);
      });
      return removed;
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

/** Exact number of value keys of `prefix`, summed over every master. */
export async function countValueKeys(client: RedisClient, prefix: string): Promise<number> {
  const pattern = valueKeysPattern(prefix);
  const counts = await Promise.all(
    keyspaceNodes(client).map(async (node) => {
      let count = 0;
      await scanNode(node, pattern, async (keys) => {
        count += keys.length;
      });
      return count;
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

const SUMMED = [
  'usedMemoryBytes',
  'maxMemoryBytes',
  'keyspaceHits',
  'keyspaceMisses',
  'expiredKeys',
  'evictedKeys',
  'connectedClients',
] as const;

/**
 * INFO figures of the server, or of a whole cluster: counters and memory summed over the masters,
 * `uptimeSeconds` the youngest master's, version and policy listed when masters differ, plus
 * `clusterMasters`.
 */
export async function readKeyspaceStats(client: RedisClient): Promise<RedisServerStats> {
  if (!isCluster(client)) return readServerStats(await client.info());
  const masters = client.nodes('master');
  const all = (await Promise.all(masters.map((node) => node.info()))).map(readServerStats);
  const total = { ...all[0]! };
  for (const field of SUMMED) total[field] = all.reduce((sum, stats) => sum + stats[field], 0);
  total.uptimeSeconds = Math.min(...all.map((stats) => stats.uptimeSeconds));
  total.redisVersion = [...new Set(all.map((stats) => stats.redisVersion))].join(',');
  total.maxMemoryPolicy = [...new Set(all.map((stats) => stats.maxMemoryPolicy))].join(',');
  total.clusterMasters = masters.length;
  return total;
}
