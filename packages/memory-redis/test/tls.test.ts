import { ErrorCode, MemoryError } from '@engram/memory-core';
import { createTlsCertificate, freePort, redisTlsArgs, startRedis, type RedisServer, type TlsCertificate } from '@engram/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMemory } from '../src/index.js';

const PASSWORD = 'tls-Pa55-SECRET';

describe('TLS: rediss:// to a Redis with a self-signed certificate', () => {
  let cert: TlsCertificate;
  let server: RedisServer;
  let tlsPort: number;
  beforeAll(async () => {
    cert = createTlsCertificate();
    tlsPort = await freePort();
    server = await startRedis({ args: [...redisTlsArgs(cert, tlsPort), '--requirepass', PASSWORD] });
  });
  afterAll(async () => {
    await server.stop();
    cert.remove();
  });

  it('works with the CA given in tls: { ca }, password included', async () => {
    const store = new RedisMemory({ url: `rediss://:${PASSWORD}@127.0.0.1:${tlsPort}`, tls: { ca: cert.ca }, keyPrefix: 'tls' });
    try {
      await store.saveContext('k', 'ctx', { over: 'tls' });
      expect(await store.loadContext('k', 'ctx')).toEqual({ over: 'tls' });
      expect(await store.clear('ctx')).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('refuses the self-signed server without the CA (Node verifies certificates by default)', async () => {
    const store = new RedisMemory({ url: `rediss://:${PASSWORD}@127.0.0.1:${tlsPort}`, keyPrefix: 'tls', commandTimeout: 1_000 });
    try {
      const error = await store.loadContext('k', 'ctx').then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(MemoryError);
      expect((error as MemoryError).code).toBe(ErrorCode.CONNECTION_ERROR);
      expect(JSON.stringify({ m: (error as MemoryError).message, d: (error as MemoryError).details, c: String((error as MemoryError).cause) })).not.toContain(PASSWORD);
    } finally {
      await store.close();
    }
  });

  it('plain redis:// to the TLS port fails with CONNECTION_ERROR rather than hanging', async () => {
    const store = new RedisMemory({ url: `redis://:${PASSWORD}@127.0.0.1:${tlsPort}`, keyPrefix: 'tls', commandTimeout: 500 });
    try {
      const started = Date.now();
      const error = await store.loadContext('k', 'ctx').then(() => undefined, (e: unknown) => e);
      expect((error as MemoryError).code).toBe(ErrorCode.CONNECTION_ERROR);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await store.close();
    }
  });
});
