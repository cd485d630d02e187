import { checkLogger, invalidArgument, type EngramLogger, type Ttl } from '@engram/memory-core';
import { ExpirationPolicy, describeValue, resolveMaxValueBytes, resolveTtl, validateId } from '@engram/memory-utils';

/**
 * `FULL`: a write is on disk before its promise resolves; it survives a process crash and a
 * power loss (one fsync of the WAL per write or bulk). `NORMAL`: it survives a process crash;
 * the last writes before a power loss or OS crash may be lost (fsync only at checkpoints).
 */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

export interface SqliteMemoryOptions {
  /** Database file; its folder is created. `':memory:'` gives a private, non-durable database. Default `./.engram/memory.db`. */
  path?: string;
  /** Seconds, or null for never. Default `ExpirationPolicy.DEFAULT` (86,400). */
  defaultTtl?: Ttl;
  /** How often expired rows are deleted. The timer never keeps the process alive. 0 disables. Default 60,000. */
  sweepIntervalMs?: number;
  /** Table name: letters, digits and `_`, not starting with a digit or `sqlite_`. Default `engram_memory`. */
  table?: string;
  /** Stores sharing one file and table see only their own namespace's rows. Any non-empty text. Default `default`. */
  namespace?: string;
  /** How long a write waits for another connection's lock before failing. Default 5,000. */
  busyTimeoutMs?: number;
  /** Durability of an acknowledged write; see {@link SqliteSynchronous}. Default `FULL`. */
  synchronous?: SqliteSynchronous;
  /** Largest encoded value a save accepts, in bytes; a bigger one is refused before anything is written. Default 8 MiB. */
  maxValueBytes?: number;
  /** A pino-shaped logger. Default none (silent). error: failed operations with their code; never values, keys or the path. */
  logger?: EngramLogger;
}

export interface ResolvedSqliteOptions {
  path: string;
  inMemory: boolean;
  defaultTtl: number | null;
  sweepIntervalMs: number;
  table: string;
  namespace: string;
  busyTimeoutMs: number;
  synchronous: SqliteSynchronous;
  maxValueBytes: number;
  logger: EngramLogger | undefined;
}

export const DEFAULT_PATH = './.engram/memory.db';
export const DEFAULT_TABLE = 'engram_memory';
export const DEFAULT_NAMESPACE = 'default';

const KNOWN = new Set(['path', 'defaultTtl', 'sweepIntervalMs', 'table', 'namespace', 'busyTimeoutMs', 'synchronous', 'maxValueBytes', 'logger']);
// Setting a timer beyond this makes Node fire it immediately (with a warning).
const MAX_TIMER_MS = 2 ** 31 - 1;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function wholeMs(value: unknown, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw invalidArgument(
      `${field} must be a whole number of milliseconds from ${min} to ${MAX_TIMER_MS} (got ${describeValue(value)}); omit it for the default`,
      { field },
    );
  }
  return value;
}

function tableName(value: unknown): string {
  if (value === undefined) return DEFAULT_TABLE;
  // The table name is spliced into SQL, so only plain identifiers are accepted (no quoting games).
  if (typeof value !== 'string' || !IDENTIFIER.test(value) || /^sqlite_/i.test(value)) {
    throw invalidArgument(
      'table must be 1-63 letters, digits or "_", not start with a digit or "sqlite_"; use namespace for arbitrary text',
      { field: 'table' },
    );
  }
  return value;
}

function dbPath(value: unknown): string {
  if (value === undefined) return DEFAULT_PATH;
  if (typeof value !== 'string' || value.trim().length === 0 || value.includes('\u0000')) {
    throw invalidArgument(`path must be a file path or ":memory:" (got ${describeValue(value)})`, { field: 'path' });
  }
  return value;
}

/** Checks every option and fills in defaults; a bad option fails with INVALID_ARGUMENT naming its field. */
export function resolveSqliteOptions(options: SqliteMemoryOptions = {}): ResolvedSqliteOptions {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument(`options must be an object (got ${describeValue(options)})`, { field: 'options' });
  }
  for (const field of Object.keys(options)) {
    if (!KNOWN.has(field)) {
      throw invalidArgument(`unknown option "${field}"; valid options are ${[...KNOWN].join(', ')}`, { field });
    }
  }
  const path = dbPath(options.path);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  validateId(namespace, 'namespace');
  const synchronous = options.synchronous ?? 'FULL';
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    throw invalidArgument('synchronous must be "FULL" or "NORMAL"', { field: 'synchronous' });
  }
  return {
    path,
    inMemory: path === ':memory:',
    defaultTtl: resolveTtl(options.defaultTtl, ExpirationPolicy.DEFAULT, 'defaultTtl'),
    sweepIntervalMs: wholeMs(options.sweepIntervalMs, 'sweepIntervalMs', 60_000, 0),
    table: tableName(options.table),
    namespace,
    busyTimeoutMs: wholeMs(options.busyTimeoutMs, 'busyTimeoutMs', 5_000, 0),
    synchronous,
    maxValueBytes: resolveMaxValueBytes(options.maxValueBytes),
    logger: checkLogger(options.logger),
  };
}
