import { createHash } from 'node:crypto';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { invalidArgument } from '@engram/memory-core';
import type { ClusterOptions } from 'ioredis';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_TLS } from './connection_config.js';

/** A startup node: `'host:port'` or `{ host, port }`. */
export type ClusterNode = string | { host: string; port: number };

export interface RedisClusterConfigOption {
  /** Some (or all) nodes of the cluster; the client discovers the rest from them. */
  nodes: readonly ClusterNode[];
  /** ioredis `ClusterOptions` for the owned client; RedisMemory's bounded-failure settings apply unless set here. */
  options?: ClusterOptions;
}

/** Everything that decides which cluster, as whom, and with which client settings: two stores share one Cluster client only when these are equal. */
export interface ClusterConfig {
  nodes: Array<{ host: string; port: number }>;
  options: ClusterOptions | undefined;
  username: string | undefined;
  password: string | undefined;
  tls: TlsOptions | undefined;
  commandTimeout: number;
  connectTimeout: number | undefined;
}

interface ClusterFields {
  cluster?: unknown;
  username?: unknown;
  password?: unknown;
  tls?: unknown;
  commandTimeout?: unknown;
  connectTimeout?: unknown;
}

/** Options that name one server or one database: meaningless on a cluster (it has only db 0). */
export const SINGLE_SERVER_FIELDS = ['url', 'host', 'port', 'db', 'poolSize'] as const;

export function resolveClusterConfig(fields: ClusterFields): ClusterConfig {
  const cluster = fields.cluster;
  if (typeof cluster !== 'object' || cluster === null || Array.isArray(cluster)) {
    throw invalidArgument('cluster must be an object such as { nodes: ["10.0.0.1:7000", "10.0.0.2:7000"] }', { field: 'cluster' });
  }
  const { nodes, options, ...rest } = cluster as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw invalidArgument(`Unknown cluster option "${unknown}": cluster takes { nodes, options }`, { field: `cluster.${unknown}` });
  }
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw invalidArgument('cluster.nodes must list at least one node, as "host:port" or { host, port }', { field: 'cluster.nodes' });
  }
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw invalidArgument('cluster.options must be an ioredis ClusterOptions object', { field: 'cluster.options' });
  }
  const clusterOptions = options as ClusterOptions | undefined;
  if (clusterOptions?.keyPrefix || clusterOptions?.redisOptions?.keyPrefix) {
    throw invalidArgument('cluster.options must not set an ioredis keyPrefix (it would break key scans): pass keyPrefix to RedisMemory', {
      field: 'cluster.options',
    });
  }
  return {
    nodes: nodes.map((node, i) => parseNode(node, i)),
    options: clusterOptions,
    username: optionalString(fields.username, 'username'),
    password: optionalString(fields.password, 'password'),
    tls: fields.tls === undefined || fields.tls === false ? undefined : resolveTls(fields.tls),
    commandTimeout: wholeMs(fields.commandTimeout, 'commandTimeout') ?? DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeout: wholeMs(fields.connectTimeout, 'connectTimeout'),
  };
}

function parseNode(node: unknown, i: number): { host: string; port: number } {
  const field = `cluster.nodes[${i}]`;
  let host: unknown;
  let port: unknown;
  if (typeof node === 'string') {
    const match = /^(?:rediss?:\/\/)?(\[[^\]]+\]|[^:/@\s]+):(\d{1,5})\/?$/.exec(node);
    if (match === null) throw invalidArgument(`${field} must be "host:port" (no credentials: use username/password)`, { field });
    host = match[1]!.replace(/^\[(.*)\]$/, '$1');
    port = Number(match[2]);
  } else if (typeof node === 'object' && node !== null) {
    ({ host, port } = node as Record<string, unknown>);
  }
  if (typeof host !== 'string' || host.length === 0 || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw invalidArgument(`${field} must be "host:port" or { host, port } with a port from 1 to 65535`, { field });
  }
  return { host, port };
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(`${field} must be a non-empty string`, { field });
  return value;
}

function wholeMs(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3_600_000) {
    throw invalidArgument(`${field} must be a whole number from 1 to 3600000 (got ${String(value)})`, { field });
  }
  return value;
}

function resolveTls(tls: unknown): TlsOptions {
  if (tls === true) return DEFAULT_TLS;
  if (typeof tls === 'object' && tls !== null && !Array.isArray(tls)) return tls as TlsOptions;
  throw invalidArgument('tls must be true, false or a Node TLS options object (tls.connect options)', { field: 'tls' });
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
const idOf = (value: object | undefined) => {
  if (value === undefined) return 0;
  let id = objectIds.get(value);
  if (id === undefined) objectIds.set(value, (id = nextObjectId++));
  return id;
};

/** Option objects (TLS, ClusterOptions) count by reference; the password only as a hash, so the registry holds no secret. */
export function clusterIdentity(config: ClusterConfig): string {
  const passwordHash = config.password === undefined ? null : createHash('sha256').update(config.password).digest('base64url');
  return JSON.stringify([
    'cluster',
    config.nodes.map((node) => `${node.host}:${node.port}`).sort(),
    config.username ?? null,
    passwordHash,
    idOf(config.tls),
    idOf(config.options),
    config.commandTimeout,
    config.connectTimeout ?? null,
  ]);
}

/** `redis-cluster://[user[:***]@]host:port,host:port`: safe for messages and logs. */
export function redactedClusterTarget(config: { nodes: ReadonlyArray<{ host?: string | undefined; port?: number | undefined }>; username?: string | undefined; password?: string | undefined; tls?: unknown }): string {
  const user = config.username === undefined ? '' : encodeURIComponent(config.username);
  const auth = config.password === undefined ? (user === '' ? '' : `${user}@`) : `${user}:***@`;
  const hosts = config.nodes
    .slice(0, 3)
    .map(({ host = '127.0.0.1', port = 6379 }) => `${host.includes(':') ? `[${host}]` : host}:${port}`)
    .join(',');
  const more = config.nodes.length > 3 ? `,+${config.nodes.length - 3}` : '';
  return `${config.tls === undefined ? 'redis' : 'rediss'}-cluster://${auth}${hosts}${more}`;
}
