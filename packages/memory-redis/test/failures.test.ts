import { inspect } from 'node:util';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemory } from '../src/index.js';
import { startRedis, type RedisServer } from '@engram/test-servers';
import { startFakeServer } from './fake_tcp_server.js';

const PASSWORD = 's3cr3t-Pa55word';

async function failure(promise: Promise<unknown>): Promise<{ error: MemoryError; ms: number }> {
  const started = Date.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the operation to fail').toBeInstanceOf(MemoryError);
  return { error: error as MemoryError, ms: Date.now() - started };
}

function expectNoSecret(error: MemoryError, secret = PASSWORD): void {
  for (const text of [error.message, JSON.stringify(error.details), String(error.cause), inspect(error, { depth: 5 })]) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}

const operations = (store: RedisMemory): Array<[string, () => Promise<unknown>]> => [
  ['loadContext', () => store.loadContext('k', 'ctx')],
  ['saveContext', () => store.saveContext('k', 'ctx', { a: 1 })],
  ['bulkSave', () => store.bulkSave({ a: 1, b: 2 }, 'ctx')],
  ['bulkLoad', () => store.bulkLoad(['a', 'b'], 'ctx')],
  ['deleteContext', () => store.deleteContext('k', 'ctx')],
  ['exists', () => store.exists('k', 'ctx')],
  ['clear(ctx)', () => store.clear('ctx')],
  ['clear()', () => store.clear()],
  ['getStats', () => store.getStats()],
];

describe('a server that is not there', () => {
  it('every operation fails with CONNECTION_ERROR within commandTimeout, naming the target without the password', async () => {
    const store = new RedisMemory({ url: `redis://engram:${PASSWORD}@127.0.0.1:1/0`, commandTimeout: 300 });
    try {
      for (const [name, run] of operations(store)) {
        const { error, ms } = await failure(run());
        expect(error.code, name).toBe(ErrorCode.CONNECTION_ERROR);
        expect(ms, name).toBeLessThan(1_000);
        expect(error.message).toContain('redis://engram:***@127.0.0.1:1/0');
        expect(error.message).toMatch(/server is running/);
        expectNoSecret(error);
      }
    } finally {
      await store.close();
    }
  });

  it('a password given as an option is not shown either', async () => {
    const store = new RedisMemory({ host: '127.0.0.1', port: 1, password: PASSWORD, commandTimeout: 300 });
    try {
      const { error } = await failure(store.saveContext('k', 'ctx', 1));
      expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
      expectNoSecret(error);
    } finally {
      await store.close();
    }
  });
});

describe('a server that accepts connections but never answers', () => {
  it('fails with CONNECTION_ERROR after about commandTimeout, not later', async () => {
    const silent = await startFakeServer('silent');
    const store = new RedisMemory({ url: `redis://:${PASSWORD}@127.0.0.1:${silent.port}`, commandTimeout: 300 });
    try {
      const { error, ms } = await failure(store.loadContext('k', 'ctx'));
      expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(1_500);
      expectNoSecret(error);
    } finally {
      await store.close();
      await silent.close();
    }
  });
});

describe('a server that does not speak Redis', () => {
  it('fails with CONNECTION_ERROR that says so', async () => {
    const http = await startFakeServer('http');
    const store = new RedisMemory({ url: `redis://127.0.0.1:${http.port}`, commandTimeout: 300 });
    try {
      const { error, ms } = await failure(store.loadContext('k', 'ctx'));
      expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
      expect(error.message).toMatch(/Redis protocol/);
      expect(ms).toBeLessThan(1_500);
    } finally {
      await store.close();
      await http.close();
    }
  });
});

