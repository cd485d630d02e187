import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMemory, type SqliteMemoryOptions } from '../src/index.js';
import { toMemoryError } from '../src/sqlite_errors.js';
import { rawRowCount } from './raw_rows.js';
import { tempDirs } from './temp_dirs.js';

const dirs = tempDirs('errors');
afterAll(() => dirs.removeAll());

function thrown(action: () => unknown): MemoryError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    return error as MemoryError;
  }
  throw new Error('expected a MemoryError, nothing was thrown');
}

async function rejected(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  return error as MemoryError;
}

describe('options', () => {
  const bad: Array<[string, SqliteMemoryOptions]> = [
    ['path', { path: '' }],
    ['path', { path: 42 as unknown as string }],
    ['defaultTtl', { defaultTtl: 0 }],
    ['defaultTtl', { defaultTtl: 1.5 }],
    ['defaultTtl', { defaultTtl: '60' as unknown as number }],
    ['sweepIntervalMs', { sweepIntervalMs: -1 }],
    ['sweepIntervalMs', { sweepIntervalMs: 0.5 }],
    ['sweepIntervalMs', { sweepIntervalMs: 2 ** 31 }],
    ['busyTimeoutMs', { busyTimeoutMs: -5 }],
    ['busyTimeoutMs', { busyTimeoutMs: Number.NaN }],
    ['table', { table: 'my-table' }],
    ['table', { table: '1st' }],
    ['table', { table: 'sqlite_master' }],
    ['table', { table: 'a"; DROP TABLE x; --' }],
    ['table', { table: 'x'.repeat(64) }],
    ['table', { table: '' }],
    ['namespace', { namespace: '' }],
    ['namespace', { namespace: 7 as unknown as string }],
    ['synchronous', { synchronous: 'OFF' as 'FULL' }],
    ['tabel', { tabel: 'x' } as SqliteMemoryOptions],
  ];
  for (const [field, options] of bad) {
    it(`rejects ${JSON.stringify(options)} with INVALID_ARGUMENT naming ${field}`, () => {
      const error = thrown(() => new SqliteMemory({ path: ':memory:', ...options }));
      expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(error.details?.field).toBe(field);
      expect(error.message).toContain(field);
    });
  }

  it('creates the parent folders of path and reports its settings in getStats', async () => {
    const path = join(dirs.dbPath('unused'), '..', 'nested', 'deeper', 'memory.db');
    const store = new SqliteMemory({ path, synchronous: 'NORMAL', table: 'Agent_Memory_2', namespace: 'ns 1' });
    try {
      await store.bulkSave({ a: 1, b: 2 }, 'ctx');
      const stats = await store.getStats();
      expect(stats).toMatchObject({
        backend: 'sqlite',
        totalKeys: 2,
        expiredRows: 0,
        path,
        table: 'Agent_Memory_2',
        namespace: 'ns 1',
        inMemory: false,
        journalMode: 'wal',
        synchronous: 'NORMAL',
        pageSize: 4096,
      });
      expect(stats.fileSizeBytes).toBeGreaterThan(0);
      expect(stats.walSizeBytes).toBeGreaterThan(0);
      expect(stats.pageCount).toBeGreaterThan(1);
    } finally {
      await store.close();
    }
  });

  it('an in-memory store is private to its instance', async () => {
    const a = new SqliteMemory({ path: ':memory:' });
    const b = new SqliteMemory({ path: ':memory:' });
    try {
      await a.saveContext('k', 'ctx', 1);
      expect(await b.exists('k', 'ctx')).toBe(false);
      expect(await a.getStats()).toMatchObject({ inMemory: true, fileSizeBytes: 0, journalMode: 'memory', totalKeys: 1 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('backend errors become MemoryError(BACKEND_ERROR) saying what to check', () => {
  it('a file that is not a database', () => {
    const path = dirs.dbPath();
    writeFileSync(path, 'this is a text file, not a database '.repeat(200));
    const error = thrown(() => new SqliteMemory({ path }));
    expect(error.code).toBe(ErrorCode.BACKEND_ERROR);
    expect(error.details?.sqliteCode).toBe('SQLITE_NOTADB');
    expect(error.message).toMatch(/not an SQLite database/);
  });

  it('a path whose folder cannot be created', () => {
    const file = dirs.dbPath('plain-file');
    writeFileSync(file, '');
    const error = thrown(() => new SqliteMemory({ path: join(file, 'sub', 'memory.db') }));
    expect(error.code).toBe(ErrorCode.BACKEND_ERROR);
    expect(error.message).toMatch(/ENOTDIR.*folder/);
  });

  it('a write blocked by another connection fails after busyTimeoutMs, without the value or key in the message; reads go on', async () => {
    const path = dirs.dbPath();
    const store = new SqliteMemory({ path, busyTimeoutMs: 100, sweepIntervalMs: 0 });
    await store.saveContext('before', 'ctx', 1);
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      const error = await rejected(store.saveContext('secret-key', 'ctx', 'hunter2-password'));
      expect(error.code).toBe(ErrorCode.BACKEND_ERROR);
      expect(error.details?.sqliteCode).toMatch(/^SQLITE_BUSY/);
      expect(error.message).toMatch(/busyTimeoutMs/);
      expect(error.message).not.toMatch(/hunter2|secret-key/);
      expect((await rejected(store.bulkSave({ x: 1 }, 'ctx'))).code).toBe(ErrorCode.BACKEND_ERROR);
      expect((await rejected(store.clear('ctx'))).code).toBe(ErrorCode.BACKEND_ERROR);
      // WAL: readers are never blocked by a writer.
      expect(await store.loadContext('before', 'ctx')).toBe(1);
      other.exec('ROLLBACK');
      await store.saveContext('secret-key', 'ctx', 'ok');
      expect(await store.loadContext('secret-key', 'ctx')).toBe('ok');
    } finally {
      other.close();
      await store.close();
    }
  });

  it('bulkSave is one transaction: a row refused by SQLite mid-way leaves none of the batch', async () => {
    const path = dirs.dbPath();
    const store = new SqliteMemory({ path, sweepIntervalMs: 0 });
    const other = new Database(path);
    try {
      other.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON engram_memory WHEN NEW.key = 'boom'
                  BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END`);
      await store.saveContext('a', 'ctx', 'before');
      const entries = new Map<string, unknown>([['a', 'after'], ['b', 2], ['boom', 3], ['c', 4]]);
      expect((await rejected(store.bulkSave(entries, 'ctx'))).code).toBe(ErrorCode.BACKEND_ERROR);
      expect(await store.loadContext('a', 'ctx')).toBe('before');
      expect(rawRowCount(path)).toBe(1);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('a database file with corrupt pages', async () => {
    const path = dirs.dbPath();
    const setup = new SqliteMemory({ path });
    const many = new Map<string, string>();
    for (let i = 0; i < 500; i++) many.set(`k${i}`, `value ${i}`.repeat(20));
    await setup.bulkSave(many, 'ctx');
    await setup.close();
    // Keep page 1 (header and schema) and overwrite every page after it.
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 4096);
    writeFileSync(path, bytes);
    let error: MemoryError;
    try {
      const store = new SqliteMemory({ path, sweepIntervalMs: 0 });
      error = await rejected(store.bulkLoad(['k1', 'k250'], 'ctx'));
      await store.close();
    } catch (e) {
      error = e as MemoryError;
    }
    expect(error).toBeInstanceOf(MemoryError);
    expect(error.code).toBe(ErrorCode.BACKEND_ERROR);
    expect(error.details?.sqliteCode).toMatch(/^SQLITE_CORRUPT/);
    expect(error.message).toMatch(/corrupt; restore it from a backup/);
  });

  it('maps each SQLite failure class to advice on what to check', () => {
    const cases: Array<[string, RegExp]> = [
      ['SQLITE_READONLY', /read-only; check permissions/],
      ['SQLITE_READONLY_DBMOVED', /read-only/],
      ['SQLITE_FULL', /disk .* is full/],
      ['SQLITE_IOERR_WRITE', /I\/O error/],
      ['SQLITE_CANTOPEN', /cannot be opened/],
      ['SQLITE_BUSY_SNAPSHOT', /busyTimeoutMs/],
      ['SQLITE_SOMETHING_NEW', /SQLite failed \(SQLITE_SOMETHING_NEW\)/],
    ];
    for (const [code, advice] of cases) {
      const error = toMemoryError(new Database.SqliteError('native message', code), 'saveContext', '/data/memory.db');
      expect(error.code, code).toBe(ErrorCode.BACKEND_ERROR);
      expect(error.message, code).toMatch(advice);
      expect(error.message.startsWith('saveContext: ')).toBe(true);
      expect(error.details).toEqual({ operation: 'saveContext', path: '/data/memory.db', sqliteCode: code });
    }
    expect(toMemoryError(new Database.SqliteError('string or blob too big', 'SQLITE_TOOBIG'), 'saveContext', 'p').code).toBe(
      ErrorCode.INVALID_ARGUMENT,
    );
  });
});

describe('after close', () => {
  it('every method rejects with CLOSED, even with invalid arguments', async () => {
    const store = new SqliteMemory({ path: dirs.dbPath() });
    await store.close();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['loadContext', () => store.loadContext('k', 'ctx')],
      ['loadEntry', () => store.loadEntry('k', 'ctx')],
      ['bulkLoad', () => store.bulkLoad(['k'], 'ctx')],
      ['bulkLoadEntries', () => store.bulkLoadEntries([], '')],
      ['saveContext', () => store.saveContext('k', 'ctx', () => 1)],
      ['bulkSave', () => store.bulkSave({ k: 1 }, 'ctx')],
      ['deleteContext', () => store.deleteContext('k', 'ctx')],
      ['exists', () => store.exists('k', 'ctx')],
      ['clear(ctx)', () => store.clear('ctx')],
      ['clear()', () => store.clear()],
      ['getStats', () => store.getStats()],
      ['sweepExpired', () => store.sweepExpired()],
    ];
    for (const [label, call] of calls) {
      const error = await rejected(call());
      expect(error.code, label).toBe(ErrorCode.CLOSED);
      expect(error.message).toMatch(/create a new SqliteMemory/);
    }
    await store.close();
  });
});

describe('clear arguments', () => {
  it('clear(undefined) is refused (INVALID_ARGUMENT) so a missing id never wipes the store; clear() clears all', async () => {
    const store = new SqliteMemory({ path: ':memory:' });
    try {
      await store.saveContext('k', 'ctx', 1);
      const missing: string | undefined = undefined;
      expect((await rejected(store.clear(missing))).code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(await store.exists('k', 'ctx')).toBe(true);
      expect(await store.clear()).toBe(1);
      expect(await store.exists('k', 'ctx')).toBe(false);
    } finally {
      await store.close();
    }
  });
});
