import type Database from 'better-sqlite3';
import {
  ErrorCode,
  MemoryError,
  invalidArgument,
  type BaseMemory,
  type BulkEntries,
  type MemoryEntry,
  type SaveOptions,
  type StoreStats,
} from '@engram/memory-core';
import {
  checkValueSize,
  describeValue,
  expiresAtFor,
  resolveTtl,
  serializeData,
  validateId,
  validateKeys,
} from '@engram/memory-utils';
import { decodeValue } from './decode_value.js';
import { ExpirySweeper } from './expiry_sweeper.js';
import { checkpointAndClose, fileSize, openDatabase } from './sqlite_connection.js';
import { toMemoryError } from './sqlite_errors.js';
import { resolveSqliteOptions, type ResolvedSqliteOptions, type SqliteMemoryOptions } from './sqlite_options.js';
import { prepareStatements, type SqliteStatements, type StoredRow } from './sqlite_schema.js';

type Encoded = [key: string, bytes: Uint8Array];
type FoundRow = [key: string, row: StoredRow];

/**
 * A durable, embedded `BaseMemory` on one SQLite file (better-sqlite3, WAL mode). Every method
 * runs synchronously inside its promise: calls never interleave, and each is one statement or
 * one transaction, so every acknowledged write is committed.
 */
export class SqliteMemory implements BaseMemory {
  readonly name = 'sqlite';
  readonly #options: ResolvedSqliteOptions;
  readonly #ns: string;
  #db: Database.Database | undefined;
  readonly #sql: SqliteStatements;
  readonly #sweeper: ExpirySweeper;
  readonly #selectMany: (contextId: string, keys: readonly string[], now: number) => FoundRow[];
  readonly #upsertMany: (contextId: string, rows: readonly Encoded[], expiresAt: number | null) => void;
  readonly #clearContext: (contextId: string, now: number) => number;
  readonly #clearAll: (now: number) => number;

