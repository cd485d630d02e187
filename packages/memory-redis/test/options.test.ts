import { ErrorCode, MemoryError } from '@engram/memory-core';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisMemory, getConnectionManager, type RedisMemoryOptions } from '../src/index.js';

afterEach(async () => {
  await getConnectionManager().closeAll();
});

function refusal(options: unknown): MemoryError {
  try {
    new RedisMemory(options as RedisMemoryOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    return error as MemoryError;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe('options are validated with INVALID_ARGUMENT naming the field', () => {
  const bad: Array<[string, unknown]> = [
    ['url', { url: 'http://127.0.0.1:6379' }],
    ['url', { url: 'not a url' }],
    ['url', { url: '' }],
    ['url', { url: 'redis://127.0.0.1:6379/zero' }],
    ['url', { url: 'redis://127.0.0.1:6379/0?family=6' }],
    ['host', { host: '' }],
    ['port', { port: 0 }],
    ['port', { port: 65_536 }],
    ['port', { port: 63.5 }],
    ['port', { port: '6379' }],
    ['db', { db: -1 }],
    ['db', { db: 1.5 }],
    ['username', { username: '' }],
    ['password', { password: 42 }],
    ['tls', { tls: 'yes' }],
    ['tls', { url: 'rediss://cache.example:6380', tls: false }],
    ['keyPrefix', { keyPrefix: '' }],
    ['keyPrefix', { keyPrefix: 'a{b}' }],
    ['keyPrefix', { keyPrefix: 7 }],
    ['defaultTtl', { defaultTtl: 0 }],
    ['defaultTtl', { defaultTtl: 1.5 }],
    ['commandTimeout', { commandTimeout: 0 }],
    ['commandTimeout', { commandTimeout: Number.POSITIVE_INFINITY }],
    ['connectTimeout', { connectTimeout: -5 }],
    ['poolSize', { poolSize: 0 }],
    ['poolSize', { poolSize: 65 }],
    ['prefix', { prefix: 'engram' }],
    ['options', 'redis://127.0.0.1:6379'],
  ];
  for (const [field, options] of bad) {
    it(`${field}: ${JSON.stringify(options)}`, () => {
      const error = refusal(options);
      expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
      expect(error.details?.field).toBe(field);
      expect(error.message).toContain(field === 'options' ? 'options' : field);
    });
  }

  it('a refused url is not echoed: it may hold a password', () => {
    for (const url of ['redis://user:hunter2@host:6379/abc', 'redis://user:hunter2@host:6379/0?x=1', 'redis://user:%E0%A4%A@host']) {
      const error = refusal({ url });
      expect(error.details?.field).toBe('url');
      expect(error.message).not.toContain('hunter2');
    }
  });

  it('opens no connection when options are refused', () => {
    refusal({ url: 'redis://127.0.0.1:6379', poolSize: 0 });
    expect(getConnectionManager().pools()).toEqual([]);
  });
});

describe('connection options', () => {
  const targets = () => getConnectionManager().pools().map((p) => p.target);

  it('reads user, password, host, port and db from the url, and hides the password', async () => {
    const store = new RedisMemory({ url: 'redis://app:p%40ss@127.0.0.1:6390/3', commandTimeout: 100 });
    expect(targets()).toEqual(['redis://app:***@127.0.0.1:6390/3']);
    await store.close();
  });

  it('explicit fields override the parts of the url', async () => {
    const store = new RedisMemory({ url: 'redis://127.0.0.1:6379/3', db: 4, port: 6391, password: 'x' });
    expect(targets()).toEqual(['redis://:***@127.0.0.1:6391/4']);
    await store.close();
  });

  it('rediss:// and tls: true both mean TLS, and share one pool', async () => {
    const a = new RedisMemory({ url: 'rediss://127.0.0.1:6392', commandTimeout: 100 });
    const b = new RedisMemory({ host: '127.0.0.1', port: 6392, tls: true, commandTimeout: 100 });
    expect(getConnectionManager().pools()).toEqual([{ target: 'rediss://127.0.0.1:6392/0', connections: 1, references: 2 }]);
    await a.close();
    await b.close();
  });

  it('defaults: 127.0.0.1:6379 db 0, prefix engram, one day TTL', async () => {
    const store = new RedisMemory();
    expect(targets()).toEqual(['redis://127.0.0.1:6379/0']);
    expect(store.keyPrefix).toBe('engram');
    expect(store.defaultTtl).toBe(86_400);
    expect(store.name).toBe('redis');
    await store.close();
  });
});
