import type Database from 'better-sqlite3';
import { ErrorCode, MemoryError } from '@engram/memory-core';

/** A row as read back: the codec's bytes and the absolute expiry in epoch ms (null = never). */
export interface StoredRow {
  value: Uint8Array;
  expiresAt: number | null;
}

export const COLUMNS = ['ns', 'ctx', 'key', 'value', 'expires_at'] as const;

/** The row is visible while this holds; `?` is "now" in epoch ms. */
const LIVE = '(expires_at IS NULL OR expires_at > ?)';

/**
 * One table per file (or several, by `table`), rows scoped by namespace. The primary key is the
 * b-tree key of a WITHOUT ROWID table, so (ns, ctx) is a contiguous range: loads and clear(ctx)
 * touch only that context. The (ns, expires_at) index makes sweeps and expired counts range scans.
 */
export function createSchema(db: Database.Database, table: string): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS "${table}" (
      ns TEXT NOT NULL,
      ctx TEXT NOT NULL,
      key TEXT NOT NULL,
      value BLOB NOT NULL,
      expires_at INTEGER,
      PRIMARY KEY (ns, ctx, key)
    ) WITHOUT ROWID;
  `);
  const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).join(',');
  if (columns !== COLUMNS.join(',')) {
    // An unrelated table of the same name: writing into it would corrupt someone else's data.
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      `table "${table}" already exists with other columns; choose another table name or database file`,
      { details: { field: 'table', table, expected: COLUMNS.join(','), found: columns } },
    );
  }
  db.exec(`CREATE INDEX IF NOT EXISTS "${table}_expires_at" ON "${table}" (ns, expires_at)`);
}

export interface SqliteStatements {
  /** (ns, ctx, key, now) → StoredRow | undefined */
  select: Database.Statement<[string, string, string, number], StoredRow>;
  /** (ns, ctx, key, now) → 1 | undefined */
  exists: Database.Statement<[string, string, string, number], number>;
  /** (ns, ctx, key, value, expiresAt) */
  upsert: Database.Statement<[string, string, string, Uint8Array, number | null]>;
  /** (ns, ctx, key) → the deleted row's expires_at (null = never), or undefined when absent */
  remove: Database.Statement<[string, string, string], number | null>;
  /** (ns, ctx, now) → deletes that context's expired rows */
  removeExpiredInContext: Database.Statement<[string, string, number]>;
  /** (ns, ctx) */
  removeContext: Database.Statement<[string, string]>;
  /** (ns, now) */
  removeExpired: Database.Statement<[string, number]>;
  /** (ns) */
  removeNamespace: Database.Statement<[string]>;
  /** (ns, ns, now, limit) → deletes up to `limit` expired rows */
  sweepBatch: Database.Statement<[string, string, number, number]>;
  /** (ns, now) → live row count */
  countLive: Database.Statement<[string, number], number>;
  /** (ns, now) → expired row count */
  countExpired: Database.Statement<[string, number], number>;
}

/**
 * The SQL of every statement, by name (exported so tests can check the query plans). Each one
 * searches the primary key or the (ns, expires_at) index; none scans the table.
 */
export function statementSql(table: string): Record<keyof SqliteStatements, string> {
  const t = `"${table}"`;
  return {
    select: `SELECT value, expires_at AS expiresAt FROM ${t} WHERE ns = ? AND ctx = ? AND key = ? AND ${LIVE}`,
    exists: `SELECT 1 FROM ${t} WHERE ns = ? AND ctx = ? AND key = ? AND ${LIVE}`,
    upsert: `INSERT INTO ${t} (ns, ctx, key, value, expires_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (ns, ctx, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    remove: `DELETE FROM ${t} WHERE ns = ? AND ctx = ? AND key = ? RETURNING expires_at`,
    // The unary + keeps SQLite off the expires_at index, which would walk every expired row of the
    // namespace; the primary-key range of this one context is what clear(ctx) must cost.
    removeExpiredInContext: `DELETE FROM ${t} WHERE ns = ? AND ctx = ? AND +expires_at <= ?`,
    removeContext: `DELETE FROM ${t} WHERE ns = ? AND ctx = ?`,
    removeExpired: `DELETE FROM ${t} WHERE ns = ? AND expires_at <= ?`,
    removeNamespace: `DELETE FROM ${t} WHERE ns = ?`,
    sweepBatch: `DELETE FROM ${t} WHERE ns = ? AND (ctx, key) IN
      (SELECT ctx, key FROM ${t} WHERE ns = ? AND expires_at <= ? LIMIT ?)`,
    countLive: `SELECT count(*) FROM ${t} WHERE ns = ? AND ${LIVE}`,
    countExpired: `SELECT count(*) FROM ${t} WHERE ns = ? AND expires_at <= ?`,
  };
}

/** Every statement the store runs, prepared once per connection. */
export function prepareStatements(db: Database.Database, table: string): SqliteStatements {
  const q = statementSql(table);
  return {
    select: db.prepare(q.select),
    exists: db.prepare<[string, string, string, number], number>(q.exists).pluck(),
    upsert: db.prepare(q.upsert),
    remove: db.prepare<[string, string, string], number | null>(q.remove).pluck(),
    removeExpiredInContext: db.prepare(q.removeExpiredInContext),
    removeContext: db.prepare(q.removeContext),
    removeExpired: db.prepare(q.removeExpired),
    removeNamespace: db.prepare(q.removeNamespace),
    sweepBatch: db.prepare(q.sweepBatch),
    countLive: db.prepare<[string, number], number>(q.countLive).pluck(),
    countExpired: db.prepare<[string, number], number>(q.countExpired).pluck(),
  };
}
