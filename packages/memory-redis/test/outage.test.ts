import { ErrorCode, MemoryError } from '@engram/memory-core';
import { startRedis, sleep, type RedisServer } from '@engram/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemory } from '../src/index.js';

async function failure(promise: Promise<unknown>): Promise<{ error: MemoryError; ms: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the operation to fail').toBeInstanceOf(MemoryError);
  return { error: error as MemoryError, ms: performance.now() - started };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Calls of one command the server has processed since the last CONFIG RESETSTAT. */
async function commandCalls(admin: Redis, command: string): Promise<number> {
  const info = await admin.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

async function waitUntilAnswers(store: RedisMemory, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await store.exists('probe', 'ctx').then(() => true, () => false)) return;
    await sleep(50);
  }
  throw new Error('the store did not reconnect');
}

describe('outage: a private Redis that dies and comes back', () => {
  let server: RedisServer;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis({ port: server.port, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => 100 });
    admin.on('error', () => undefined);
  });
  afterAll(async () => {
    admin.disconnect();
    await server.stop();
  });

  it('while the server is down every operation fails with CONNECTION_ERROR within commandTimeout, even 1,000 at once', async () => {
    const commandTimeout = 500;
    const store = new RedisMemory({ url: server.url, keyPrefix: 'outage', commandTimeout, circuitBreaker: false });
    try {
      await store.saveContext('k', 'ctx', 'v');
      await server.kill();
      const latencies: number[] = [];
      for (let i = 0; i < 10; i++) {
        const { error, ms } = await failure(i % 2 === 0 ? store.loadContext('k', 'ctx') : store.saveContext('k', 'ctx', i));
        expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
        expect(ms).toBeLessThan(commandTimeout + 250);
        latencies.push(ms);
      }
      // No unbounded queue: a burst issued during the outage settles within commandTimeout too.
      const started = performance.now();
      const burst = await Promise.allSettled(Array.from({ length: 1_000 }, (_, i) => store.loadContext(`k${i}`, 'ctx')));
      const burstMs = performance.now() - started;
      expect(burst.every((r) => r.status === 'rejected' && (r.reason as MemoryError).code === ErrorCode.CONNECTION_ERROR)).toBe(true);
      expect(burstMs).toBeLessThan(commandTimeout + 500);
      console.info(
        `outage latency (breaker off, commandTimeout ${commandTimeout} ms): median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms over 10 ops; 1,000 concurrent ops all failed in ${burstMs.toFixed(0)} ms`,
      );
    } finally {
      await server.restart();
      await store.close();
    }
  });

  it('the breaker opens after N connection failures, fails fast without contacting the server, probes after the cooldown and closes when the server is back', async () => {
    const store = new RedisMemory({
      url: server.url,
      keyPrefix: 'outage',
      commandTimeout: 200,
      circuitBreaker: { failureThreshold: 3, cooldownMs: 400 },
    });
    await admin.connect().catch(() => undefined);
    try {
      await store.saveContext('k', 'ctx', 'v');
      expect(store.circuitState).toBe('closed');

      // A paused server holds commands without answering: they reach it, so it can count them.
      await admin.config('RESETSTAT');
      await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
      for (let i = 0; i < 3; i++) {
        const { error } = await failure(store.loadContext('k', 'ctx'));
        expect(error.code).toBe(ErrorCode.TIMEOUT);
      }
      expect(store.circuitState).toBe('open');
      const fast: number[] = [];
      for (let i = 0; i < 50; i++) {
        const { error, ms } = await failure(store.loadContext('k', 'ctx'));
        expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
        expect(error.message).toMatch(/circuit breaker is open/);
        expect(error.message).toMatch(/next attempt reaches the server in \d+ ms/);
        expect(error.details).toMatchObject({ breaker: 'open', consecutiveFailures: 3 });
        fast.push(ms);
      }
      expect(Math.max(...fast)).toBeLessThan(50);
      await sleep(1_600);
      // The 3 timed-out GETs reached the server; the 50 rejected by the open breaker did not.
      expect(await commandCalls(admin, 'get')).toBe(3);

      // Cooldown passed and the server answers again: the probe succeeds and closes the breaker.
      expect(await store.loadContext('k', 'ctx')).toBe('v');
      expect(store.circuitState).toBe('closed');

      // Now a real outage: kill, open, fail fast, restart, close again by itself.
      await server.kill();
      for (let i = 0; i < 3; i++) expect((await failure(store.loadContext('k', 'ctx'))).error.code).toBe(ErrorCode.CONNECTION_ERROR);
      expect(store.circuitState).toBe('open');
      const { ms } = await failure(store.loadContext('k', 'ctx'));
      expect(ms).toBeLessThan(50);
      await sleep(450);
      // The probe fails (still down) and re-opens the breaker for another cooldown.
      await failure(store.loadContext('k', 'ctx'));
      expect(store.circuitState).toBe('open');
      await server.restart();
      await waitUntilAnswers(store);
      expect(store.circuitState).toBe('closed');
      await store.saveContext('k', 'ctx', 'after');
      expect(await store.loadContext('k', 'ctx')).toBe('after');
      const stats = await store.getStats();
      expect(stats.circuitBreaker).toBe('closed');
      console.info(`breaker: open → ${fast.length} fast failures, max ${Math.max(...fast).toFixed(2)} ms, 0 reached the server → closed after restart`);
    } finally {
      await store.close();
    }
  });

  it('errors that say nothing about reachability do not open the breaker', async () => {
    const store = new RedisMemory({ url: server.url, keyPrefix: 'outage', circuitBreaker: { failureThreshold: 1 } });
    try {
      for (let i = 0; i < 3; i++) await failure(store.saveContext('k', 'ctx', () => 1));
      await admin.set('outage:m:{ctx}:foreign', 'not engram data');
      for (let i = 0; i < 3; i++) expect((await failure(store.loadContext('foreign', 'ctx'))).error.code).toBe(ErrorCode.SERIALIZATION_ERROR);
      expect(store.circuitState).toBe('closed');
    } finally {
      await store.close();
    }
  });
});
