import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { ChromaClient } from 'chromadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError, type VectorFilter, type VectorMetadata } from '@engram/memory-core';
import { freePort, startChroma, type ChromaServer } from '@engram/test-servers';
import { HashingEmbedder, VectorStore, type CollectionSpec } from '@engram/vector-core';
import { matchesReference } from '@engram/vector-core/testing';
import { ChromaBackend, chromaName, createBackend } from '../src/index.js';

let server: ChromaServer;
beforeAll(async () => {
  server = await startChroma();
});
afterAll(async () => {
  await server?.stop();
});

const DIM = 8;
let sequence = 0;
const uniqueName = (label: string) => `${label}_${process.pid}_${Date.now().toString(36)}_${++sequence}`;
const axis = (i: number) => Array.from({ length: DIM }, (_, d) => (d === i % DIM ? 1 : 0.01 * d));

function storeOn(backend: ChromaBackend, collection = uniqueName('extras')): VectorStore {
  return new VectorStore({ backend, embedder: new HashingEmbedder({ dimension: DIM }), collection });
}

async function codeOf(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  return error as MemoryError;
}

describe('chroma: numeric and array edge cases against the real server', () => {
  // Values chosen where Chroma's own comparison differs from ours (it truncates a non-integer operand
  // when comparing it with integers) or where JSON changes a number's type (-0, 2^63, 1e21).
  const values: unknown[] = [
    -3, -2, -1, -0, 0, 1, 2, 3, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2 ** 53, -(2 ** 53), 2 ** 63, 1e21, -1e21, 5e-324,
    '1', '', 'x', true, false, null, undefined, ['1'], ['x', 'y'], [], [''],
  ];
  const bounds = [-2.5, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2 ** 53, 2 ** 63 - 1024, -(2 ** 63), 2 ** 64, 1e21, -1e21, 5e-324, -5e-324];
  let store: VectorStore;
  const ctx = 'edges';

  beforeAll(async () => {
    store = storeOn(new ChromaBackend({ url: server.url }));
    await store.storeVectors(
      values.map((value, i) => ({ id: `r${i}`, text: `r${i}`, vector: axis(i), metadata: (value === undefined ? {} : { n: value }) as VectorMetadata })),
      { contextId: ctx },
    );
  });
  afterAll(async () => {
    await store.close();
  });

  const expected = (filter: Record<string, unknown>) =>
    values.flatMap((value, i) => (matchesReference(value === undefined ? {} : { n: value }, filter) ? [`r${i}`] : [])).sort();

  async function check(filter: Record<string, unknown>): Promise<void> {
    const got = (await store.searchVectors('', { vector: axis(0), k: 100, contextId: ctx, filter: filter as VectorFilter })).map((r) => r.id).sort();
    expect(got, JSON.stringify(filter)).toEqual(expected(filter));
  }

  it('every comparison operator, plain and negated, agrees with the reference for every bound', async () => {
    let discriminating = 0;
    for (const bound of bounds) {
      for (const op of ['$gt', '$gte', '$lt', '$lte', '$eq', '$ne']) {
        const filter = { n: { [op]: bound } };
        const size = expected(filter).length;
        if (size > 0 && size < values.length) discriminating++;
        await check(filter);
        await check({ $not: filter });
      }
    }
    expect(discriminating).toBeGreaterThan(60);
  });

  it('equality and $in/$nin over mixed types and array members agree with the reference', async () => {
    for (const filter of [
      { n: '1' },
      { n: 1 },
      { n: true },
      { n: '' },
      { n: 'y' },
      { n: { $in: ['1', 1, true, 1.5, ''] } },
      { n: { $nin: ['1', 1, true, 1.5, ''] } },
      { n: { $in: [-0.5, 0.5, 2 ** 64, 1e21] } },
      { n: { $nin: [-0.5, 0.5, 2 ** 64, 1e21] } },
      { n: { $exists: true } },
      { n: { $exists: false } },
      { $not: { n: { $in: ['x', false] } } },
      { $or: [{ n: { $gt: 1.5 } }, { n: 'x' }, { n: { $exists: false } }] },
    ]) {
      await check(filter);
    }
  });

  it('refuses operands from 2^63 to 2^64 with INVALID_ARGUMENT (Chroma 1.0 cannot parse them in a where)', async () => {
    for (const filter of [{ n: { $gt: 2 ** 63 } }, { n: 2 ** 63 + 2048 }, { n: { $nin: [1, 2 ** 64 - 2048] } }]) {
      const error = await codeOf(store.searchVectors('', { vector: axis(0), contextId: ctx, filter }));
      expect(error.code).toBe(ErrorCode.INVALID_ARGUMENT);
    }
  });
});

