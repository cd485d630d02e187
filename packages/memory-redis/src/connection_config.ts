import { createHash } from 'node:crypto';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { invalidArgument } from '@engram/memory-core';

/** Everything that decides which server, as whom, and with which client settings: two stores share connections only when these are equal. */
export interface ConnectionConfig {
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  db: number;
  tls: TlsOptions | undefined;
  commandTimeout: number;
  connectTimeout: number | undefined;
  poolSize: number;
}

export interface ConnectionFields {
  url?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  username?: string | undefined;
  password?: string | undefined;
  tls?: boolean | TlsOptions | undefined;
  db?: number | undefined;
  commandTimeout?: number | undefined;
  connectTimeout?: number | undefined;
  poolSize?: number | undefined;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const MAX_POOL_SIZE = 64;

/**
 * Reads the URL, then lets explicit fields override its parts (so a password can come from a
 * secret store while the URL stays in plain config). Messages name the field, never its value:
 * a URL may hold a password.
 */
export function resolveConnectionConfig(fields: ConnectionFields): ConnectionConfig {
  const fromUrl = fields.url === undefined ? {} : parseRedisUrl(fields.url);
  const useTls = resolveTls(fields.tls, fromUrl.tls === true);
  const config: ConnectionConfig = {
    host: optionalString(fields.host, 'host') ?? fromUrl.host ?? '127.0.0.1',
    port: integerIn(fields.port, 'port', 1, 65_535) ?? fromUrl.port ?? 6379,
    username: optionalString(fields.username, 'username') ?? fromUrl.username,
    password: optionalString(fields.password, 'password', true) ?? fromUrl.password,
    db: integerIn(fields.db, 'db', 0, 1_000_000) ?? fromUrl.db ?? 0,
    tls: useTls,
    commandTimeout: integerIn(fields.commandTimeout, 'commandTimeout', 1, 3_600_000) ?? DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeout: integerIn(fields.connectTimeout, 'connectTimeout', 1, 3_600_000),
    poolSize: integerIn(fields.poolSize, 'poolSize', 1, MAX_POOL_SIZE) ?? 1,
  };
  return config;
}

interface UrlParts {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: boolean;
}

function parseRedisUrl(url: unknown): UrlParts {
  if (typeof url !== 'string' || url.length === 0) {
    throw invalidArgument('url must be a non-empty string such as redis://host:6379/0', { field: 'url' });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument('url is not a valid URL: use redis://[user:password@]host[:port][/db] or rediss:// for TLS', {
      field: 'url',
    });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw invalidArgument(`url must start with redis:// or rediss:// (got ${parsed.protocol}//)`, { field: 'url' });
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw invalidArgument('url must not have a query string or fragment: pass options such as db or tls as fields', {
      field: 'url',
    });
  }
  const parts: UrlParts = { tls: parsed.protocol === 'rediss:' };
  // URL keeps IPv6 literals bracketed; the socket wants them bare.
  if (parsed.hostname !== '') parts.host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (parsed.port !== '') parts.port = Number(parsed.port);
  if (parsed.username !== '') parts.username = decodeUrlPart(parsed.username, 'username');
  if (parsed.password !== '') parts.password = decodeUrlPart(parsed.password, 'password');
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '') {
    if (!/^\d{1,7}$/.test(path)) {
      throw invalidArgument('url path must be a database number, as in redis://host:6379/2', { field: 'url' });
    }
    parts.db = Number(path);
  }
  return parts;
}

function decodeUrlPart(part: string, field: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalidArgument(`the ${field} in url has a malformed %-escape: percent-encode it (encodeURIComponent)`, { field: 'url' });
  }
}

function resolveTls(tls: unknown, impliedByUrl: boolean): TlsOptions | undefined {
  if (tls === undefined) return impliedByUrl ? DEFAULT_TLS : undefined;
  if (tls === true) return DEFAULT_TLS;
  if (tls === false) {
    if (impliedByUrl) {
      throw invalidArgument('tls is false but url uses rediss:// (TLS): use redis:// or drop tls: false', { field: 'tls' });
    }
    return undefined;
  }
  if (typeof tls === 'object' && tls !== null && !Array.isArray(tls)) return tls as TlsOptions;
  throw invalidArgument('tls must be true, false or a Node TLS options object (tls.connect options)', { field: 'tls' });
}

function optionalString(value: unknown, field: string, secret = false): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidArgument(`${field} must be a non-empty string${secret ? '' : ` (got ${typeof value})`}`, { field });
  }
  return value;
}

function integerIn(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`${field} must be a whole number from ${min} to ${max} (got ${String(value)})`, { field });
  }
  return value;
}

/** `tls: true` and `rediss://`: Node's defaults (system CAs, host name checked). One object so such stores share connections. */
export const DEFAULT_TLS: TlsOptions = Object.freeze({});

const tlsIds = new WeakMap<object, number>([[DEFAULT_TLS, 1]]);
let nextTlsId = 2;

/**
 * The identity under which connections are shared. TLS option objects count by reference (they
 * can hold keys and certificates): pass the same object to share connections; the password only as a hash, so the registry holds no secret.
 */
export function connectionIdentity(config: ConnectionConfig): string {
  let tlsId = 0;
  if (config.tls !== undefined) {
    tlsId = tlsIds.get(config.tls) ?? nextTlsId++;
    tlsIds.set(config.tls, tlsId);
  }
  const passwordHash =
    config.password === undefined ? null : createHash('sha256').update(config.password).digest('base64url');
  return JSON.stringify([
    config.host,
    config.port,
    config.username ?? null,
    passwordHash,
    config.db,
    tlsId,
    config.commandTimeout,
    config.connectTimeout ?? null,
    config.poolSize,
  ]);
}

/** `redis[s]://[user[:***]@]host:port/db`: safe for messages and logs. */
export function redactedTarget(config: ConnectionConfig): string {
  const scheme = config.tls === undefined ? 'redis' : 'rediss';
  const user = config.username === undefined ? '' : encodeURIComponent(config.username);
  const auth = config.password === undefined ? (user === '' ? '' : `${user}@`) : `${user}:***@`;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `${scheme}://${auth}${host}:${config.port}/${config.db}`;
}
