import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { invalidArgument, type Ttl } from '@engram/memory-core';
import { ExpirationPolicy, resolveTtl, validatePrefix } from '@engram/memory-utils';
import type { Redis } from 'ioredis';
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
   * An ioredis client you own. The store uses it as is (its own timeouts and retry settings
   * apply) and never closes it. Connection fields must then be left out.
   */
  client?: Redis;
}

export interface ResolvedOptions {
  keyPrefix: string;
  defaultTtl: number | null;
  connection: ConnectionConfig | undefined;
  client: Redis | undefined;
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
const KNOWN_FIELDS = new Set<string>([...CONNECTION_FIELDS, 'keyPrefix', 'defaultTtl', 'client']);

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

  if (fields.client !== undefined) {
    // Duck-typed: a second copy of ioredis in node_modules would fail instanceof.
    const client = fields.client as Partial<Redis> & { isCluster?: boolean };
    if (typeof client.getBuffer !== 'function' || typeof client.defineCommand !== 'function') {
      throw invalidArgument('client must be an ioredis Redis instance (import { Redis } from "ioredis")', { field: 'client' });
    }
    if (client.isCluster === true) {
      throw invalidArgument('client is an ioredis Cluster, which RedisMemory does not support yet: pass a Redis instance', {
        field: 'client',
      });
    }
    if (client.options?.keyPrefix) {
      throw invalidArgument(
        'client has an ioredis keyPrefix, which would break key scans: create the client without keyPrefix and pass keyPrefix to RedisMemory',
        { field: 'client' },
      );
    }
    const conflicting = CONNECTION_FIELDS.find((name) => fields[name] !== undefined);
    if (conflicting !== undefined) {
      throw invalidArgument(
        `${conflicting} cannot be combined with client: configure connection settings on your ioredis client instead`,
        { field: conflicting },
      );
    }
    return { keyPrefix, defaultTtl, connection: undefined, client: fields.client as Redis };
  }
  return { keyPrefix, defaultTtl, connection: resolveConnectionConfig(fields), client: undefined };
}