describe('chroma: persistence across a server restart', () => {
  it('a new backend after restarting Chroma on the same data dir finds the same vectors', async () => {
    const own = await startChroma();
    try {
      const collection = uniqueName('restart');
      const first = storeOn(new ChromaBackend({ url: own.url }), collection);
      await first.storeVectors(
        [0, 1, 2, 3].map((i) => ({ id: `p${i}`, text: `p${i}`, vector: axis(i), metadata: { i, tags: ['t', `t${i}`], none: null } })),
        { contextId: 'a' },
      );
      await first.storeVector('other', { kind: 'b' }, { vector: axis(5), contextId: 'b', id: 'q' });
      expect(await first.deleteVectors(['p1'], 'a')).toBe(1);
      const before = await first.searchVectors('', { vector: axis(2), k: 10, contextId: 'a', filter: { tags: 't' } });
      await first.close();

      await own.restart();
      const second = storeOn(new ChromaBackend({ url: own.url }), collection);
      const after = await second.searchVectors('', { vector: axis(2), k: 10, contextId: 'a', filter: { tags: 't' } });
      expect(after.map((r) => r.id).sort()).toEqual(['p0', 'p2', 'p3']);
      expect(after).toEqual(before);
      expect(after[0]!.metadata).toEqual({ text: 'p2', i: 2, tags: ['t', 't2'], none: null });
      expect(await second.count('a')).toBe(3);
      expect(await second.count('b')).toBe(1);
      expect(await second.count()).toBe(4);
      await second.close();
    } finally {
      await own.stop();
    }
  });
});

describe('chroma: tenancy', () => {
  it('shares one collection per embedding space by default; chosen contexts get their own', async () => {
    const collection = uniqueName('tenancy');
    const store = storeOn(new ChromaBackend({ url: server.url, collectionPerContext: ['big'] }), collection);
    await store.storeVectors([0, 1, 2].map((i) => ({ text: `big${i}`, vector: axis(i) })), { contextId: 'big' });
    await store.storeVectors([0, 1].map((i) => ({ text: `small${i}`, vector: axis(i) })), { contextId: 'bi' });
    await store.storeVectors([0].map((i) => ({ text: `tiny${i}`, vector: axis(i) })), { contextId: 'b' });

    const client = new ChromaClient({ host: '127.0.0.1', port: server.port });
    const names = (await client.listCollections({ limit: 1000 })).map((c) => c.name).filter((n) => n.startsWith(collection));
    expect(names).toHaveLength(2);
    expect(names).toContain(collection);
    expect(names.find((n) => n !== collection)).toMatch(new RegExp(`^${collection}-ctx-[0-9a-f]{32}$`));
    const shared = await client.getCollection({ name: collection });
    expect(await shared.count()).toBe(3);

    expect((await store.searchVectors('', { vector: axis(0), k: 10, contextId: 'big' })).map((r) => r.metadata.text).sort()).toEqual(['big0', 'big1', 'big2']);
    expect((await store.searchVectors('', { vector: axis(0), k: 10, contextId: 'bi' })).map((r) => r.metadata.text).sort()).toEqual(['small0', 'small1']);
    expect(await store.count()).toBe(6);
    expect(await store.clear('big')).toBe(3);
    expect(await store.count('bi')).toBe(2);
    expect(await store.clear()).toBe(3);
    expect(await store.count()).toBe(0);
    await store.close();
  });

  it('collectionPerContext: true creates a context collection only on its first write', async () => {
    const collection = uniqueName('percontext');
    const store = storeOn(new ChromaBackend({ url: server.url, collectionPerContext: true }), collection);
    expect(await store.searchVectors('', { vector: axis(0), contextId: 'never-written' })).toEqual([]);
    expect(await store.count('never-written')).toBe(0);
    await store.storeVector('x', {}, { vector: axis(0), contextId: 'one' });
    const client = new ChromaClient({ host: '127.0.0.1', port: server.port });
    const names = (await client.listCollections({ limit: 1000 })).map((c) => c.name).filter((n) => n.startsWith(collection));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/-ctx-/);
    await store.close();
  });
});

