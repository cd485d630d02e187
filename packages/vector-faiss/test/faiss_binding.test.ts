import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { VectorStore } from '@engram/vector-core';
import { createBackend, faissAvailability, loadFaiss } from '../src/index.js';
import { describeFaiss } from './support/faiss_gate.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function failure(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  return error as MemoryError;
}

/** The errors Node and the `bindings` package raise in each way the binding can be missing. */
const missing = {
  package: Object.assign(new Error("Cannot find package 'faiss-node' imported from /app/x.js"), { code: 'ERR_MODULE_NOT_FOUND' }),
  unbuilt: new Error('Could not locate the bindings file. Tried:\n → /app/node_modules/faiss-node/build/faiss-node.node'),
  libraries: new Error('libfaiss.so: cannot open shared object file: No such file or directory'),
};

describe('loading faiss-node where it is missing', () => {
  for (const [label, error] of Object.entries(missing)) {
    it(`${label}: VECTOR_DB_ERROR that says how to install the libraries`, async () => {
      const e = await failure(loadFaiss(() => Promise.reject(error)));
      expect(e.code).toBe(ErrorCode.VECTOR_DB_ERROR);
      expect(e.message).toContain('apt-get install -y libfaiss-dev libopenblas-dev');
      expect(e.message).toContain('pnpm rebuild faiss-node');
      expect(e.message).not.toContain('/app/');
      expect(e.cause).toBe(error);
    });
  }

  it('tells the three cases apart', async () => {
    const messages = await Promise.all(Object.values(missing).map((error) => failure(loadFaiss(() => Promise.reject(error)))));
    expect(messages[0]!.message).toMatch(/not installed/);
    expect(messages[1]!.message).toMatch(/never built/);
    expect(messages[2]!.message).toMatch(/system libraries cannot be loaded/);
  });

  it('refuses a module that is not faiss-node', async () => {
    expect((await failure(loadFaiss(async () => ({ default: {} })))).code).toBe(ErrorCode.VECTOR_DB_ERROR);
  });

  it('faissAvailability reports the reason instead of throwing', async () => {
    const result = await faissAvailability(() => Promise.reject(missing.unbuilt));
    expect(result.available).toBe(false);
    expect(!result.available && result.reason).toMatch(/never built/);
  });

  it('createBackend refuses unknown backendOptions before touching faiss', async () => {
    const e = await failure(createBackend({ backendOptions: { efSearch: 10 } }));
    expect(e.code).toBe(ErrorCode.CONFIG_ERROR);
    expect(e.message).toContain('"efSearch"');
  });
});

describeFaiss('VectorStore with vectorDbType "faiss"', () => {
  it('loads @engram/vector-faiss by name, stores, filters, and survives a restart', async () => {
    const storageDir = await mkdtemp(join(tmpdir(), 'engram-faiss-store-'));
    dirs.push(storageDir);
    const docs = [
      ['Natural language processing lets computers understand human language', 'ai'],
      ['Redis is an in-memory data store used as a cache', 'db'],
      ['Vector databases index embeddings for similarity search', 'db'],
      ['Reinforcement learning trains agents with rewards', 'ai'],
    ] as const;
    const store = new VectorStore({ vectorDbType: 'faiss', storageDir });
    await store.storeVectors(docs.map(([text, category]) => ({ text, metadata: { category } })));
    const [best] = await store.searchVectors('How do computers understand human language?', { k: 1 });
    expect(best!.metadata.text).toBe(docs[0][0]);
    const filtered = await store.searchVectors('databases', { k: 4, filter: { category: 'db' } });
    expect(filtered.map((r) => r.metadata.category)).toEqual(['db', 'db']);
    expect((await store.getStats()).backend).toBe('faiss');
    await store.close();

    const reopened = new VectorStore({ vectorDbType: 'faiss', storageDir });
    expect(await reopened.count()).toBe(4);
    const [again] = await reopened.searchVectors('How do computers understand human language?', { k: 1 });
    expect(again!.id).toBe(best!.id);
    await reopened.close();
  });
});
