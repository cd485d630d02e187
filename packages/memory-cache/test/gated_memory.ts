import type { BaseMemory, BulkEntries, MemoryEntry, SaveOptions, StoreStats } from '@engram/memory-core';
import { InProcessMemory } from '../src/index.js';
import { deferred, type Deferred } from './support.js';

type Gated = 'loadEntry' | 'bulkLoadEntries' | 'bulkLoad' | 'saveContext' | 'bulkSave' | 'deleteContext';

/**
 * A real InProcessMemory whose next response of a given kind can be held back: the operation
 * itself happens at call time (a read sees the data as it was, a write is applied), only the
 * answer is late, as with a slow network. Lets tests order overlapping operations exactly.
 */
export class GatedMemory implements BaseMemory {
  readonly name = 'gated';
  readonly inner = new InProcessMemory({ sweepIntervalMs: 0 });
  readonly #gates = new Map<Gated, Deferred<void>>();

  /** Holds the answer of the next `method` call until the returned gate is resolved. */
  hold(method: Gated): Deferred<void> {
    const gate = deferred();
    this.#gates.set(method, gate);
    return gate;
  }

  async #answer<R>(method: Gated, result: R): Promise<R> {
    const gate = this.#gates.get(method);
    if (gate !== undefined) {
      this.#gates.delete(method);
      await gate.promise;
    }
    return result;
  }

  async loadEntry<T>(key: string, contextId: string): Promise<MemoryEntry<T> | undefined> {
    return this.#answer('loadEntry', await this.inner.loadEntry<T>(key, contextId));
  }
  async bulkLoadEntries<T>(keys: readonly string[], contextId: string): Promise<Map<string, MemoryEntry<T>>> {
    return this.#answer('bulkLoadEntries', await this.inner.bulkLoadEntries<T>(keys, contextId));
  }
  async bulkLoad<T>(keys: readonly string[], contextId: string): Promise<Record<string, T>> {
    return this.#answer('bulkLoad', await this.inner.bulkLoad<T>(keys, contextId));
  }
  async saveContext(key: string, contextId: string, data: unknown, options?: SaveOptions): Promise<void> {
    return this.#answer('saveContext', await this.inner.saveContext(key, contextId, data, options));
  }
  async bulkSave(entries: BulkEntries, contextId: string, options?: SaveOptions): Promise<void> {
    return this.#answer('bulkSave', await this.inner.bulkSave(entries, contextId, options));
  }
  async deleteContext(key: string, contextId: string): Promise<boolean> {
    return this.#answer('deleteContext', await this.inner.deleteContext(key, contextId));
  }
  loadContext<T>(key: string, contextId: string): Promise<T | undefined> {
    return this.inner.loadContext<T>(key, contextId);
  }
  exists(key: string, contextId: string): Promise<boolean> {
    return this.inner.exists(key, contextId);
  }
  clear(...args: [contextId?: string]): Promise<number> {
    return this.inner.clear(...args);
  }
  getStats(): Promise<StoreStats> {
    return this.inner.getStats();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
