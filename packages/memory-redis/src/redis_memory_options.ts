import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { checkLogger, invalidArgument, type EngramLogger, type Ttl } from '@engram/memory-core';
import { ExpirationPolicy, resolveMaxValueBytes, resolveTtl, validatePrefix } from '@engram/memory-utils';
import type { Cluster, Redis } from 'ioredis';
import { resolveBreakerOptions, type CircuitBreakerOptions, type ResolvedBreakerOptions } from './circuit_breaker.js';
import { resolveClusterConfig, SINGLE_SERVER_FIELDS, type ClusterConfig, type RedisClusterConfigOption } from './cluster_config.js';
import { resolveConnectionConfig, type ConnectionConfig } from './connection_config.js';

export interface RedisMemoryOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. Fields below override its parts. */
  url?: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 6379. */
  port?: number;
  /** ACL user (Redis 6+). */
  username?: string;
  password?: string;
  /** `true` for TLS with Node's defaults, or `tls.connect` options. `rediss://` implies `true`. */
  tls?: boolean | TlsOptions;
  /** Database number. Default 0. */
  db?: number;
  /** Namespace of every key this store writes. Default `engram`. No `{` or `}`. */
  keyPrefix?: string;
  /** Seconds, or `null` for no expiry, used when a save passes no ttl. Default `ExpirationPolicy.DEFAULT` (86400). */
  defaultTtl?: Ttl;
  /** Milliseconds an operation may wait, including for a (re)connect. Default 5000. */
  commandTimeout?: number;
  /** Milliseconds to establish a TCP/TLS connection. Default ioredis's 10000 (commandTimeout still bounds operations). */
  connectTimeout?: number;
  /** Connections used round-robin. Default 1. A script, MGET or pipeline always stays on one connection. */
  poolSize?: number;
  /**
   * An ioredis client you own: a `Redis`, or a `Cluster`. The store uses it as is (its own
   * timeouts and retry settings apply) and never closes it. Connection fields must then be left out.
   */
  client?: Redis | Cluster;
  /**
   * A Redis Cluster for the store to connect to and own (shared between stores with equal
   * options, like single-server pools). username, password, tls, commandTimeout and
   * connectTimeout apply to every node; url, host, port, db and poolSize cannot be combined with it.
   */
  cluster?: RedisClusterConfigOption;
  /** Largest encoded value a save accepts, in bytes; a bigger one is refused before anything is sent. Default 8 MiB. */
  maxValueBytes?: number;
  /** Fail fast while the server is unreachable; `false` turns it off. Default `{ failureThreshold: 5, cooldownMs: 1000 }`. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /**
   * A pino-shaped logger. Default none (silent). warn: circuit breaker opened/closed; error: failed
   * operations with their code. Never values, keys, passwords or URLs with credentials.
   */
  logger?: EngramLogger;
}

export interface ResolvedOptions {
  keyPrefix: string;
  defaultTtl: number | null;
  connection: ConnectionConfig | undefined;
  cluster?: ClusterConfig | undefined;
  client: Redis | Cluster | undefined;
  maxValueBytes: number;
  circuitBreaker: ResolvedBreakerOptions | undefined;
  logger: EngramLogger | undefined;
}

const CONNECTION_FIELDS = [
  'url',
  'host',
  'port',
  'username',
  'password',
  'tls',
  'db',
  'commandTimeout',
  'connectTimeout',
  'poolSize',
] as const;
const KNOWN_FIELDS = new Set<string>([...CONNECTION_FIELDS, 'keyPrefix', 'defaultTtl', 'client', 'cluster', 'maxValueBytes', 'circuitBreaker', 'logger']);

export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidArgument('RedisMemory options must be an object such as { url: "redis://127.0.0.1:6379" }', {
      field: 'options',
    });
  }
  const fields = options as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (!KNOWN_FIELDS.has(name)) {
      throw invalidArgument(`Unknown RedisMemory option "${name}": see the options table in the @engram/memory-redis README`, {
        field: name,
      });
    }
  }
  const keyPrefix = fields.keyPrefix ?? 'engram';
  validatePrefix(keyPrefix);
  const defaultTtl = resolveTtl(fields.defaultTtl, ExpirationPolicy.DEFAULT, 'defaultTtl');
  const limits = {
    maxValueBytes: resolveMaxValueBytes(fields.maxValueBytes),
    circuitBreaker: resolveBreakerOptions(fields.circuitBreaker),
    logger: checkLogger(fields.logger),
  };

  if (fields.client !== undefined) {
    // Duck-typed: a second copy of ioredis in node_modules would fail instanceof.
    const client = fields.client as Partial<Redis> & { isCluster?: boolean };
    if (typeof client.getBuffer !== 'function' || typeof client.defineCommand !== 'function') {
      throw invalidArgument('client must be an ioredis Redis or Cluster instance (import { Redis, Cluster } from "ioredis")', {
        field: 'client',
      });
    }
    const clusterPrefix = client.isCluster === true ? (client as unknown as Cluster).options.redisOptions?.keyPrefix : undefined;
    if (client.options?.keyPrefix || clusterPrefix) {
      throw invalidArgument(
        'client has an ioredis keyPrefix, which would break key scans: create the client without keyPrefix and pass keyPrefix to RedisMemory',
        { field: 'client' },
      );
    }
    const conflicting = [...CONNECTION_FIELDS, 'cluster' as const].find((name) => fields[name] !== undefined);
    if (conflicting !== undefined) {
      throw invalidArgument(
        `${conflicting} cannot be combined with client: configure connection settings on your ioredis client instead`,
        { field: conflicting },
      );
    }
    return { keyPrefix, defaultTtl, connection: undefined, client: fields.client as Redis | Cluster, ...limits };
  }
  if (fields.cluster !== undefined) {
    const conflicting = SINGLE_SERVER_FIELDS.find((name) => fields[name] !== undefined);
    if (conflicting !== undefined) {
      throw invalidArgument(`${conflicting} cannot be combined with cluster: list the nodes in cluster.nodes (a cluster has only db 0)`, {
        field: conflicting,
      });
    }
    return { keyPrefix, defaultTtl, connection: undefined, cluster: resolveClusterConfig(fields), client: undefined, ...limits };
  }
  return { keyPrefix, defaultTtl, connection: resolveConnectionConfig(fields), client: undefined, ...limits };
}