describe('chroma: collection names', () => {
  it('Engram names Chroma would refuse (under 3 characters, ending in "_") get a suffix and work', async () => {
    expect(chromaName('a')).toBe('a-c');
    expect(chromaName('ab_')).toBe('ab_-c');
    expect(chromaName('engram_m_8')).toBe('engram_m_8');
    for (const collection of ['x', `z${process.pid}_`]) {
      const store = storeOn(new ChromaBackend({ url: server.url }), collection);
      await store.storeVector('short', {}, { vector: axis(0), contextId: 'c' });
      expect((await store.searchVectors('', { vector: axis(0), contextId: 'c' }))[0]!.metadata.text).toBe('short');
      expect(await store.clear()).toBe(1);
      await store.close();
    }
  });
});

describe('chroma: batching and ids', () => {
  it('splits an upsert larger than the server max batch size (5,461 on Chroma 1.0)', { timeout: 120_000 }, async () => {
    const store = storeOn(new ChromaBackend({ url: server.url, batchSize: 1_000_000 }));
    const n = 6_000;
    const ids = await store.storeVectors(
      Array.from({ length: n }, (_, i) => ({ text: `b${i}`, vector: Array.from({ length: DIM }, (_, d) => Math.sin(i * (d + 1)) + 1.1) })),
      { contextId: 'bulk' },
    );
    expect(ids).toHaveLength(n);
    expect(await store.count('bulk')).toBe(n);
    expect(await store.deleteVectors(ids.slice(0, 5_500), 'bulk')).toBe(5_500);
    expect(await store.clear('bulk')).toBe(500);
    await store.close();
  });

  it('a batch naming an id twice keeps the last, as separate writes would', async () => {
    const store = storeOn(new ChromaBackend({ url: server.url }));
    await store.storeVectors(
      [
        { id: 'dup', text: 'first', vector: axis(0) },
        { id: 'dup', text: 'second', vector: axis(1) },
      ],
      { contextId: 'dups' },
    );
    expect(await store.count('dups')).toBe(1);
    expect((await store.searchVectors('', { vector: axis(1), contextId: 'dups' }))[0]!.metadata.text).toBe('second');
    await store.close();
  });
});

describe('chroma: collections it must not write into', () => {
  it('refuses an existing collection of another dimension, distance or owner with CONFIG_ERROR', async () => {
    const name = uniqueName('dims');
    const spec = (dimension: number): CollectionSpec => ({ name, model: 'm', dimension });
    const a = new ChromaBackend({ url: server.url });
    await a.open(spec(8));
    const b = new ChromaBackend({ url: server.url });
    expect((await codeOf(b.open(spec(16)))).code).toBe(ErrorCode.CONFIG_ERROR);

    const client = new ChromaClient({ host: '127.0.0.1', port: server.port });
    const l2 = uniqueName('l2');
    await client.createCollection({ name: l2, configuration: { hnsw: { space: 'l2' } }, metadata: { 'engram:layout': 1, 'engram:dimension': 8 }, embeddingFunction: null });
    expect((await codeOf(b.open({ name: l2, model: 'm', dimension: 8 }))).message).toMatch(/cosine/);
    const foreign = uniqueName('foreign');
    await client.createCollection({ name: foreign, embeddingFunction: null });
    expect((await codeOf(b.open({ name: foreign, model: 'm', dimension: 8 }))).message).toMatch(/not created by Engram/);
    await a.close();
    await b.close();
  });
});

