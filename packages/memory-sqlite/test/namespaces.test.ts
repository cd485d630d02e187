import Database from 'better-sqlite3';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMemory } from '../src/index.js';
import { rawRowCount } from './raw_rows.js';
import { tempDirs } from './temp_dirs.js';

const dirs = tempDirs('namespaces');
afterAll(() => dirs.removeAll());

describe('sharing one file', () => {
  it('two namespaces in one file and table never see, count, clear or sweep each other', async () => {
    const path = dirs.dbPath();
    // Namespaces are data: these would collide if they were ever used as LIKE or GLOB patterns.
    const a = new SqliteMemory({ path, namespace: 'team%', sweepIntervalMs: 0 });
    const b = new SqliteMemory({ path, namespace: 'team_a', sweepIntervalMs: 0 });
    const c = new SqliteMemory({ path, namespace: 'team*', sweepIntervalMs: 0 });
    try {
      await a.saveContext('k', 'ctx', 'A');
      await b.saveContext('k', 'ctx', 'B');
      await c.bulkSave({ k: 'C', only: 1 }, 'ctx');
      await b.saveContext('gone', 'ctx', 'x', { ttl: 1 });
      expect(await a.loadContext('k', 'ctx')).toBe('A');
      expect(await b.loadContext('k', 'ctx')).toBe('B');
      expect(await a.exists('only', 'ctx')).toBe(false);
      expect({ ...(await a.bulkLoad(['k', 'only'], 'ctx')) }).toEqual({ k: 'A' });
      expect((await a.getStats()).totalKeys).toBe(1);
      expect((await c.getStats()).totalKeys).toBe(2);

      expect(await a.deleteContext('only', 'ctx')).toBe(false);
      expect(await c.exists('only', 'ctx')).toBe(true);
      expect(await a.clear('ctx')).toBe(1);
      expect(await b.loadContext('k', 'ctx')).toBe('B');
      expect(await c.clear()).toBe(2);
      expect(await b.loadContext('k', 'ctx')).toBe('B');

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await a.sweepExpired()).toBe(0);
      expect(rawRowCount(path, 'ns = ?', ['team_a'])).toBe(2);
      expect(await b.sweepExpired()).toBe(1);
      expect(rawRowCount(path)).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('two tables in one file are isolated; clear() of one leaves the other', async () => {
    const path = dirs.dbPath();
    const a = new SqliteMemory({ path, table: 'agent_a' });
    const b = new SqliteMemory({ path, table: 'agent_b' });
    try {
      await a.bulkSave({ x: 1, y: 2 }, 'ctx');
      await b.saveContext('x', 'ctx', 'b');
      expect(await a.clear()).toBe(2);
      expect(await b.loadContext('x', 'ctx')).toBe('b');
      expect(rawRowCount(path, '1 = 1', [], 'agent_b')).toBe(1);
      expect((await b.getStats()).table).toBe('agent_b');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses a table of the same name with other columns (CONFIG_ERROR) and leaves it untouched', () => {
    const path = dirs.dbPath();
    const other = new Database(path);
    other.exec('CREATE TABLE engram_memory (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO engram_memory (note) VALUES (\'mine\')');
    other.close();
    let error: unknown;
    try {
      new SqliteMemory({ path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.CONFIG_ERROR);
    expect((error as MemoryError).message).toMatch(/choose another table name/);
    expect(rawRowCount(path, 'note = ?', ['mine'])).toBe(1);
  });
});
