import { Cluster } from 'ioredis';
import type { ClientLease } from './client_lease.js';
import { clusterIdentity, redactedClusterTarget, type ClusterConfig } from './cluster_config.js';
import { scrub } from './redis_errors.js';

interface SharedCluster {
  readonly identity: string;
  readonly target: string;
  readonly config: ClusterConfig;
  readonly client: Cluster;
  lastError: Error | undefined;
  references: number;
  closed: boolean;
}

/** One line per shared Cluster client, for dashboards and tests. No secrets. */
export interface ClusterPoolInfo {
  target: string;
  connections: number;
  references: number;
}

/**
 * Shares one ioredis `Cluster` between stores with identical cluster options, reference counted
 * like the single-server pools: the last store to close it quits it. A Cluster already keeps one
 * connection per node and routes each command to its slot's master, so there is no pool size.
 */
export class ClusterConnections {
  #shared = new Map<string, SharedCluster>();

  acquire(config: ClusterConfig): ClientLease {
    const identity = clusterIdentity(config);
    let shared = this.#shared.get(identity);
    if (shared === undefined) {
      shared = open(identity, config);
      this.#shared.set(identity, shared);
    }
    shared.references++;
    return this.#lease(shared);
  }

  pools(): ClusterPoolInfo[] {
    return [...this.#shared.values()].map((shared) => ({
      target: shared.target,
      connections: shared.client.nodes().length,
      references: shared.references,
    }));
  }

  async closeAll(): Promise<void> {
    const all = [...this.#shared.values()];
    this.#shared.clear();
    await Promise.all(all.map((shared) => close(shared)));
  }

  #lease(shared: SharedCluster): ClientLease {
    let released = false;
    return {
      target: shared.target,
      commandTimeout: shared.config.commandTimeout,
      redact: (text) => scrub(text, shared.config.password),
      get revoked() {
        return shared.closed;
      },
      next: () => shared.client,
      lastError: () => shared.lastError,
      release: async () => {
        if (released) return;
        released = true;
        if (shared.closed) return;
        shared.references--;
        if (shared.references === 0) {
          this.#shared.delete(shared.identity);
          await close(shared);
        }
      },
    };
  }
}

function open(identity: string, config: ClusterConfig): SharedCluster {
  const given = config.options ?? {};
  const client = new Cluster(config.nodes, {
    // Same bounded failure as single-server pools: a command waits at most commandTimeout for a
    // (re)connect or a slot refresh, then fails; the offline queue covers the first connect only
    // as long as that.
    enableOfflineQueue: true,
    clusterRetryStrategy: (times) => Math.min(100 * 2 ** Math.min(times - 1, 5), 2_000),
    // A failover takes a few seconds: retry CLUSTERDOWN/TRYAGAIN briefly; commandTimeout still bounds the wait.
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    retryDelayOnFailover: 100,
    ...given,
    redisOptions: {
      ...(config.username === undefined ? {} : { username: config.username }),
      ...(config.password === undefined ? {} : { password: config.password }),
      ...(config.tls === undefined ? {} : { tls: { ...config.tls } }),
      ...(config.connectTimeout === undefined ? {} : { connectTimeout: config.connectTimeout }),
      commandTimeout: config.commandTimeout,
      maxRetriesPerRequest: 1,
      connectionName: 'engram',
      ...given.redisOptions,
    },
  });
  const shared: SharedCluster = {
    identity,
    target: redactedClusterTarget(config),
    config,
    client,
    lastError: undefined,
    references: 0,
    closed: false,
  };
  // Without listeners ioredis prints every node failure; the last one explains the next failed command.
  client.on('error', (error: Error) => (shared.lastError = error));
  client.on('node error', (error: Error) => (shared.lastError = error));
  client.on('ready', () => (shared.lastError = undefined));
  return shared;
}

async function close(shared: SharedCluster): Promise<void> {
  if (shared.closed) return;
  shared.closed = true;
  if (shared.client.status !== 'ready') {
    shared.client.disconnect();
    return;
  }
  await shared.client.quit().catch(() => shared.client.disconnect());
}
