/**
 * Figures for the README. Run from packages/memory-sqlite:
 *   TSX_TSCONFIG_PATH=test/fixtures/tsconfig.json node --import tsx bench/bulk_load.ts
 * Reports medians of 7 rounds; nothing here is asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteMemory, type SqliteSynchronous } from '../src/index.js';

const ROUNDS = 7;
const dir = mkdtempSync(join(tmpdir(), 'engram-sqlite-bench-'));
const value = { name: 'Ada', tags: ['a', 'b'], score: 0.5, text: 'x'.repeat(100) };

type Case = [label: string, run: (i: number) => unknown];

/** Runs the cases round-robin, so a load spike from another process hits all of them alike. */
async function compare(calls: number, cases: Case[]): Promise<void> {
  const perCall = cases.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [, run]] of cases.entries()) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) await run(round * calls + i);
      perCall[index]!.push(Number(process.hrtime.bigint() - started) / 1e6 / calls);
    }
  }
  for (const [index, [label]] of cases.entries()) {
    const sorted = perCall[index]!.sort((a, b) => a - b);
    console.log(`  ${label.padEnd(56)} ${sorted[ROUNDS >> 1]!.toFixed(3)} ms (min ${sorted[0]!.toFixed(3)})`);
  }
}

async function bulkLoadStrategies(): Promise<void> {
  const path = join(dir, 'strategies.db');
  const store = new SqliteMemory({ path, synchronous: 'NORMAL', sweepIntervalMs: 0 });
  for (let c = 0; c < 100; c++) {
    const entries = new Map<string, unknown>();
    for (let i = 0; i < 2_000; i++) entries.set(`key${i}`, value);
    await store.bulkSave(entries, `ctx${c}`, { ttl: c % 2 ? null : 3600 });
  }
  // Every third key of 3,000 exists: 1,000 keys requested, 667 found.
  const keys = Array.from({ length: 1_000 }, (_, i) => `key${i * 3}`);
  console.log('bulkLoad of 1,000 keys (667 found), 100 contexts x 2,000 rows in the table:');

  const db = new Database(path, { readonly: true });
  const live = '(expires_at IS NULL OR expires_at > ?)';
  const one = db.prepare(`SELECT value, expires_at FROM engram_memory WHERE ns = ? AND ctx = ? AND key = ? AND ${live}`);
  const loop = db.transaction((ctx: string, now: number) => keys.filter((k) => one.get('default', ctx, k, now) !== undefined));
  const CHUNK = 500;
  const inChunk = db.prepare(
    `SELECT key, value, expires_at FROM engram_memory WHERE ns = ? AND ctx = ? AND ${live} AND key IN (${Array(CHUNK).fill('?').join(',')})`,
  );
  const chunked = (ctx: string, now: number) => {
    const rows: unknown[] = [];
    for (let i = 0; i < keys.length; i += CHUNK) rows.push(...inChunk.all('default', ctx, now, ...keys.slice(i, i + CHUNK)));
    return rows;
  };
  const viaJson = db.prepare(
    `SELECT key, value, expires_at FROM engram_memory WHERE ns = ? AND ctx = ? AND ${live} AND key IN (SELECT value FROM json_each(?))`,
  );
  const ten = keys.slice(0, 10);
  const loopTen = db.transaction((ctx: string, now: number) => ten.filter((k) => one.get('default', ctx, k, now) !== undefined));
  const in32 = db.prepare(
    `SELECT key, value, expires_at FROM engram_memory WHERE ns = ? AND ctx = ? AND ${live} AND key IN (${Array(32).fill('?').join(',')})`,
  );
  const padded = [...ten, ...new Array<string>(22).fill(ten[0]!)];
  await compare(100, [
    ['raw SQL: prepared get looped in one read transaction', (i) => loop(`ctx${i % 100}`, Date.now())],
    ['raw SQL: IN (...) in chunks of 500 variables', (i) => chunked(`ctx${i % 100}`, Date.now())],
    ['raw SQL: IN (SELECT value FROM json_each(?))', (i) => viaJson.all('default', `ctx${i % 100}`, Date.now(), JSON.stringify(keys))],
    ['SqliteMemory.bulkLoad (looped get + decode)', (i) => store.bulkLoad(keys, `ctx${i % 100}`)],
  ]);
  console.log('bulkLoad of 10 keys (7 found):');
  await compare(2_000, [
    ['raw SQL: prepared get looped in a transaction', (i) => loopTen(`ctx${i % 100}`, Date.now())],
    ['raw SQL: IN list padded to 32 variables', (i) => in32.all('default', `ctx${i % 100}`, Date.now(), ...padded)],
    ['SqliteMemory.bulkLoad (looped get + decode)', (i) => store.bulkLoad(ten, `ctx${i % 100}`)],
  ]);
  db.close();
  console.log('single key:');
  await compare(2_000, [['SqliteMemory.loadContext', (i) => store.loadContext(`key${(i * 3) % 2_000}`, `ctx${i % 100}`)]]);
  await store.close();
}

async function writes(synchronous: SqliteSynchronous): Promise<void> {
  const store = new SqliteMemory({ path: join(dir, `writes-${synchronous}.db`), synchronous, sweepIntervalMs: 0 });
  const entries = new Map<string, unknown>();
  for (let i = 0; i < 1_000; i++) entries.set(`key${i}`, value);
  console.log(`writes with synchronous = ${synchronous}:`);
  await compare(200, [['saveContext, one key (one commit each)', (i) => store.saveContext(`key${i}`, 'ctx', value)]]);
  await compare(5, [['bulkSave of 1,000 keys (one transaction)', (i) => store.bulkSave(entries, `bulk${i}`)]]);
  await store.close();
}

try {
  await bulkLoadStrategies();
  await writes('FULL');
  await writes('NORMAL');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
