import { randomUUID } from 'node:crypto';
import { RedisInvalidationBus, RedisMemory } from '@engram/memory-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryManager } from '../src/index.js';
import { spawnFixture, type Child } from './child_process.js';
import { sleep } from './support.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The documented bound: after a write returns, no other manager serves the old value from L1 for longer. */
const COHERENCE_BOUND_MS = 100;
const now = () => performance.timeOrigin + performance.now();

let raw: Redis;
const prefixes: string[] = [];
const freshPrefix = (label: string) => {
  const prefix = `${label}:${randomUUID()}`;
  prefixes.push(prefix);
  return prefix;
};

beforeAll(() => {
  raw = new Redis(REDIS_URL);
});
afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await raw.keys(`${prefix}:*`);
    if (keys.length > 0) await raw.unlink(...keys);
  }
  raw.disconnect();
});

async function startAll(children: Child[]): Promise<void> {
  await Promise.all(children.map((child) => child.line(/^ready$/, 60_000)));
}

describe('invalidation bus across two processes', () => {
  it(`another process stops serving the old value within ${COHERENCE_BOUND_MS} ms of each write (50 writes)`, async () => {
    const keyPrefix = freshPrefix('coherence');
    const writer = new MemoryManager(new RedisMemory({ url: REDIS_URL, keyPrefix }), null, {
      bus: new RedisInvalidationBus({ url: REDIS_URL, keyPrefix }),
    });
    await writer.save('k', 'ctx', 0);
    const reader = spawnFixture('coherence_reader', [REDIS_URL, keyPrefix, 'ctx', 'bus']);
    try {
      await startAll([reader]);
      await reader.line(/^value 0 /);
      const latencies: number[] = [];
      for (let i = 1; i <= 50; i++) {
        const sent = now();
        await writer.save('k', 'ctx', i);
        const seen = Number((await reader.line(new RegExp(`^value ${i} `), 10_000)).split(' ')[2]);
        latencies.push(seen - sent);
        // Let the reader serve the new value from L1 for a while before the next write.
        await sleep(5 + (i % 4) * 5);
      }
      reader.send('stop');
      const [, hits, loads] = (await reader.line(/^stats /)).split(' ').map(Number);
      await reader.exit();
      // The reader really served from L1 (otherwise coherence would be trivial): many more hits than store reads.
      expect(hits!).toBeGreaterThan(3 * loads!);
      latencies.sort((a, b) => a - b);
      const median = latencies[Math.floor(latencies.length / 2)]!;
      const max = latencies[latencies.length - 1]!;
      console.log(`bus invalidation latency over 50 writes: median ${median.toFixed(2)} ms, p90 ${latencies[44]!.toFixed(2)} ms, max ${max.toFixed(2)} ms`);
      expect(max, `slowest of 50 invalidations took ${max.toFixed(1)} ms (median ${median.toFixed(1)} ms); the documented bound is ${COHERENCE_BOUND_MS} ms`).toBeLessThan(COHERENCE_BOUND_MS);
    } finally {
      reader.process.kill();
      await writer.close();
    }
  });

  it('control: without a bus the other process keeps serving the old value from L1', async () => {
    const keyPrefix = freshPrefix('coherence');
    const writer = new MemoryManager(new RedisMemory({ url: REDIS_URL, keyPrefix }));
    await writer.save('k', 'ctx', 'old');
    const reader = spawnFixture('coherence_reader', [REDIS_URL, keyPrefix, 'ctx', 'none']);
    try {
      await startAll([reader]);
      await reader.line(/^value old /);
      await writer.save('k', 'ctx', 'new');
      await sleep(400);
      expect(reader.lines.filter((line) => line.startsWith('value new'))).toEqual([]);
      reader.send('stop');
      await reader.exit();
    } finally {
      reader.process.kill();
      await writer.close();
    }
  });
});

describe('AsyncLock across two processes', () => {
  it('2 processes × 50 locked read-modify-write increments → exactly 100', async () => {
    const keyPrefix = freshPrefix('counter');
    const children = [0, 1].map(() => spawnFixture('lock_counter', [REDIS_URL, keyPrefix, '50', 'lock']));
    try {
      await startAll(children);
      for (const child of children) child.send('go');
      await Promise.all(children.map((child) => child.line(/^done$/, 120_000)));
      await Promise.all(children.map((child) => child.exit()));
      const total = Number(await raw.get(`${keyPrefix}:counter`));
      console.log(`lock counter: 2 processes × 50 locked increments → ${total}`);
      expect(total).toBe(100);
    } finally {
      for (const child of children) child.process.kill();
    }
  });

  it('control: the same increments without the lock lose updates', async () => {
    const keyPrefix = freshPrefix('counter');
    const children = [0, 1].map(() => spawnFixture('lock_counter', [REDIS_URL, keyPrefix, '30', 'none']));
    try {
      await startAll(children);
      for (const child of children) child.send('go');
      await Promise.all(children.map((child) => child.exit(60_000)));
      expect(Number(await raw.get(`${keyPrefix}:counter`))).toBeLessThan(60);
    } finally {
      for (const child of children) child.process.kill();
    }
  });
});

describe('withCache({ distributed: true }) across two processes', () => {
  const run = async (mode: string) => {
    const keyPrefix = freshPrefix('once');
    const children = [0, 1].map(() => spawnFixture('distributed_with_cache', [REDIS_URL, keyPrefix, mode]));
    try {
      await startAll(children);
      for (const child of children) child.send('go');
      const results = await Promise.all(children.map(async (child) => JSON.parse((await child.line(/^results /, 60_000)).slice(8)) as number[]));
      await Promise.all(children.map((child) => child.exit()));
      return { runs: Number(await raw.get(`${keyPrefix}:runs`)), results: results.flat() };
    } finally {
      for (const child of children) child.process.kill();
    }
  };

  it('2 processes × 20 concurrent calls on one cold key → fn ran once, all 40 got its result', async () => {
    const { runs, results } = await run('distributed');
    console.log(`withCache distributed: 2 processes × 20 calls → fn ran ${runs} time(s)`);
    expect(runs).toBe(1);
    expect(results).toHaveLength(40);
    expect(new Set(results).size).toBe(1);
  });

  it('control: without distributed, each process runs fn once', async () => {
    const { runs } = await run('local');
    expect(runs).toBe(2);
  });
});