  constructor(options: SqliteMemoryOptions = {}) {
    this.#options = resolveSqliteOptions(options);
    this.#ns = this.#options.namespace;
    const db = openDatabase(this.#options);
    let sql: SqliteStatements;
    try {
      sql = prepareStatements(db, this.#options.table);
    } catch (error) {
      db.close();
      throw toMemoryError(error, 'open', this.#options.path);
    }
    this.#db = db;
    this.#sql = sql;
    const ns = this.#ns;
    // One read transaction: every key is read from the same snapshot. Measured against chunked
    // `IN (...)` lists and json_each for 1,000 keys: no faster (see README), and this needs one
    // prepared statement, no padding and no variable limit.
    this.#selectMany = db.transaction((contextId: string, keys: readonly string[], now: number) => {
      const found: FoundRow[] = [];
      for (const key of new Set(keys)) {
        const row = sql.select.get(ns, contextId, key, now);
        if (row !== undefined) found.push([key, row]);
      }
      return found;
    });
    // IMMEDIATE takes the write lock up front, so a concurrent writer makes us wait (busy timeout)
    // instead of failing halfway through with a lock-upgrade error.
    this.#upsertMany = db.transaction((contextId: string, rows: readonly Encoded[], expiresAt: number | null) => {
      for (const [key, bytes] of rows) sql.upsert.run(ns, contextId, key, bytes, expiresAt);
    }).immediate;
    this.#clearContext = db.transaction((contextId: string, now: number) => {
      sql.removeExpiredInContext.run(ns, contextId, now);
      return sql.removeContext.run(ns, contextId).changes;
    }).immediate;
    this.#clearAll = db.transaction((now: number) => {
      sql.removeExpired.run(ns, now);
      return sql.removeNamespace.run(ns).changes;
    }).immediate;
    this.#sweeper = new ExpirySweeper(
      (now, limit) => sql.sweepBatch.run(ns, ns, now, limit).changes,
      this.#options.sweepIntervalMs,
    );
  }

  /** The resolved database path (`:memory:` for a private in-memory database). */
  get path(): string {
    return this.#options.path;
  }

  async loadContext<T = unknown>(key: string, contextId: string): Promise<T | undefined> {
    const entry = await this.loadEntry<T>(key, contextId);
    return entry?.value;
  }

  async loadEntry<T = unknown>(key: string, contextId: string): Promise<MemoryEntry<T> | undefined> {
    const sql = this.#live('loadEntry');
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const row = this.#run('loadEntry', () => sql.select.get(this.#ns, contextId, key, Date.now()));
    return row === undefined ? undefined : { value: decodeValue<T>(row.value), expiresAt: row.expiresAt };
  }

  async bulkLoadEntries<T = unknown>(keys: readonly string[], contextId: string): Promise<Map<string, MemoryEntry<T>>> {
    const found = this.#loadMany('bulkLoadEntries', keys, contextId);
    const entries = new Map<string, MemoryEntry<T>>();
    for (const [key, row] of found) entries.set(key, { value: decodeValue<T>(row.value), expiresAt: row.expiresAt });
    return entries;
  }

  async bulkLoad<T = unknown>(keys: readonly string[], contextId: string): Promise<Record<string, T>> {
    const found = this.#loadMany('bulkLoad', keys, contextId);
    const record = Object.create(null) as Record<string, T>;
    for (const [key, row] of found) record[key] = decodeValue<T>(row.value);
    return record;
  }

  async saveContext(key: string, contextId: string, data: unknown, options?: SaveOptions): Promise<void> {
    const sql = this.#live('saveContext');
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const expiresAt = this.#expiresAt(options);
    const bytes = serializeData(data);
    checkValueSize(bytes, this.#options.maxValueBytes);
    this.#run('saveContext', () => sql.upsert.run(this.#ns, contextId, key, bytes, expiresAt));
  }

  async bulkSave(entries: BulkEntries, contextId: string, options?: SaveOptions): Promise<void> {
    this.#live('bulkSave');
    validateId(contextId, 'contextId');
    const expiresAt = this.#expiresAt(options);
    if (entries === null || typeof entries !== 'object') {
      throw invalidArgument(`entries must be a plain object or a Map (got ${describeValue(entries)})`, { field: 'entries' });
    }
    const pairs = entries instanceof Map ? [...(entries as ReadonlyMap<string, unknown>)] : Object.entries(entries);
    // Everything is checked and encoded before the transaction: a bad entry writes nothing.
    const rows: Encoded[] = pairs.map(([key, value]) => {
      validateId(key, 'key');
      const bytes = serializeData(value);
      checkValueSize(bytes, this.#options.maxValueBytes);
      return [key, bytes];
    });
    if (rows.length === 0) return;
    this.#run('bulkSave', () => this.#upsertMany(contextId, rows, expiresAt));
  }

  async deleteContext(key: string, contextId: string): Promise<boolean> {
    const sql = this.#live('deleteContext');
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const now = Date.now();
    const expiresAt = this.#run('deleteContext', () => sql.remove.get(this.#ns, contextId, key));
    // An expired row is removed too, but it did not exist for any reader, so it does not count.
    return expiresAt !== undefined && (expiresAt === null || expiresAt > now);
  }

  async exists(key: string, contextId: string): Promise<boolean> {
    const sql = this.#live('exists');
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    return this.#run('exists', () => sql.exists.get(this.#ns, contextId, key, Date.now())) !== undefined;
  }

  /**
   * `clear(contextId)` removes one context; `clear()` with no argument removes every row of this
   * store's namespace. `clear(undefined)` is refused, so a missing id can never wipe the store.
   * Returns how many live (unexpired) rows were removed; expired ones go too, uncounted.
   */
  async clear(...args: [contextId?: string]): Promise<number> {
    this.#live('clear');
    if (args.length === 0) return this.#run('clear', () => this.#clearAll(Date.now()));
    const contextId = args[0];
    validateId(contextId, 'contextId');
    return this.#run('clear', () => this.#clearContext(contextId, Date.now()));
  }

  /** Deletes expired rows now (the timer does this every `sweepIntervalMs`); returns how many. */
  async sweepExpired(): Promise<number> {
    this.#live('sweepExpired');
    return this.#run('sweepExpired', () => this.#sweeper.sweep());
  }

  async getStats(): Promise<StoreStats> {
    const sql = this.#live('getStats');
    const db = this.#db!;
    const { path, inMemory } = this.#options;
    return this.#run('getStats', () => {
      const now = Date.now();
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const pageCount = db.pragma('page_count', { simple: true }) as number;
      return {
        backend: this.name,
        totalKeys: sql.countLive.get(this.#ns, now)!,
        expiredRows: sql.countExpired.get(this.#ns, now)!,
        path,
        table: this.#options.table,
        namespace: this.#ns,
        inMemory,
        fileSizeBytes: inMemory ? 0 : fileSize(path),
        walSizeBytes: inMemory ? 0 : fileSize(`${path}-wal`),
        pageSize,
        pageCount,
        freePages: db.pragma('freelist_count', { simple: true }) as number,
        journalMode: String(db.pragma('journal_mode', { simple: true })),
        synchronous: this.#options.synchronous,
        defaultTtl: this.#options.defaultTtl,
        sweepIntervalMs: this.#options.sweepIntervalMs,
        ...this.#sweeper.stats,
      };
    });
  }

  /** Stops the sweep timer, checkpoints the WAL into the file and closes it. Idempotent. */
  async close(): Promise<void> {
    const db = this.#db;
    if (db === undefined) return;
    this.#db = undefined;
    this.#sweeper.stop();
    this.#run('close', () => checkpointAndClose(db, this.#options.inMemory));
  }

  #live(operation: string): SqliteStatements {
    if (this.#db === undefined) {
      throw new MemoryError(ErrorCode.CLOSED, `${operation}: this SqliteMemory is closed; create a new SqliteMemory to use the database again`, {
        details: { operation },
      });
    }
    return this.#sql;
  }

  #loadMany(operation: string, keys: readonly string[], contextId: string): FoundRow[] {
    this.#live(operation);
    validateKeys(keys);
    validateId(contextId, 'contextId');
    if (keys.length === 0) return [];
    return this.#run(operation, () => this.#selectMany(contextId, keys, Date.now()));
  }

  #expiresAt(options: SaveOptions | undefined): number | null {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw invalidArgument(`options must be an object such as { ttl: 3600 } (got ${describeValue(options)})`, { field: 'options' });
    }
    const expiresAt = expiresAtFor(resolveTtl(options?.ttl, this.#options.defaultTtl));
    // TTLs near the allowed maximum overflow exact integers in milliseconds; ~285,000 years is "later".
    return expiresAt === null ? null : Math.min(expiresAt, Number.MAX_SAFE_INTEGER);
  }

  #run<T>(operation: string, action: () => T): T {
    try {
      return action();
    } catch (error) {
      const mapped = toMemoryError(error, operation, this.#options.path);
      this.#options.logger?.error({ component: 'SqliteMemory', op: operation, code: mapped.code }, 'sqlite operation failed');
      throw mapped;
    }
  }
}