describe('a private Redis with a password', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ args: ['--requirepass', PASSWORD, '--enable-debug-command', 'yes'] });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('a wrong password fails with CONNECTION_ERROR about credentials, and shows neither password', async () => {
    const wrong = 'wrong-Pa55';
    const store = new RedisMemory({ url: `redis://:${wrong}@127.0.0.1:${server.port}`, commandTimeout: 500 });
    try {
      const { error, ms } = await failure(store.saveContext('k', 'ctx', 1));
      expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
      expect(error.message).toMatch(/credentials|password/);
      expect(ms).toBeLessThan(1_500);
      expectNoSecret(error, wrong);
      expectNoSecret(error);
    } finally {
      await store.close();
    }
  });

  it('the right password works', async () => {
    const store = new RedisMemory({ url: `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server.port}` });
    try {
      await store.saveContext('k', 'ctx', { ok: true });
      expect(await store.loadContext('k', 'ctx')).toEqual({ ok: true });
    } finally {
      await store.close();
    }
  });

  it('scripts are sent again after the server forgot them (SCRIPT FLUSH)', async () => {
    const store = new RedisMemory({ url: `redis://:${PASSWORD}@127.0.0.1:${server.port}` });
    const admin = new Redis({ port: server.port, password: PASSWORD });
    try {
      await store.saveContext('k', 'ctx', 1);
      await admin.script('FLUSH');
      await store.saveContext('k', 'ctx', 2);
      await store.bulkSave({ a: 1 }, 'ctx');
      expect(await store.deleteContext('a', 'ctx')).toBe(true);
      expect(await store.loadContext('k', 'ctx')).toBe(2);
      expect(await store.clear('ctx')).toBe(1);
    } finally {
      await store.close();
      await admin.quit();
    }
  });

  it('a command the server is too busy to answer fails with TIMEOUT', async () => {
    const store = new RedisMemory({ url: `redis://:${PASSWORD}@127.0.0.1:${server.port}`, commandTimeout: 300 });
    const blocker = new Redis({ port: server.port, password: PASSWORD });
    try {
      await store.exists('k', 'ctx');
      const sleeping = blocker.call('DEBUG', 'SLEEP', '1');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { error, ms } = await failure(store.loadContext('k', 'ctx'));
      expect(error.code).toBe(ErrorCode.TIMEOUT);
      expect(error.message).toMatch(/commandTimeout/);
      expect(ms).toBeLessThan(900);
      await sleeping;
    } finally {
      await store.close();
      await blocker.quit();
    }
  });

  it('every command waiting on a paused server fails with TIMEOUT, in flight or sent later, within about commandTimeout', async () => {
    // The pool bounds commands with one watchdog, not a timer each: all of a burst must be rejected, not only the oldest.
    const store = new RedisMemory({ url: `redis://:${PASSWORD}@127.0.0.1:${server.port}`, commandTimeout: 240, poolSize: 2 });
    const admin = new Redis({ port: server.port, password: PASSWORD });
    try {
      await store.exists('k', 'ctx');
      await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
      const first = Array.from({ length: 100 }, (_, i) => failure(store.loadContext(`k${i}`, 'ctx')));
      await new Promise((resolve) => setTimeout(resolve, 120));
      const later = Array.from({ length: 20 }, (_, i) => failure(store.saveContext(`k${i}`, 'ctx', i)));
      for (const { error, ms } of await Promise.all([...first, ...later])) {
        expect(error.code).toBe(ErrorCode.TIMEOUT);
        expect(ms).toBeGreaterThanOrEqual(235);
        expect(ms).toBeLessThan(240 + 2 * 30 + 150);
      }
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      await store.close();
      await admin.quit();
    }
  });

  it('when the server dies, operations fail fast; when it is back, the same store works again', async () => {
    const store = new RedisMemory({ url: `redis://:${PASSWORD}@127.0.0.1:${server.port}`, commandTimeout: 400 });
    try {
      await store.saveContext('k', 'ctx', 'before');
      await server.kill();
      const { error, ms } = await failure(store.loadContext('k', 'ctx'));
      expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
      expect(ms).toBeLessThan(1_500);
      await server.restart();
      let recovered: unknown;
      for (let i = 0; i < 50 && recovered === undefined; i++) {
        recovered = await store.saveContext('k', 'ctx', 'after').then(
          () => 'ok',
          () => new Promise((resolve) => setTimeout(() => resolve(undefined), 100)),
        );
      }
      expect(recovered).toBe('ok');
      expect(await store.loadContext('k', 'ctx')).toBe('after');
    } finally {
      await store.close();
    }
  });
});
