import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { VectorStore } from '@engram/vector-core';
import { QdrantBackend, createBackend, resolveQdrantOptions } from '../src/index.js';

const SECRET = 'engram-test-secret-1a2b3c';
const spec = { name: 'engram_test_8', model: 'm', dimension: 8 };

function expectNoSecret(value: unknown): void {
  const seen = [inspect(value, { depth: 20, showHidden: true }), JSON.stringify(value, Object.getOwnPropertyNames(value ?? {}))];
  if (value instanceof Error) {
    seen.push(String(value.stack));
    let cause: unknown = value.cause;
    while (cause) {
      seen.push(inspect(cause, { depth: 20, showHidden: true }), String((cause as Error).stack));
      cause = (cause as Error).cause;
    }
  }
  for (const text of seen) expect(text).not.toContain(SECRET);
}

async function failure(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  return error as MemoryError;
}

/** A closed loopback port: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The client warns (without the key) when a key travels over plain http; keep test output clean.
let warn: ReturnType<typeof vi.spyOn>;
beforeAll(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterAll(() => {
  warn.mockRestore();
});

describe('qdrant options', () => {
  it('takes apiUrl and apiKey from the store options, the rest from backendOptions', () => {
    const resolved = resolveQdrantOptions({
      apiUrl: 'https://qdrant.example:6334/proxy/',
      apiKey: SECRET,
      backendOptions: { collectionPerContext: ['big'], batchSize: 64, hnsw: { efSearch: 256 }, timeoutMs: 1_000 },
    });
    expect(resolved).toMatchObject({
      url: 'https://qdrant.example:6334',
      prefix: '/proxy',
      displayUrl: 'https://qdrant.example:6334',
      batchSize: 64,
      hnsw: { efSearch: 256 },
      timeoutMs: 1_000,
    });
    expect([...(resolved.collectionPerContext as Set<string>)]).toEqual(['big']);
    expect(resolveQdrantOptions({})).toMatchObject({ url: 'http://localhost:6333', prefix: undefined, collectionPerContext: false, batchSize: 256 });
  });

  it('refuses bad options with CONFIG_ERROR naming the field and never the key', () => {
    for (const [options, field] of [
      [{ apiUrl: 'not a url', apiKey: SECRET }, 'apiUrl'],
      [{ apiUrl: 'ftp://host:1' }, 'apiUrl'],
      [{ apiUrl: `http://user:${SECRET}@host:1` }, 'apiUrl'],
      [{ apiKey: '' }, 'apiKey'],
      [{ backendOptions: { collectionPerContext: [''] } }, 'collectionPerContext'],
      [{ backendOptions: { batchSize: 1.5 } }, 'batchSize'],
      [{ backendOptions: { hnsw: { m: -1 } } }, 'hnsw.m'],
      [{ backendOptions: { hnsw: 'fast' } }, 'hnsw'],
      [{ backendOptions: { timeoutMs: 0 } }, 'timeoutMs'],
    ] as const) {
      let error: unknown;
      try {
        createBackend(options as never);
      } catch (e) {
        error = e;
      }
      expect(error, field).toBeInstanceOf(MemoryError);
      expect((error as MemoryError).code).toBe(ErrorCode.CONFIG_ERROR);
      expect((error as MemoryError).message).toContain(field);
      expectNoSecret(error);
    }
  });
});

describe('qdrant failures never carry the key', () => {
  it('an unreachable server is CONNECTION_ERROR', async () => {
    const backend = new QdrantBackend({ url: `http://127.0.0.1:${await closedPort()}`, apiKey: SECRET, timeoutMs: 2_000 });
    const error = await failure(backend.open(spec));
    expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
    expect(error.message).toContain('127.0.0.1');
    expectNoSecret(error);
    expectNoSecret(backend);
    expectNoSecret(await backend.stats());
  });

  it('sends the key only as the api-key header; a refusal is CONFIG_ERROR without it', async () => {
    const seen: IncomingHttpHeaders[] = [];
    // Answers 401 to everything, as a server with another key would: it implements no Qdrant API.
    const refuser = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ status: { error: 'Invalid api-key' } }));
    });
    await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
    try {
      const backend = createBackend({ apiUrl: `http://127.0.0.1:${(refuser.address() as AddressInfo).port}`, apiKey: SECRET });
      const error = await failure(backend.open(spec));
      expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
      expect(error.message).toMatch(/apiKey/);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]!['api-key']).toBe(SECRET);
      expectNoSecret(error);
      await backend.close();
    } finally {
      await new Promise((resolve) => refuser.close(resolve));
    }
  });
});

describe('qdrant backend without a server', () => {
  it('VectorStore loads this package for vectorDbType "qdrant"', async () => {
    const store = new VectorStore({ vectorDbType: 'qdrant', apiUrl: `http://127.0.0.1:${await closedPort()}`, backendOptions: { timeoutMs: 2_000 } });
    const error = await failure(store.ready());
    expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
    await store.close();
  });

  it('validates dimensions before any request, and answers CLOSED after close', async () => {
    const backend = new QdrantBackend({ url: `http://127.0.0.1:${await closedPort()}` });
    const wrong = new Float32Array(3).fill(1);
    expect((await failure(backend.upsert(spec, 'c', [{ id: 'a', vector: wrong, metadata: { text: '' } }]))).code).toBe(ErrorCode.INVALID_ARGUMENT);
    expect((await failure(backend.search(spec, 'c', wrong, { k: 1, filter: { op: 'and', children: [] } }))).code).toBe(ErrorCode.INVALID_ARGUMENT);
    await backend.close();
    await backend.close();
    expect((await failure(backend.count(spec))).code).toBe(ErrorCode.CLOSED);
    expect((await failure(backend.stats())).code).toBe(ErrorCode.CLOSED);
  });
});
