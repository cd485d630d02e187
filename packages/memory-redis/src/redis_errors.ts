import { ErrorCode, MemoryError } from '@engram/memory-core';
import { clusterError } from './cluster_errors.js';

/** What a failing operation knows about its connection, for a message that says what to check. */
export interface FailureContext {
  /** The operation, e.g. `saveContext`. */
  operation: string;
  /** Redacted target, e.g. `redis://app:***@cache:6379/0`. */
  target: string;
  /** ioredis status of the connection used (`ready`, `connecting`, `reconnecting`, `end`, ...). */
  status: string;
  commandTimeout: number | undefined;
  /** The last connection-level error seen on that connection, if any. */
  lastConnectionError: Error | undefined;
  /** Removes the password from a text. */
  redact(text: string): string;
}

/**
 * Turns whatever ioredis threw into a MemoryError. The original error is not kept as `cause`:
 * ioredis attaches the failed command's arguments to its errors, which hold stored values and,
 * for AUTH/HELLO, the password. A scrubbed copy (name, Redis code, message) is kept instead.
 */
export function toMemoryError(error: unknown, context: FailureContext): MemoryError {
  if (error instanceof MemoryError) return error;
  const raw = error instanceof Error ? error : new Error(String(error));
  const message = context.redact(raw.message);
  const redisCode = /^[A-Z][A-Z_-]+(?= |$)/.exec(message)?.[0];
  const cause = scrubbedCause(raw, message);
  const details = { operation: context.operation, target: context.target, status: context.status, redisCode };
  const at = `Redis at ${context.target}`;
  const cluster = clusterError({ redisCode, message, at, operation: context.operation, cause, details });
  if (cluster !== undefined) return cluster;

  if (redisCode === 'WRONGPASS' || redisCode === 'NOAUTH' || isAuthFailure(context.lastConnectionError)) {
    return new MemoryError(
      ErrorCode.CONNECTION_ERROR,
      `${at} refused the credentials (${redisCode ?? 'authentication failed'}): check username and password in the url or options`,
      { cause, details },
    );
  }
  // A command a script may not run is reported as ERR, not NOPERM.
  if (redisCode === 'NOPERM' || /user executing the script can't/i.test(message)) {
    return new MemoryError(
      ErrorCode.BACKEND_ERROR,
      `${at}: the ACL user may not run ${context.operation}: grant it the commands listed in the @engram/memory-redis README (ACL section) and the key pattern ~<keyPrefix>:* (ACL SETUSER)`,
      { cause, details: { ...details, redisCode: 'NOPERM' } },
    );
  }
  if (redisCode === 'OOM') {
    return new MemoryError(
      ErrorCode.BACKEND_ERROR,
      `${at} is out of memory and refused the write: raise maxmemory, set an eviction policy, or use shorter TTLs`,
      { cause, details },
    );
  }
  if (redisCode === 'WRONGTYPE') {
    return new MemoryError(
      ErrorCode.BACKEND_ERROR,
      `${at}: a key under this store's prefix holds a value Engram did not write: use a keyPrefix no other application writes to`,
      { cause, details },
    );
  }
  if (redisCode === 'READONLY') {
    return new MemoryError(ErrorCode.BACKEND_ERROR, `${at} is a read-only replica: point url/host at the primary`, {
      cause,
      details,
    });
  }
  if (redisCode === 'BUSY' || redisCode === 'LOADING') {
    return new MemoryError(
      ErrorCode.CONNECTION_ERROR,
      `${at} is ${redisCode === 'BUSY' ? 'busy running a long script' : 'loading its dataset'}: retry shortly`,
      { cause, details },
    );
  }
  if (/unknown command|Error compiling script/i.test(message)) {
    return new MemoryError(
      ErrorCode.BACKEND_ERROR,
      `${at} does not support a command Engram needs (${redisCode ?? 'error'}): use Redis 7.0 or later`,
      { cause, details },
    );
  }
  if (redisCode !== undefined) {
    return new MemoryError(ErrorCode.BACKEND_ERROR, `${at} failed ${context.operation}: ${truncate(message)}`, { cause, details });
  }

  const unreachable = context.status !== 'ready';
  if (unreachable || isConnectionFailure(raw)) {
    const why = describeConnectionError(context.lastConnectionError ?? raw);
    return new MemoryError(
      ErrorCode.CONNECTION_ERROR,
      `Cannot reach ${at}${why ? ` (${why})` : ''}: check that the server is running and that url/host/port${
        why === 'TLS handshake failed' ? '/tls' : ''
      } are right`,
      { cause, details },
    );
  }
  if (/timed out/i.test(message)) {
    return new MemoryError(
      ErrorCode.TIMEOUT,
      `${at} did not answer ${context.operation} within ${context.commandTimeout} ms: the server may be overloaded or blocked by a slow command (see SLOWLOG); raise commandTimeout if this is expected`,
      { cause, details },
    );
  }
  return new MemoryError(ErrorCode.BACKEND_ERROR, `${at} failed ${context.operation}: ${truncate(message)}`, { cause, details });
}

function isConnectionFailure(error: Error): boolean {
  return (
    /Connection is closed|Stream isn't writeable|max retries per request|ECONNRESET|EPIPE|ECONNREFUSED|Unknown RESP type|Protocol error/i.test(
      error.message,
    ) ||
    error.name === 'MaxRetriesPerRequestError'
  );
}

function isAuthFailure(error: Error | undefined): boolean {
  return error !== undefined && /^(WRONGPASS|NOAUTH)/.test(error.message);
}

/** A short, secret-free reason for a connection-level error. */
export function describeConnectionError(error: Error | undefined): string | undefined {
  if (error === undefined) return undefined;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const text = `${code} ${error.message}`;
  if (/ECONNREFUSED/.test(text)) return 'connection refused';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'host name not found';
  if (/ETIMEDOUT|connect timeout/i.test(text)) return 'connect timed out';
  if (/ECONNRESET|EPIPE/.test(text)) return 'connection reset';
  if (/EHOSTUNREACH|ENETUNREACH/.test(text)) return 'host unreachable';
  if (/SSL|TLS|certificate|CERT_/i.test(text)) return 'TLS handshake failed';
  if (/Unknown RESP type|Protocol error/i.test(text)) return 'the server does not speak the Redis protocol';
  if (/max retries per request/i.test(text)) return 'gave up reconnecting';
  if (/timed out/i.test(text)) return 'no answer within commandTimeout';
  return undefined;
}

/** `text` without `secret` (plain or URL-encoded) and without credentials in any redis:// URL. */
export function scrub(text: string, secret: string | undefined): string {
  let out = text;
  if (secret !== undefined && secret.length > 0) {
    out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('***');
  }
  // Any credentials in a URL that slipped into a message.
  return out.replace(/(rediss?:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
}

function scrubbedCause(raw: Error, message: string): Error {
  const cause = new Error(message);
  cause.name = raw.name;
  const code = (raw as NodeJS.ErrnoException).code;
  if (code !== undefined) (cause as NodeJS.ErrnoException).code = code;
  return cause;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
