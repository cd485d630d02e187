import { ErrorCode, MemoryError } from '@engram/memory-core';

/** What the caller should check, by SQLite primary result code (extended codes share the prefix). */
const ADVICE: ReadonlyArray<[prefix: string, advice: string]> = [
  ['SQLITE_BUSY', 'the database is locked by another connection or process; retry, raise busyTimeoutMs, or look for a long-running writer'],
  ['SQLITE_LOCKED', 'the table is locked by another statement on this connection; retry after it finishes'],
  ['SQLITE_FULL', 'the disk holding the database is full; free space there (see details.path) and retry'],
  ['SQLITE_CORRUPT', 'the database file is corrupt; restore it from a backup or point path at a new file'],
  ['SQLITE_NOTADB', 'the file at path is not an SQLite database; point path at a new file or the right one'],
  ['SQLITE_READONLY', 'the database file or its folder is read-only; check permissions and the mount (see details.path)'],
  ['SQLITE_CANTOPEN', 'the database file cannot be opened; check that its folder exists and is writable (see details.path)'],
  ['SQLITE_PERM', 'permission denied by the OS; check the file and folder permissions (see details.path)'],
  ['SQLITE_IOERR', 'the OS reported an I/O error; check the disk, the mount and free space (see details.path)'],
  ['SQLITE_NOMEM', 'SQLite ran out of memory; reduce bulk sizes or free memory'],
  ['SQLITE_PROTOCOL', 'WAL locking failed; check that the file is not on a network filesystem'],
];

function sqliteCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Wraps anything thrown by better-sqlite3 (or the file system) in a MemoryError. The original
 * error stays as `cause`; SQLite's own messages name tables and columns, never stored values.
 */
export function toMemoryError(error: unknown, operation: string, path: string): MemoryError {
  if (error instanceof MemoryError) return error;
  const code = sqliteCode(error);
  const details = { operation, path, sqliteCode: code ?? null };
  if (code === 'SQLITE_TOOBIG') {
    return new MemoryError(ErrorCode.INVALID_ARGUMENT, `${operation}: the value exceeds SQLite's size limit (1 GB); store smaller values`, {
      cause: error,
      details,
    });
  }
  const advice = code === undefined ? undefined : ADVICE.find(([prefix]) => code.startsWith(prefix))?.[1];
  const fsCode = code === undefined && error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const message =
    advice ??
    (typeof fsCode === 'string'
      ? `the file system refused (${fsCode}); check that the folder of path can be created and written`
      : `SQLite failed (${code ?? 'unknown error'}); see cause, and check the database file at details.path`);
  return new MemoryError(ErrorCode.BACKEND_ERROR, `${operation}: ${message}`, { cause: error, details });
}
