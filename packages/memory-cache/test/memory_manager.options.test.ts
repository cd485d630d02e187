import {
  ErrorCode,
  type BaseVectorStore,
  type SearchVectorsOptions,
  type StoreStats,
  type VectorItem,
  type VectorMetadata,
  type VectorSearchResult,
} from '@engram/memory-core';
import { describe, expect, it } from 'vitest';
import { InProcessMemory, MemoryManager } from '../src/index.js';
import { expectCode, sleep } from './support.js';

/** A minimal real vector store (exact text match), enough to see what the manager delegates. */
class ListVectorStore implements BaseVectorStore {
  readonly items = new Map<string, { text: string; contextId: string | undefined; metadata: VectorMetadata }>();
  closed = 0;
  async storeVector(text: string, metadata: VectorMetadata = {}, options: { contextId?: string; id?: string } = {}): Promise<string> {
    const id = options.id ?? `v${this.items.size + 1}`;
    this.items.set(id, { text, contextId: options.contextId, metadata });
    return id;
  }
  async storeVectors(items: readonly VectorItem[], options: { contextId?: string } = {}): Promise<string[]> {
    const ids: string[] = [];
    for (const item of items) ids.push(await this.storeVector(item.text, item.metadata, { contextId: options.contextId, id: item.id }));
    return ids;
  }
  async searchVectors(query: string, options: SearchVectorsOptions = {}): Promise<VectorSearchResult[]> {
    return [...this.items]
      .filter(([, item]) => item.text === query && (options.contextId === undefined || item.contextId === options.contextId))
      .map(([id, item]) => ({ id, score: 1, metadata: { ...item.metadata, text: item.text } }));
  }
  async deleteVectors(ids: readonly string[]): Promise<number> {
    return ids.filter((id) => this.items.delete(id)).length;
  }
  async clear(...args: [contextId?: string]): Promise<number> {
    const before = this.items.size;
    for (const [id, item] of this.items) if (args.length === 0 || item.contextId === args[0]) this.items.delete(id);
    return before - this.items.size;
  }
  async getStats(): Promise<StoreStats> {
    return { backend: 'list', totalKeys: this.items.size };
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

describe('MemoryManager options and vector pass-through', () => {
  it('rejects bad constructor arguments with INVALID_ARGUMENT', async () => {
    const store = new InProcessMemory();
    await expectCode(() => new MemoryManager(undefined as never), ErrorCode.INVALID_ARGUMENT);
    await expectCode(() => new MemoryManager({} as never), ErrorCode.INVALID_ARGUMENT);
    await expectCode(() => new MemoryManager(store, {} as never), ErrorCode.INVALID_ARGUMENT);
    for (const options of [
      { cacheSize: 0 },
      { cacheSize: 1.5 },
      { cacheTtl: 0 },
      { memoryTtl: -1 },
      { memoryTtl: '60' as never },
      { cacheCleanupIntervalMs: -1 },
      { cacheCleanupIntervalMs: 2 ** 31 },
      { withCacheTimeoutMs: 0 },
    ]) {
      await expectCode(() => new MemoryManager(store, undefined, options), ErrorCode.INVALID_ARGUMENT);
    }
    await store.close();
  });

  it('the cleanup timer purges expired L1 entries nobody reads again', async () => {
    const manager = new MemoryManager(new InProcessMemory(), undefined, { cacheTtl: 1, cacheCleanupIntervalMs: 50 });
    const idle = new MemoryManager(new InProcessMemory(), undefined, { cacheTtl: 1, cacheCleanupIntervalMs: 0 });
    await manager.bulkSave({ a: 1, b: 2 }, 'ctx');
    await idle.bulkSave({ a: 1, b: 2 }, 'ctx');
    expect(manager.getManagerStats().cacheCurrentItems).toBe(2);
    await sleep(1_150);
    expect(manager.getManagerStats().cacheCurrentItems).toBe(0);
    expect(idle.getManagerStats().cacheCurrentItems).toBe(2);
    await manager.close();
    await idle.close();
  });

  it('cacheTtl bounds L1 even when the store keeps the value longer', async () => {
    const manager = new MemoryManager(new InProcessMemory(), undefined, { cacheTtl: 1, cacheCleanupIntervalMs: 0 });
    await manager.save('k', 'ctx', 'v', { ttl: null });
    await sleep(1_100);
    expect(manager.getManagerStats().loads).toBe(0);
    expect(await manager.load('k', 'ctx')).toBe('v');
    expect(manager.getManagerStats().loads).toBe(1);
    await manager.close();
  });

  it('without a vector store, vector calls and clearVectors say to pass one, and nothing is cleared', async () => {
    const manager = new MemoryManager(new InProcessMemory());
    await manager.save('k', 'ctx', 1);
    for (const call of [
      () => manager.storeVector('t'),
      () => manager.storeVectors([{ text: 't' }]),
      () => manager.searchVectors('t'),
      () => manager.deleteVectors(['id']),
      () => manager.clear('ctx', { clearVectors: true }),
    ]) {
      const error = await expectCode(call(), ErrorCode.INVALID_ARGUMENT);
      expect(error.message).toContain('pass a vector store to MemoryManager');
    }
    expect(await manager.load('k', 'ctx')).toBe(1);
    expect(manager.getManagerStats().errors).toBe(0);
    await manager.close();
  });

  it('delegates to the vector store, clears it on request, reports and closes it', async () => {
    const vectors = new ListVectorStore();
    const manager = new MemoryManager(new InProcessMemory(), vectors);
    const id = await manager.storeVector('hello', { lang: 'en' }, { contextId: 'ctx' });
    await manager.storeVectors([{ text: 'hello' }], { contextId: 'other' });
    expect(await manager.searchVectors('hello', { contextId: 'ctx' })).toEqual([{ id, score: 1, metadata: { lang: 'en', text: 'hello' } }]);
    await manager.clear('ctx');
    expect(vectors.items.size).toBe(2);
    await manager.clear('ctx', { clearVectors: true });
    expect([...vectors.items.values()].map((item) => item.contextId)).toEqual(['other']);
    expect(await manager.deleteVectors(['v2', 'nope'])).toBe(1);
    expect((await manager.getStats()).vectors).toEqual({ backend: 'list', totalKeys: 0 });
    await manager.close();
    await manager.close();
    expect(vectors.closed).toBe(1);
    await expectCode(manager.searchVectors('hello'), ErrorCode.CLOSED);
  });
});
