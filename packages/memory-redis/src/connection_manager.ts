import { Redis } from 'ioredis';
import type { ClientLease } from './client_lease.js';
import type { ClusterConfig } from './cluster_config.js';
import { ClusterConnections } from './cluster_connections.js';
import { watchCommands } from './command_watchdog.js';
import { connectionIdentity, redactedTarget, type ConnectionConfig } from './connection_config.js';
import { scrub } from './redis_errors.js';

interface Pool {
  readonly identity: string;
  readonly target: string;
  readonly config: ConnectionConfig;
  readonly clients: Redis[];
  readonly lastErrors: WeakMap<Redis, Error>;
  references: number;
  cursor: number;
  closed: boolean;
  /** Stops the pool's command-timeout watchdog. */
  unwatch: () => void;
}

/** One line per pool, for dashboards and tests. No secrets. */
export interface ConnectionPoolInfo {
  target: string;
  connections: number;
  references: number;
}

/**
 * Shares ioredis connections between stores with identical connection options, reference
 * counted: the last store to close a pool closes its connections.
 */
export class RedisConnectionManager {
  #pools = new Map<string, Pool>();
  #clusters = new ClusterConnections();

  /** A lease on the shared ioredis Cluster for `config`, opening it if needed. Release it exactly once. */
  acquireCluster(config: ClusterConfig): ClientLease {
    return this.#clusters.acquire(config);
  }

  /** A lease on the pool for `config`, opening it if needed. Release it exactly once (`store.close()` does). */
  acquire(config: ConnectionConfig): ClientLease {
    const identity = connectionIdentity(config);
    let pool = this.#pools.get(identity);
    if (pool === undefined) {
      pool = openPool(identity, config);
      this.#pools.set(identity, pool);
    }
    pool.references++;
    return this.#lease(pool);
  }

  /** The open pools: how many connections each holds and how many stores use it. */
  pools(): ConnectionPoolInfo[] {
    const pools = [...this.#pools.values()].map((pool) => ({
      target: pool.target,
      connections: pool.clients.length,
      references: pool.references,
    }));
    return [...pools, ...this.#clusters.pools()];
  }

  /** Closes every connection this manager opened. Stores still using them fail with CONNECTION_ERROR. */
  async closeAll(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all([...pools.map((pool) => closePool(pool)), this.#clusters.closeAll()]);
  }

  #lease(pool: Pool): ClientLease {
    let released = false;
    return {
      target: pool.target,
      commandTimeout: pool.config.commandTimeout,
      redact: (text) => scrub(text, pool.config.password),
      get revoked() {
        return pool.closed;
      },
      next: () => {
        const client = pool.clients[pool.cursor]!;
        pool.cursor = (pool.cursor + 1) % pool.clients.length;
        return client;
      },
      lastError: (client) => pool.lastErrors.get(client as Redis),
      release: async () => {
        if (released) return;
        released = true;
        if (pool.closed) return;
        pool.references--;
        if (pool.references === 0) {
          this.#pools.delete(pool.identity);
          await closePool(pool);
        }
      },
    };
  }
}

function openPool(identity: string, config: ConnectionConfig): Pool {
  const pool: Pool = {
    identity,
    target: redactedTarget(config),
    config,
    clients: [],
    lastErrors: new WeakMap(),
    references: 0,
    cursor: 0,
    closed: false,
    unwatch: () => {},
  };
  for (let i = 0; i < config.poolSize; i++) {
    const client = new Redis({
      host: config.host,
      port: config.port,
      db: config.db,
      ...(config.username === undefined ? {} : { username: config.username }),
      ...(config.password === undefined ? {} : { password: config.password }),
      ...(config.tls === undefined ? {} : { tls: { ...config.tls } }),
      ...(config.connectTimeout === undefined ? {} : { connectTimeout: config.connectTimeout }),
      // No ioredis commandTimeout: its timer per command costs a tenth of a round trip; the pool's
      // watchdog (watchCommands, below) bounds every command instead.
      // Bounded failure: a command waits for a (re)connect at most commandTimeout, and is flushed
      // with an error after one failed reconnect, instead of queueing forever on a dead server.
      // The offline queue stays on so commands issued while the first connect is in flight wait
      // for it rather than failing at once.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times - 1, 5), 2_000),
      connectionName: 'engram',
    });
    // Without a listener ioredis prints every reconnect failure; we keep the last one to explain the next failed command.
    client.on('error', (error: Error) => pool.lastErrors.set(client, error));
    client.on('ready', () => pool.lastErrors.delete(client));
    pool.clients.push(client);
  }
  pool.unwatch = watchCommands(pool.clients, config.commandTimeout);
  return pool;
}

async function closePool(pool: Pool): Promise<void> {
  if (pool.closed) return;
  pool.closed = true;
  await Promise.all(
    pool.clients.map(async (client) => {
      if (client.status !== 'ready') {
        client.disconnect();
        return;
      }
      // QUIT lets replies already in flight arrive first; a dead server gets disconnect after commandTimeout.
      await client.quit().catch(() => client.disconnect());
    }),
  );
  pool.unwatch();
}

let shared: RedisConnectionManager | undefined;

/** The process-wide connection manager every `RedisMemory` without a `client` uses. */
export function getConnectionManager(): RedisConnectionManager {
  shared ??= new RedisConnectionManager();
  return shared;
}
