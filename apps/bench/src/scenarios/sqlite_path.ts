import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryManager } from '@engram/memory-cache';
import { deserializeData, serializeData } from '@engram/memory-utils';
import { BENCH_TTL, tempSqliteMemory } from '../bench_stores.js';
import { agentRecord } from '../fixtures/agent_record.js';
import { compare, type CompareOptions } from '../harness.js';
import { pick, type Scenario } from '../scenario.js';

const KEY = 'profile';
const CTX = 'user-42';

/**
 * The embedded default (SqliteMemory, no server): load / save through MemoryManager with L1
 * bypassed against raw better-sqlite3 prepared statements on the same schema and pragmas
 * and index (WAL, synchronous FULL: every save is an fsync'd commit, as users get by default), with and
 * without the same decode / encode. No target in the issue: the figures say what the default costs.
 */
export const sqlitePathScenario: Scenario = {
  name: 'sqlite-path',
  title: 'SQLite-path load / save vs raw better-sqlite3',
  plan: (quick) => ({ seconds: quick ? 5 : 15, steps: 3 }),
  async run(ctx) {
    const record = agentRecord();
    const sqlite = await tempSqliteMemory();
    const manager = new MemoryManager(sqlite.store, undefined, { cacheSize: 1_000 });
    const db = new Database(join(sqlite.dir, 'raw.db'));
    try {
      ctx.step('sqlite-path: preparing');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(`CREATE TABLE kv (ns TEXT NOT NULL, ctx TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, expires_at INTEGER,
        PRIMARY KEY (ns, ctx, key)) WITHOUT ROWID;
        CREATE INDEX kv_expires_at ON kv (ns, expires_at)`);
      const select = db.prepare<[string, string, string, number], { value: Buffer }>(
        'SELECT value FROM kv WHERE ns = ? AND ctx = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)',
      );
      const upsert = db.prepare<[string, string, string, Uint8Array, number]>(
        'INSERT INTO kv (ns, ctx, key, value, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (ns, ctx, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
      );
      const bytes = serializeData(record);
      const expiry = () => Date.now() + BENCH_TTL * 1000;
      upsert.run('default', CTX, KEY, bytes, expiry());
      await manager.save(KEY, CTX, record, { ttl: BENCH_TTL });
      const options: CompareOptions = {
        rounds: pick(ctx, 20, 6),
        warmupRounds: 2,
        opsPerRound: pick(ctx, 200, 100),
        mode: 'per-op',
        onRound: () => ctx.status('sqlite-path: timing rounds'),
      };

      ctx.step('sqlite-path: load');
      const load = await compare(
        [
          { name: 'manager', op: () => manager.load(KEY, CTX, { useCache: false }) },
          { name: 'store', op: () => sqlite.store.loadContext(KEY, CTX) },
          { name: 'raw', op: () => select.get('default', CTX, KEY, Date.now()) },
          { name: 'raw+decode', op: () => deserializeData(select.get('default', CTX, KEY, Date.now())!.value) },
        ],
        options,
      );
      const r = ctx.recorder;
      r.row({ measurement: 'load from SQLite (L1 bypassed)', ours: load.timing('manager'), baseline: 'raw SELECT + decode', raw: load.timing('raw+decode'), ratio: load.ratio('manager', 'raw+decode') });
      r.row({ measurement: 'load from SQLite', ours: load.timing('manager'), baseline: 'raw SELECT of the same bytes', raw: load.timing('raw'), ratio: load.ratio('manager', 'raw') });
      r.row({ measurement: 'SqliteMemory.loadContext (store alone)', ours: load.timing('store'), baseline: 'raw SELECT + decode', raw: load.timing('raw+decode'), ratio: load.ratio('store', 'raw+decode') });

      ctx.step('sqlite-path: save');
      const save = await compare(
        [
          { name: 'manager', op: () => manager.save(KEY, CTX, record, { ttl: BENCH_TTL }) },
          { name: 'store', op: () => sqlite.store.saveContext(KEY, CTX, record, { ttl: BENCH_TTL }) },
          { name: 'raw', op: () => upsert.run('default', CTX, KEY, bytes, expiry()) },
          { name: 'raw+encode', op: () => upsert.run('default', CTX, KEY, serializeData(record), expiry()) },
        ],
        options,
      );
      r.row({
        measurement: 'save to SQLite (fsync per commit)',
        ours: save.timing('manager'),
        baseline: 'raw UPSERT + encode',
        raw: save.timing('raw+encode'),
        ratio: save.ratio('manager', 'raw+encode'),
      });
      r.row({ measurement: 'SqliteMemory.saveContext (store alone)', ours: save.timing('store'), baseline: 'raw UPSERT + encode', raw: save.timing('raw+encode'), ratio: save.ratio('store', 'raw+encode') });
    } finally {
      db.close();
      await manager.close();
      await sqlite.dispose();
    }
  },
};
