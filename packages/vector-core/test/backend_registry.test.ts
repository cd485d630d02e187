import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import {
  MemoryBackend,
  VectorStore,
  registerBackend,
  registeredBackends,
  unregisterBackend,
  type VectorBackendOptions,
} from '../src/index.js';
import { setModuleImporter } from '../src/backend_registry.js';

async function errorOf(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  return error as MemoryError;
}

afterEach(() => {
  setModuleImporter(undefined);
  for (const name of registeredBackends()) unregisterBackend(name);
});

describe('backend registry', () => {
  it('new VectorStore() uses the built-in memory backend', async () => {
    const store = new VectorStore();
    await store.ready();
    expect((await store.getStats()).backend).toBe('memory');
    await store.close();
  });

  for (const name of ['hnsw', 'faiss', 'chroma', 'qdrant']) {
    it(`vectorDbType "${name}" without its package fails with CONFIG_ERROR naming @engram/vector-${name}`, async () => {
      // In this workspace the packages exist; make the import fail exactly as Node does when one is not installed.
      setModuleImporter(async (specifier) => {
        throw Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/node_modules/@engram/vector-core/dist/index.js`), {
          code: 'ERR_MODULE_NOT_FOUND',
        });
      });
      const store = new VectorStore({ vectorDbType: name, apiKey: 'sk-very-secret', apiUrl: 'http://127.0.0.1:1' });
      const error = await errorOf(store.ready());
      expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
      expect(error.message).toContain(`pnpm add @engram/vector-${name}`);
      expect(error.message).not.toContain('sk-very-secret');
      // Every later call reports the same reason.
      expect((await errorOf(store.searchVectors('q'))).code).toBe(ErrorCode.CONFIG_ERROR);
      await store.close();
    });
  }

  it('in plain Node, where vector-core does not depend on the backend packages, they are reported as not installed', () => {
    const src = fileURLToPath(new URL('../src/backend_registry.ts', import.meta.url));
    const script = `import { loadBackend } from ${JSON.stringify(src)};
      loadBackend('no-such-backend', {}).then(() => console.log('loaded'), (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout.trim());
    expect(result.code).toBe(ErrorCode.CONFIG_ERROR);
    expect(result.message).toContain('pnpm add @engram/vector-no-such-backend');
  });

  it('a package that is installed but misses one of its own dependencies is not reported as missing', async () => {
    setModuleImporter(async () => {
      throw Object.assign(new Error("Cannot find package 'faiss-node' imported from /app/node_modules/@engram/vector-faiss/dist/index.js"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    });
    expect((await errorOf(new VectorStore({ vectorDbType: 'faiss' }).ready())).code).toBe(ErrorCode.VECTOR_DB_ERROR);
  });

  it('an unregistered unknown name suggests registerBackend too', async () => {
    const error = await errorOf(new VectorStore({ vectorDbType: 'my-db' }).ready());
    expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
    expect(error.message).toContain('@engram/vector-my-db');
    expect(error.message).toContain('registerBackend');
  });

  it('refuses names that are not plain backend names', async () => {
    for (const name of ['', 'HNSW', '../evil', '@scope/pkg', 'a b']) {
      expect((await errorOf(new VectorStore({ vectorDbType: name }).ready())).code).toBe(ErrorCode.CONFIG_ERROR);
    }
  });

  it('a backend registered at runtime is used, and receives the store options', async () => {
    const seen: VectorBackendOptions[] = [];
    registerBackend('custom', (options) => {
      seen.push(options);
      return new MemoryBackend();
    });
    expect(registeredBackends()).toContain('custom');
    const store = new VectorStore({ vectorDbType: 'custom', apiUrl: 'http://x', apiKey: 'k', storageDir: '/tmp/none', backendOptions: { m: 16 } });
    const id = await store.storeVector('hello', { a: 1 });
    expect((await store.searchVectors('hello'))[0]!.id).toBe(id);
    expect(seen).toEqual([{ apiUrl: 'http://x', apiKey: 'k', storageDir: '/tmp/none', backendOptions: { m: 16 } }]);
    await store.close();
  });

  it('imports @engram/vector-<name> lazily, on first use, and uses its createBackend', async () => {
    const imported: string[] = [];
    setModuleImporter(async (specifier) => {
      imported.push(specifier);
      return { createBackend: () => new MemoryBackend() };
    });
    const store = new VectorStore({ vectorDbType: 'faiss' });
    await store.storeVector('x');
    expect(imported).toEqual(['@engram/vector-faiss']);
    await store.close();
  });

  it('a package that is installed but broken, or exports no factory, is a VECTOR_DB_ERROR', async () => {
    setModuleImporter(async () => {
      const error = new Error("Cannot find module 'faiss-node/build/Release/faiss.node'") as Error & { code: string };
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    });
    expect((await errorOf(new VectorStore({ vectorDbType: 'faiss' }).ready())).code).toBe(ErrorCode.VECTOR_DB_ERROR);
    setModuleImporter(async () => ({ somethingElse: 1 }));
    expect((await errorOf(new VectorStore({ vectorDbType: 'hnsw' }).ready())).code).toBe(ErrorCode.VECTOR_DB_ERROR);
  });

  it('a factory that throws is a VECTOR_DB_ERROR that keeps the cause but not the secrets', async () => {
    registerBackend('failing', () => {
      throw new Error('connect ECONNREFUSED');
    });
    const error = await errorOf(new VectorStore({ vectorDbType: 'failing', apiKey: 'sk-very-secret' }).ready());
    expect(error.code).toBe(ErrorCode.VECTOR_DB_ERROR);
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).not.toContain('sk-very-secret');
  });

  it('refuses a factory that is not a function and cannot unregister memory', () => {
    expect(() => registerBackend('x', 'nope' as never)).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_ERROR }));
    expect(unregisterBackend('memory')).toBe(false);
  });
});
