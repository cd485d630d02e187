import { ErrorCode, MemoryError, type BaseMemory, type BulkEntries, type MemoryEntry, type StoreStats } from '@engram/memory-core';
import { compositeKey, deserializeData, serializeData, validateId } from '@engram/memory-utils';

/**
 * A minimal in-process BaseMemory for the embedding cache's tests: values go through the real
 * codec (so copies and Uint8Array round-trips behave as in Redis or SQLite), TTLs are ignored.
 * `reads`/`writes` count calls so tests can prove what the cache asked for.
 */
export class MapMemory implements BaseMemory {
  readonly name = 'map';
  readonly #data = new Map<string, { context: string; bytes: Uint8Array }>();
  reads = 0;
  writes = 0;
  #closed = false;

  #check(key: string, contextId: string): string {
    if (this.#closed) throw new MemoryError(ErrorCode.CLOSED, 'closed store');
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    return compositeKey(key, contextId);
  }

  async loadContext<T>(key: string, contextId: string): Promise<T | undefined> {
    return (await this.loadEntry<T>(key, contextId))?.value;
  }

  async loadEntry<T>(key: string, contextId: string): Promise<MemoryEntry<T> | undefined> {
    this.reads++;
    const found = this.#data.get(this.#check(key, contextId));
    return found ? { value: deserializeData(found.bytes) as T, expiresAt: null } : undefined;
  }

  async bulkLoadEntries<T>(keys: readonly string[], contextId: string): Promise<Map<string, MemoryEntry<T>>> {
    const out = new Map<string, MemoryEntry<T>>();
    for (const key of keys) {
      const entry = await this.loadEntry<T>(key, contextId);
      if (entry) out.set(key, entry);
    }
    return out;
  }

  async saveContext(key: string, contextId: string, data: unknown): Promise<void> {
    this.writes++;
    this.#data.set(this.#check(key, contextId), { context: contextId, bytes: serializeData(data) });
  }

  async deleteContext(key: string, contextId: string): Promise<boolean> {
    return this.#data.delete(this.#check(key, contextId));
  }

  async exists(key: string, contextId: string): Promise<boolean> {
    return this.#data.has(this.#check(key, contextId));
  }

  async bulkLoad<T>(keys: readonly string[], contextId: string): Promise<Record<string, T>> {
    const out: Record<string, T> = Object.create(null);
    for (const [key, entry] of await this.bulkLoadEntries<T>(keys, contextId)) out[key] = entry.value;
    return out;
  }

  async bulkSave(entries: BulkEntries, contextId: string): Promise<void> {
    const list = entries instanceof Map ? [...entries] : Object.entries(entries);
    for (const [key, value] of list) await this.saveContext(key, contextId, value);
  }

  async clear(contextId?: string): Promise<number> {
    let removed = 0;
    for (const [key, entry] of this.#data) {
      if (contextId === undefined || entry.context === contextId) {
        this.#data.delete(key);
        removed++;
      }
    }
    return removed;
  }

  async getStats(): Promise<StoreStats> {
    return { backend: this.name, totalKeys: this.#data.size };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
