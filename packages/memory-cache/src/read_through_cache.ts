import type { BaseMemory, MemoryEntry } from '@engram/memory-core';
import { compositeKey } from '@engram/memory-utils';
import { ContextCache, type L1Entry } from './context_cache.js';
import type { ManagerCounters } from './manager_stats.js';
import { FlightMap, type Flight } from './single_flight.js';
import type { TTLCacheStats } from './ttl_cache.js';

/** "Not found" inside the cache machinery, where `undefined` could be mistaken for a value. */
export const MISSING: unique symbol = Symbol('engram.missing');

/** A store read that several `readMany` calls may share with single `read`s. */
interface SharedRead extends Flight<unknown> {
  readonly ck: string;
  resolve: (found: unknown) => void;
  reject: (error: unknown) => void;
}

const ignore = () => {};

/**
 * L1 in front of a primary store, kept coherent with this process's own writes:
 * - concurrent misses of one key share one store read (single-flight);
 * - a read that overlapped a write, clear or invalidation never fills L1 (its data may predate
 *   the change): writes detach in-flight reads, and broad invalidations bump `#epoch`;
 * - of overlapping writes to one key only the newest fills L1, the others evict; a failed
 *   write always evicts. So L1 never holds a value the store has since replaced.
 * Values handed in are owned by the cache from then on; values handed out must be copied.
 */
export class ReadThroughCache {
  readonly #primary: BaseMemory;
  readonly #l1: ContextCache;
  readonly #counters: ManagerCounters;
  readonly #reads = new FlightMap<Flight<unknown>>();
  /** ck → sequence number of the newest write in flight for it. */
  readonly #writes = new Map<string, number>();
  #writeSeq = 0;
  #epoch = 0;

  constructor(primary: BaseMemory, l1: ContextCache, counters: ManagerCounters) {
    this.#primary = primary;
    this.#l1 = l1;
    this.#counters = counters;
  }

  /** The live L1 entry; its value must be copied before it leaves the manager. */
  hit(ck: string): L1Entry | undefined {
    return this.#l1.get(ck);
  }

  /** The cache-owned value from the store (filling L1), or MISSING. Concurrent calls share one read. */
  read(key: string, contextId: string, ck: string): Promise<unknown> {
    const running = this.#reads.get(ck);
    if (running !== undefined) return running.promise;
    const flight: Flight<unknown> = { key, contextId, stale: false, promise: undefined as unknown as Promise<unknown> };
    // Registered before the read starts: a store that throws synchronously still finds it to remove.
    this.#reads.start(ck, flight);
    flight.promise = this.#load(flight, ck);
    return flight.promise;
  }