describe('chroma: options and secrets', () => {
  const SECRET = 'engram-test-secret-9f8e7d';

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

  it('VectorStore loads this package for vectorDbType "chroma" and stores, embeds and searches', async () => {
    const store = new VectorStore({ vectorDbType: 'chroma', apiUrl: server.url, apiKey: SECRET, collection: uniqueName('bytype') });
    await store.storeVectors([{ text: 'vector search in chroma' }, { text: 'redis keeps sessions' }], { contextId: 'c' });
    const [best] = await store.searchVectors('vector search in chroma', { contextId: 'c', k: 1 });
    expect(best!.metadata.text).toBe('vector search in chroma');
    const stats = await store.getStats();
    expect(stats.backend).toBe('chroma');
    expectNoSecret(stats);
    await store.close();
  });

  it('sends the key only in the auth header, and a refusal names neither the key nor its value', async () => {
    const seen: IncomingHttpHeaders[] = [];
    // A listener that refuses everything: it stands for a server with auth on, to see what the client sends.
    const refuser = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Unauthorized","message":"bad token"}');
    });
    await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(refuser.address() as AddressInfo).port}`;
    try {
      for (const [authHeader, header, value] of [
        ['x-chroma-token', 'x-chroma-token', SECRET],
        ['authorization', 'authorization', `Bearer ${SECRET}`],
      ] as const) {
        seen.length = 0;
        const backend = createBackend({ apiUrl: url, apiKey: SECRET, backendOptions: { authHeader } });
        const error = await codeOf(backend.open({ name: uniqueName('auth'), model: 'm', dimension: 8 }));
        expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
        expect(error.message).toMatch(/apiKey/);
        expect(seen.length).toBeGreaterThan(0);
        expect(seen[0]![header]).toBe(value);
        expectNoSecret(error);
        expectNoSecret(backend);
        expectNoSecret(await backend.stats());
        await backend.close();
      }
    } finally {
      await new Promise((resolve) => refuser.close(resolve));
    }
  });

  it('an unreachable server is CONNECTION_ERROR without the key', async () => {
    const backend = new ChromaBackend({ url: `http://127.0.0.1:${await freePort()}`, apiKey: SECRET });
    const error = await codeOf(backend.open({ name: uniqueName('down'), model: 'm', dimension: 8 }));
    expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
    expectNoSecret(error);
  });

  it('a server-side failure is VECTOR_DB_ERROR without the key', async () => {
    const name = uniqueName('gone');
    const store = new VectorStore({ backend: new ChromaBackend({ url: server.url, apiKey: SECRET }), embedder: new HashingEmbedder({ dimension: DIM }), collection: name });
    await store.storeVector('x', {}, { vector: axis(0) });
    await new ChromaClient({ host: '127.0.0.1', port: server.port }).deleteCollection({ name });
    const error = await codeOf(store.storeVector('y', {}, { vector: axis(1) }));
    expect(error.code).toBe(ErrorCode.VECTOR_DB_ERROR);
    expectNoSecret(error);
    await store.close();
  });

  it('refuses bad options with CONFIG_ERROR naming the field and never the key', () => {
    for (const [options, field] of [
      [{ apiUrl: 'not a url', apiKey: SECRET }, 'apiUrl'],
      [{ apiUrl: 'ftp://host:1' }, 'apiUrl'],
      [{ apiUrl: `http://user:${SECRET}@host:1` }, 'apiUrl'],
      [{ apiUrl: 'http://host:1/sub/path' }, 'apiUrl'],
      [{ apiKey: 42 as unknown as string }, 'apiKey'],
      [{ backendOptions: { collectionPerContext: 'yes' } }, 'collectionPerContext'],
      [{ backendOptions: { batchSize: 0 } }, 'batchSize'],
      [{ backendOptions: { hnsw: { efSearch: -1 } } }, 'efSearch'],
      [{ backendOptions: { authHeader: 'cookie' } }, 'authHeader'],
    ] as const) {
      let error: unknown;
      try {
        createBackend(options as never);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(field)).toBeInstanceOf(MemoryError);
      expect((error as MemoryError).code).toBe(ErrorCode.CONFIG_ERROR);
      expect((error as MemoryError).message).toContain(field);
      expectNoSecret(error);
    }
  });
});
