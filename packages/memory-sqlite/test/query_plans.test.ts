import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMemory } from '../src/index.js';
import { statementSql } from '../src/sqlite_schema.js';
import { tempDirs } from './temp_dirs.js';

const dirs = tempDirs('plans');
afterAll(() => dirs.removeAll());

const PK_KEY = 'USING PRIMARY KEY (ns=? AND ctx=? AND key=?)';
const PK_CONTEXT = 'USING PRIMARY KEY (ns=? AND ctx=?)';
const EXPIRY_INDEX = /USING (COVERING )?INDEX engram_memory_expires_at \(ns=\? AND expires_at<\?\)/;

/** What each statement must search: its cost depends on the rows it touches, not on the table size. */
const expected: Record<string, Array<string | RegExp>> = {
  select: [PK_KEY],
  exists: [PK_KEY],
  upsert: [],
  remove: [PK_KEY],
  removeExpiredInContext: [PK_CONTEXT],
  removeContext: [PK_CONTEXT],
  removeExpired: [EXPIRY_INDEX],
  removeNamespace: ['USING PRIMARY KEY (ns=?)'],
  sweepBatch: [PK_KEY, EXPIRY_INDEX],
  countLive: [/USING (COVERING )?INDEX engram_memory_expires_at \(ns=\?\)/],
  countExpired: [EXPIRY_INDEX],
};

describe('query plans', () => {
  it('every statement searches the primary key or the expiry index, never scans the table', async () => {
    const path = dirs.dbPath();
    const store = new SqliteMemory({ path, sweepIntervalMs: 0 });
    for (let c = 0; c < 20; c++) {
      await store.bulkSave(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])), `ctx${c}`, { ttl: c % 2 ? 1 : null });
    }
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      const sql = statementSql('engram_memory');
      expect(Object.keys(sql).sort()).toEqual(Object.keys(expected).sort());
      for (const [name, text] of Object.entries(sql)) {
        const params = new Array(text.split('?').length - 1).fill('x');
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as Array<{ detail: string }>)
          .map((row) => row.detail)
          .join(' | ');
        expect(plan, name).not.toMatch(/\bSCAN\b/);
        for (const fragment of expected[name]!) {
          if (typeof fragment === 'string') expect(plan, name).toContain(fragment);
          else expect(plan, name).toMatch(fragment);
        }
      }
    } finally {
      db.close();
    }
  });
});