  /**
   * Cache-owned values of the found keys: L1 hits, reads already in flight, then one bulk read.
   * `observe` hears each distinct key's L1 lookup (for the manager's cache:hit/miss events).
   */
  async readMany(keys: readonly string[], contextId: string, observe?: (hit: boolean, key: string) => void): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    const seen = new Set<string>();
    const joined: Array<[string, Promise<unknown>]> = [];
    const fresh: SharedRead[] = [];
    for (const key of keys) {
      if (seen.has(key)) continue;
      seen.add(key);
      const ck = compositeKey(key, contextId);
      const hit = this.#l1.get(ck);
      observe?.(hit !== undefined, key);
      if (hit !== undefined) {
        found.set(key, hit.value);
        continue;
      }
      const running = this.#reads.get(ck);
      if (running !== undefined) {
        joined.push([key, running.promise]);
        continue;
      }
      const read = sharedRead(key, contextId, ck);
      this.#reads.start(ck, read);
      fresh.push(read);
    }
    if (fresh.length > 0) await this.#loadMany(fresh, contextId, found);
    if (joined.length > 0) {
      const values = await Promise.all(joined.map(([, promise]) => promise));
      for (let i = 0; i < joined.length; i++) if (values[i] !== MISSING) found.set(joined[i]![0], values[i]);
    }
    return found;
  }

  /**
   * Runs a store write or delete of `keys`, then brings L1 in line: each key gets its entry
   * from `values` (cache-owned; MISSING = don't cache) only when the write succeeded, is the
   * newest one for that key and no broad invalidation happened meanwhile; otherwise it is evicted.
   */
  async mutate<R>(
    keys: readonly string[],
    contextId: string,
    write: () => Promise<R>,
    values?: readonly unknown[],
    expiresAt: number | null = null,
  ): Promise<R> {
    const epoch = this.#epoch;
    const seq = ++this.#writeSeq;
    const cks = keys.map((key) => compositeKey(key, contextId));
    for (const ck of cks) this.#writes.set(ck, seq);
    let ok = false;
    try {
      const result = await write();
      ok = true;
      return result;
    } catch (error) {
      this.#counters.errors++;
      throw error;
    } finally {
      for (let i = 0; i < cks.length; i++) {
        const ck = cks[i]!;
        const newest = this.#writes.get(ck) === seq;
        if (newest) this.#writes.delete(ck);
        this.#reads.detach(ck);
        const value = values === undefined ? MISSING : values[i];
        if (ok && newest && value !== MISSING && epoch === this.#epoch) this.#l1.set(keys[i]!, contextId, ck, value, expiresAt);
        else this.#l1.delete(ck);
      }
    }
  }

  invalidateKey(ck: string): number {
    this.#reads.detach(ck);
    return this.#l1.delete(ck) ? 1 : 0;
  }

  invalidateContext(contextId: string): number {
    this.#epoch++;
    this.#reads.detachWhere((flight) => flight.contextId === contextId);
    return this.#l1.deleteContext(contextId);
  }

  invalidateMatching(matches: (key: string) => boolean, contextId?: string): number {
    this.#epoch++;
    this.#reads.detachWhere((flight) => (contextId === undefined || flight.contextId === contextId) && matches(flight.key));
    return this.#l1.deleteMatching(matches, contextId);
  }

  invalidateAll(): number {
    this.#epoch++;
    this.#reads.detachWhere();
    return this.#l1.clear();
  }

  purgeExpired(): void {
    this.#l1.purgeExpired();
  }

  /** Store reads running now. */
  get inflight(): number {
    return this.#reads.size;
  }

  stats(): TTLCacheStats {
    return this.#l1.stats();
  }

  async #load(flight: Flight<unknown>, ck: string): Promise<unknown> {
    const epoch = this.#epoch;
    this.#counters.loads++;
    try {
      const entry = await this.#primary.loadEntry(flight.key, flight.contextId);
      if (entry === undefined) return MISSING;
      if (!flight.stale && epoch === this.#epoch) this.#l1.set(flight.key, flight.contextId, ck, entry.value, entry.expiresAt);
      return entry.value;
    } catch (error) {
      this.#counters.errors++;
      throw error;
    } finally {
      this.#reads.finish(ck, flight);
    }
  }

  async #loadMany(fresh: SharedRead[], contextId: string, found: Map<string, unknown>): Promise<void> {
    const epoch = this.#epoch;
    this.#counters.loads++;
    let entries: Map<string, MemoryEntry>;
    try {
      entries = await this.#primary.bulkLoadEntries(
        fresh.map((read) => read.key),
        contextId,
      );
    } catch (error) {
      this.#counters.errors++;
      for (const read of fresh) {
        this.#reads.finish(read.ck, read);
        read.reject(error);
      }
      throw error;
    }
    for (const read of fresh) {
      const entry = entries.get(read.key);
      if (entry !== undefined) {
        if (!read.stale && epoch === this.#epoch) this.#l1.set(read.key, contextId, read.ck, entry.value, entry.expiresAt);
        found.set(read.key, entry.value);
      }
      this.#reads.finish(read.ck, read);
      read.resolve(entry === undefined ? MISSING : entry.value);
    }
  }
}

function sharedRead(key: string, contextId: string, ck: string): SharedRead {
  let resolve!: (found: unknown) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Other callers may or may not have joined; a rejection nobody awaits must not go unhandled.
  promise.catch(ignore);
  return { key, contextId, ck, stale: false, promise, resolve, reject };
}
