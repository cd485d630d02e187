import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import type { ResolvedSqliteOptions } from './sqlite_options.js';
import { toMemoryError } from './sqlite_errors.js';
import { createSchema } from './sqlite_schema.js';

/** Caps the WAL file left on disk after a checkpoint; without it the WAL keeps its high-water size. */
const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Opens the database with the pragmas that define our durability: WAL, so readers never block
 * the writer and a commit is one append; `synchronous` FULL (fsync on every commit) or NORMAL
 * (fsync at checkpoints). Creates the parent folder and the schema. Throws MemoryError.
 */
export function openDatabase(options: ResolvedSqliteOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (!options.inMemory) mkdirSync(dirname(resolve(options.path)), { recursive: true });
    db = new Database(options.path, { timeout: options.busyTimeoutMs });
    if (!options.inMemory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') {
        throw new MemoryError(
          ErrorCode.BACKEND_ERROR,
          'open: SQLite could not switch the file to WAL mode; put the database on a local filesystem (not a network share)',
          { details: { path: options.path, journalMode: String(mode) } },
        );
      }
    }
    db.pragma(`synchronous = ${options.synchronous}`);
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
    createSchema(db, options.table);
    return db;
  } catch (error) {
    db?.close();
    throw toMemoryError(error, 'open', options.path);
  }
}

/**
 * Folds the WAL back into the database file and truncates it, so a closed store leaves one
 * self-contained file. Another connection still reading keeps the WAL alive: that is fine,
 * SQLite finishes the checkpoint when the last connection closes.
 */
export function checkpointAndClose(db: Database.Database, inMemory: boolean): void {
  try {
    if (!inMemory) db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
