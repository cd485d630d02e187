import { existsSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteMemory } from '../src/index.js';
import { readLines, spawnFixture, waitForExit } from './child_process.js';
import { tempDirs } from './temp_dirs.js';

const dirs = tempDirs('durability');
afterAll(() => dirs.removeAll());

describe('durability', () => {
  it('every acknowledged write survives SIGKILL of the writing process (no close, no checkpoint)', async () => {
    const path = dirs.dbPath();
    const child = spawnFixture('crash_writer', [path]);
    const exited = waitForExit(child, 60_000);
    const singles: number[] = [];
    const bulks: number[] = [];
    let walBytesAtKill = -1;
    readLines(child, (line) => {
      const [word, kind, index] = line.split(' ');
      if (word !== 'ack') return;
      (kind === 'bulk' ? bulks : singles).push(Number(index));
      // Kill while the child is still writing: the next write is in flight or about to be.
      if (singles.length + bulks.length === 150) {
        walBytesAtKill = statSync(`${path}-wal`).size;
        child.kill('SIGKILL');
      }
    });
    const exit = await exited;
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    expect(singles.length).toBeGreaterThanOrEqual(130);
    expect(bulks.length).toBeGreaterThanOrEqual(14);
    // The writes were still only in the WAL: reopening must replay it, not read a checkpointed file.
    expect(walBytesAtKill).toBeGreaterThan(0);

    const store = new SqliteMemory({ path, sweepIntervalMs: 0 });
    try {
      for (const i of singles) {
        expect(await store.loadEntry(`single-${i}`, 'crash'), `single ${i}`).toEqual({
          value: { i, text: `value ${i}` },
          expiresAt: null,
        });
      }
      for (const i of bulks) {
        const keys = [0, 1, 2, 3, 4].map((j) => `bulk-${i}-${j}`);
        const loaded = await store.bulkLoad(keys, 'crash');
        expect(Object.keys(loaded).sort(), `bulk ${i}`).toEqual(keys);
        expect(loaded[`bulk-${i}-3`]).toEqual({ i, j: 3, text: `value ${i}.3` });
      }
      // At most the one in-flight write committed without its ack; a bulk is all-or-nothing, never partial.
      const stats = await store.getStats();
      const acknowledged = singles.length + bulks.length * 5;
      expect([0, 1, 5]).toContain(stats.totalKeys - acknowledged);
    } finally {
      await store.close();
    }
  });

  it('data and expiries survive close and reopen; close leaves no WAL behind', async () => {
    const path = dirs.dbPath();
    const first = new SqliteMemory({ path });
    await first.saveContext('profile', 'user-1', { name: 'Ada', since: new Date('2020-01-01T00:00:00Z') }, { ttl: null });
    await first.saveContext('session', 'user-1', 'token-ish', { ttl: 3600 });
    await first.bulkSave(new Map<string, unknown>([['a', 1], ['b', [1, 2n]], ['c', new Uint8Array([9])]]), 'user-2');
    const session = await first.loadEntry('session', 'user-1');
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    await first.close();
    expect(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0).toBe(true);

    const second = new SqliteMemory({ path });
    try {
      expect(await second.loadContext('profile', 'user-1')).toEqual({ name: 'Ada', since: new Date('2020-01-01T00:00:00Z') });
      expect(await second.loadEntry('session', 'user-1')).toEqual(session);
      expect({ ...(await second.bulkLoad(['a', 'b', 'c'], 'user-2')) }).toEqual({ a: 1, b: [1, 2n], c: new Uint8Array([9]) });
      expect((await second.getStats()).totalKeys).toBe(5);
    } finally {
      await second.close();
    }
  });

  it('the sweep timer never keeps a process alive (a store left open still lets Node exit)', async () => {
    const child = spawnFixture('open_and_exit', [dirs.dbPath()]);
    const lines: string[] = [];
    readLines(child, (line) => lines.push(line));
    const exit = await waitForExit(child, 30_000);
    expect(exit.code, exit.stderr).toBe(0);
    expect(lines).toEqual(['saved']);
  });
});
