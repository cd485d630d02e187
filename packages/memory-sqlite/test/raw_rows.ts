import Database from 'better-sqlite3';

/**
 * Counts rows straight from the file through a second connection, bypassing the store's own
 * expiry filter: what is physically there, expired or not.
 */
export function rawRowCount(path: string, where = '1 = 1', params: unknown[] = [], table = 'engram_memory'): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM "${table}" WHERE ${where}`).pluck().get(...params) as number;
  } finally {
    db.close();
  }
}
