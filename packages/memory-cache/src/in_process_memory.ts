import {
  type BaseMemory,
  type BulkEntries,
  type MemoryEntry,
  type SaveOptions,
  type StoreStats,
  type Ttl,
} from '@engram/memory-core';
import {
  ExpirationPolicy,
  checkValueSize,
  deserializeData,
  expiresAtFor,
  resolveMaxValueBytes,
  resolveTtl,
  serializeData,
  validateId,
  validateKeys,
} from '@engram/memory-utils';
import { bulkEntryPairs } from './bulk_entries.js';
import { closedError } from './closed_error.js';
import { checkMs } from './milliseconds.js';
import { startSweepTimer } from './sweep_timer.js';

export interface InProcessMemoryOptions {
  /** Seconds used when a save gives no ttl; `null` = never expires. Default `ExpirationPolicy.DEFAULT` (1 day). */
  defaultTtl?: Ttl;
  /** Milliseconds between sweeps of expired entries; `0` disables the timer (reads still skip them). Default 60 000. */
  sweepIntervalMs?: number;
  /** Largest encoded value a save accepts, in bytes; a bigger one is refused and nothing is stored. Default 8 MiB. */
  maxValueBytes?: number;
}

/** Encoded bytes, never the caller's object: what was saved can't change behind the store's back. */
interface StoredEntry {
  bytes: Uint8Array;
  expiresAt: number | null;
}

const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

const isLive = (entry: StoredEntry, now: number) => entry.expiresAt === null || entry.expiresAt > now;

/**
 * A `BaseMemory` held in this process: for tests, demos and single-process use. Values go
 * through the same codec as every other store, so what is rejected, copied and returned is
 * identical; nothing survives the process.
 */
export class InProcessMemory implements BaseMemory {
  readonly name = 'in-process';
  readonly #contexts = new Map<string, Map<string, StoredEntry>>();
  readonly #defaultTtl: number | null;
  readonly #maxValueBytes: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: InProcessMemoryOptions = {}) {
    this.#defaultTtl = resolveTtl(options.defaultTtl, ExpirationPolicy.DEFAULT, 'defaultTtl');
    this.#maxValueBytes = resolveMaxValueBytes(options.maxValueBytes);
    const interval = checkMs(options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS, 'sweepIntervalMs', true);
    this.#timer = startSweepTimer(this, (store) => store.sweepExpired(), interval);
  }

  async loadContext<T = unknown>(key: string, contextId: string): Promise<T | undefined> {
    return (await this.loadEntry<T>(key, contextId))?.value;
  }

  async loadEntry<T = unknown>(key: string, contextId: string): Promise<MemoryEntry<T> | undefined> {
    this.#assertOpen();
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const entry = this.#live(key, contextId, Date.now());
    return entry === undefined ? undefined : { value: deserializeData(entry.bytes) as T, expiresAt: entry.expiresAt };
  }

  async bulkLoadEntries<T = unknown>(keys: readonly string[], contextId: string): Promise<Map<string, MemoryEntry<T>>> {
    this.#assertOpen();
    validateKeys(keys);
    validateId(contextId, 'contextId');
    const found = new Map<string, MemoryEntry<T>>();
    const now = Date.now();
    for (const key of keys) {
      const entry = this.#live(key, contextId, now);
      if (entry !== undefined) found.set(key, { value: deserializeData(entry.bytes) as T, expiresAt: entry.expiresAt });
    }
    return found;
  }

  async bulkLoad<T = unknown>(keys: readonly string[], contextId: string): Promise<Record<string, T>> {
    const record: Record<string, T> = Object.create(null);
    for (const [key, entry] of await this.bulkLoadEntries<T>(keys, contextId)) record[key] = entry.value;
    return record;
  }

  async saveContext(key: string, contextId: string, data: unknown, options?: SaveOptions): Promise<void> {
    this.#assertOpen();
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const ttl = resolveTtl(options?.ttl, this.#defaultTtl);
    const bytes = serializeData(data);
    checkValueSize(bytes, this.#maxValueBytes);
    this.#contextMap(contextId).set(key, { bytes, expiresAt: expiresAtFor(ttl) });
  }

  async bulkSave(entries: BulkEntries, contextId: string, options?: SaveOptions): Promise<void> {
    this.#assertOpen();
    validateId(contextId, 'contextId');
    const ttl = resolveTtl(options?.ttl, this.#defaultTtl);
    // Encode everything first: one bad value must leave the store untouched.
    const encoded = bulkEntryPairs(entries).map(([key, value]) => {
      const bytes = serializeData(value);
      checkValueSize(bytes, this.#maxValueBytes);
      return [key, bytes] as const;
    });
    if (encoded.length === 0) return;
    const expiresAt = expiresAtFor(ttl);
    const map = this.#contextMap(contextId);
    for (const [key, bytes] of encoded) map.set(key, { bytes, expiresAt });
  }

  async deleteContext(key: string, contextId: string): Promise<boolean> {
    this.#assertOpen();
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const map = this.#contexts.get(contextId);
    const entry = map?.get(key);
    if (map === undefined || entry === undefined) return false;
    map.delete(key);
    if (map.size === 0) this.#contexts.delete(contextId);
    return isLive(entry, Date.now());
  }

  async exists(key: string, contextId: string): Promise<boolean> {
    this.#assertOpen();
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    return this.#live(key, contextId, Date.now()) !== undefined;
  }

  /** `clear()` empties the store; `clear(undefined)` is refused, as an id that went missing upstream. */
  async clear(...args: [contextId?: string]): Promise<number> {
    this.#assertOpen();
    const now = Date.now();
    if (args.length === 0) {
      let removed = 0;
      for (const map of this.#contexts.values()) removed += countLive(map, now);
      this.#contexts.clear();
      return removed;
    }
    const contextId = args[0];
    validateId(contextId, 'contextId');
    const map = this.#contexts.get(contextId);
    if (map === undefined) return 0;
    this.#contexts.delete(contextId);
    return countLive(map, now);
  }

  async getStats(): Promise<StoreStats> {
    this.#assertOpen();
    this.sweepExpired();
    let totalKeys = 0;
    for (const map of this.#contexts.values()) totalKeys += map.size;
    return { backend: this.name, totalKeys, contexts: this.#contexts.size };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#contexts.clear();
  }

  /** Removes every expired entry now; the timer calls it. Returns how many were removed. */
  sweepExpired(): number {
    const now = Date.now();
    let removed = 0;
    for (const [contextId, map] of this.#contexts) {
      for (const [key, entry] of map) {
        if (!isLive(entry, now)) {
          map.delete(key);
          removed++;
        }
      }
      if (map.size === 0) this.#contexts.delete(contextId);
    }
    return removed;
  }

  /** The entry if present and unexpired; an expired one is removed on the way. */
  #live(key: string, contextId: string, now: number): StoredEntry | undefined {
    const map = this.#contexts.get(contextId);
    const entry = map?.get(key);
    if (map === undefined || entry === undefined) return undefined;
    if (isLive(entry, now)) return entry;
    map.delete(key);
    if (map.size === 0) this.#contexts.delete(contextId);
    return undefined;
  }

  #contextMap(contextId: string): Map<string, StoredEntry> {
    let map = this.#contexts.get(contextId);
    if (map === undefined) {
      map = new Map();
      this.#contexts.set(contextId, map);
    }
    return map;
  }

  #assertOpen(): void {
    if (this.#closed) throw closedError('InProcessMemory');
  }
}

function countLive(map: Map<string, StoredEntry>, now: number): number {
  let live = 0;
  for (const entry of map.values()) if (isLive(entry, now)) live++;
  return live;
}
