import type { Cluster } from 'ioredis';
import { redactedClusterTarget } from './cluster_config.js';
import { redactedTarget } from './connection_config.js';
import { isCluster, type RedisClient } from './redis_client.js';
import { scrub } from './redis_errors.js';

/** A store's handle on its connection(s): pooled and shared, or a client the caller owns. */
export interface ClientLease {
  /** Redacted `redis://host:port/db`, for messages. */
  readonly target: string;
  readonly commandTimeout: number | undefined;
  /** `text` with the password (plain or URL-encoded) replaced by `***`. */
  redact(text: string): string;
  /** True once the connections were closed under the store (`closeAll()`). */
  readonly revoked: boolean;
  /** The connection for the next operation (round-robin in a pool), or the one Cluster client. */
  next(): RedisClient;
  /** The last connection-level error on `client`, cleared when it becomes ready again. */
  lastError(client: RedisClient): Error | undefined;
  /** Gives the connection(s) back. Idempotent. */
  release(): Promise<void>;
}

/** A client the caller created and keeps ownership of: never closed, never listened to. */
export function borrowClient(client: RedisClient): ClientLease {
  if (isCluster(client)) return borrowCluster(client);
  const options = client.options;
  const password = options.password;
  return {
    target: redactedTarget({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 6379,
      username: options.username,
      password,
      db: options.db ?? 0,
      tls: options.tls,
      commandTimeout: options.commandTimeout ?? 0,
      connectTimeout: options.connectTimeout,
      poolSize: 1,
    }),
    commandTimeout: options.commandTimeout,
    redact: (text) => scrub(text, password),
    revoked: false,
    next: () => client,
    lastError: () => undefined,
    release: async () => {},
  };
}

function borrowCluster(client: Cluster): ClientLease {
  const redisOptions = client.options.redisOptions ?? {};
  const password = redisOptions.password;
  return {
    // The nodes the client knows now (its startup nodes are private): read when a message needs them.
    get target() {
      return redactedClusterTarget({
        nodes: client.nodes('master').map((node) => ({ host: node.options.host, port: node.options.port })),
        username: redisOptions.username,
        password,
        tls: redisOptions.tls,
      });
    },
    commandTimeout: redisOptions.commandTimeout,
    redact: (text) => scrub(text, password),
    revoked: false,
    next: () => client,
    lastError: () => undefined,
    release: async () => {},
  };
}
