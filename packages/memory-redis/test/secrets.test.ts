import { inspect } from 'node:util';
import { MemoryError } from '@engram/memory-core';
import { startRedis, sleep, type RedisServer } from '@engram/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemory, getConnectionManager } from '../src/index.js';

/** Distinctive strings that must never show up in anything an error carries. */
const PASSWORD = 'Pw-9f3c1e-NEVER-SHOW';
const VALUE_SECRET = 'Val-77ab2d-NEVER-SHOW';

/** Every way an error can be looked at: message, details, the cause chain, String, JSON, inspect. */
function renderings(error: unknown): string[] {
  const out: string[] = [String(error), JSON.stringify(error), inspect(error, { depth: 10, showHidden: true })];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) {
      out.push(current.message, String(current.stack), JSON.stringify((current as MemoryError).details ?? null));
      out.push(JSON.stringify(Object.fromEntries(Object.entries(current))));
      current = current.cause;
    } else {
      out.push(String(current), JSON.stringify(current));
      current = undefined;
    }
  }
  return out;
}

const seen = new Map<string, string>();

async function expectSecretFree(label: string, promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, label).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code, label).toBe(code);
  for (const text of renderings(error)) {
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), VALUE_SECRET]) {
      expect(text, `${label} leaked a secret`).not.toContain(secret);
    }
  }
  seen.set(label, code);
}

describe('errors never carry values or passwords', () => {
  let server: RedisServer;
  let admin: Redis;
  const url = () => `redis://engram:${PASSWORD}@127.0.0.1:${server.port}/0`;
  const secretValue = { note: VALUE_SECRET, list: [VALUE_SECRET] };

  beforeAll(async () => {
    server = await startRedis({ args: ['--requirepass', PASSWORD] });
    admin = new Redis({ port: server.port, password: PASSWORD, maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
    await admin.call('ACL', 'SETUSER', 'engram', 'on', `>${PASSWORD}`, '~allowed:*', '+@all');
  });
  afterAll(async () => {
    await getConnectionManager().closeAll();
    admin.disconnect();
    await server.stop();
    // The list of paths actually exercised, so a silently skipped one is visible.
    expect([...seen.keys()].sort()).toEqual(
      ['NOPERM', 'breaker open', 'corrupt value', 'down', 'size limit', 'timeout', 'unserializable', 'wrong password'].sort(),
    );
  });

  it('wrong password', async () => {
    const store = new RedisMemory({ url: `redis://engram:${PASSWORD}x@127.0.0.1:${server.port}/0`, commandTimeout: 500 });
    await expectSecretFree('wrong password', store.saveContext('k', 'ctx', secretValue), 'CONNECTION_ERROR');
    await store.close();
  });

  it('NOPERM, unserializable, size limit, corrupt value, timeout', async () => {
    const denied = new RedisMemory({ url: url(), keyPrefix: 'denied', commandTimeout: 500 });
    await expectSecretFree('NOPERM', denied.saveContext('k', 'ctx', secretValue), 'BACKEND_ERROR');
    await denied.close();

    const store = new RedisMemory({ url: url(), keyPrefix: 'allowed', commandTimeout: 300, maxValueBytes: 100 });
    await expectSecretFree('unserializable', store.saveContext('k', 'ctx', { note: VALUE_SECRET, fn: () => VALUE_SECRET }), 'SERIALIZATION_ERROR');
    await expectSecretFree('size limit', store.bulkSave({ a: VALUE_SECRET.repeat(10) }, 'ctx'), 'INVALID_ARGUMENT');
    // Valid header, JSON tag, then a truncated document holding the secret.
    const corrupt = Buffer.concat([Buffer.from([0xf8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0xf5]), Buffer.from(`{"note":"${VALUE_SECRET}`)]);
    await admin.set('allowed:m:{ctx}:bad', corrupt);
    await expectSecretFree('corrupt value', store.loadContext('bad', 'ctx'), 'SERIALIZATION_ERROR');
    await admin.call('CLIENT', 'PAUSE', '600', 'WRITE');
    await expectSecretFree('timeout', store.saveContext('k', 'ctx', { n: VALUE_SECRET }), 'TIMEOUT');
    await sleep(700);
    await store.close();
  });

  it('server down, then breaker open', async () => {
    const store = new RedisMemory({ url: url(), keyPrefix: 'allowed', commandTimeout: 300, circuitBreaker: { failureThreshold: 1, cooldownMs: 60_000 } });
    await store.saveContext('k', 'ctx', 1);
    await server.kill();
    await expectSecretFree('down', store.saveContext('k', 'ctx', secretValue), 'CONNECTION_ERROR');
    await expectSecretFree('breaker open', store.saveContext('k', 'ctx', secretValue), 'CONNECTION_ERROR');
    await server.restart();
    await store.close();
  });
});
