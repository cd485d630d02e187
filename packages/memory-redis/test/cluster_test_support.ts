import { escapeGlob } from '@engram/memory-utils';
import type { Cluster, Redis } from 'ioredis';

/** Every key under `prefix:` on every master of the cluster, sorted. */
export async function clusterKeysUnder(cluster: Cluster, prefix: string): Promise<string[]> {
  const perMaster = await Promise.all(cluster.nodes('master').map((node) => nodeKeysUnder(node, prefix)));
  return perMaster.flat().sort();
}

/** Every key under `prefix:` on one node. */
export async function nodeKeysUnder(node: Redis, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) found.add(key);
  } while (cursor !== '0');
  return [...found].sort();
}
