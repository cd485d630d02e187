import type { Cluster, Redis } from 'ioredis';

/** What a store talks to: one Redis server, or a Redis Cluster that routes each key to its slot's master. */
export type RedisClient = Redis | Cluster;

/** Duck-typed: a second copy of ioredis in node_modules would fail instanceof. */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/**
 * The servers that hold the keyspace: the client itself, or every master of a cluster. Keyspace
 * walks (SCAN, INFO) must visit each of them; a cluster's own `scan` would reach one random node.
 */
export function keyspaceNodes(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/**
 * Resolves once a Cluster client is ready; `undefined` (no extra tick) when it already is, or for a single server. ioredis queues a
 * cluster's commands without any timeout until it has the slot map, and until then it knows no
 * masters to SCAN: waiting here, bounded by `timeoutMs`, keeps every operation bounded.
 */
export function whenReady(client: RedisClient, timeoutMs: number | undefined): Promise<void> | undefined {
  if (!isCluster(client) || client.status === 'ready') return undefined;
  if (client.status === 'end') return Promise.reject(new Error('Connection is closed.'));
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            client.off('ready', onReady);
            reject(new Error(`Cluster not ready: no slot map within ${timeoutMs} ms (connect timed out)`));
          }, timeoutMs);
    client.once('ready', onReady);
  });
}
