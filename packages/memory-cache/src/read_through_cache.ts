import type { BaseMemory, MemoryEntry } from '@engram/memory-core';
import { compositeKey } from '@engram/memory-utils';
import { ContextCache, type L1Entry } from './context_cache.js';
import type { ManagerCounters } from './manager_stats.js';
import { BulkFlight } from './bulk_flight.js';
import { FlightMap, type Flight } from './single_flight.js';
import type { TTLCacheStats } from './ttl_cache.js';

/** "Not found" inside the cache machinery, where `undefined` could be mistaken for a value. */
export const MISSING: unique symbol = Symbol('engram.missing');

/** What `readMany` found, by who else holds each value. */
export interface BulkFound {
  /** Values L1 or another reader also holds: copy them before they leave the manager. */
  readonly shared: Map<string, unknown>;
  /** Values read for this call alone (not cached, nobody joined): hand them out as they are. */
  readonly owned: Map<string, unknown>;
  /** Set instead of the maps (left empty) when a `BulkRecordSink` was given and could be used. */
  record?: Record<string, unknown>;
}

/**
 * Builds the caller's record while the store's answer is walked, when every key comes from that
 * one read: the keys then arrive in request order, so no map of found values and no second pass
 * over 10,000 keys is needed. `share` gets values others also hold (it must copy them).
 */
export interface BulkRecordSink extends BulkOut {
  readonly record: Record<string, unknown>;
}

/** Where a bulk read puts each key: a value only the caller holds, one others hold too, or none. */
export interface BulkOut {
  own(key: string, value: unknown): void;
  share(key: string, value: unknown): void;
  miss(key: string): void;
}

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
  /** contextId → key → sequence number of the newest write in flight for it (by context, so a bulk write builds no composite key per entry). */
  readonly #writes = new Map<string, Map<string, number>>();
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
   * The found keys' values: L1 hits, reads already in flight, then one bulk read of the rest.
   * - Up to L1's capacity of fresh keys: one `bulkLoadEntries`, each key registered as a flight
   *   (other reads join it, writes detach it) and the found ones put into L1.
   * - More fresh keys than L1 holds is a scan: one `bulkLoad` that reads around L1. Filling L1
   *   with its tail would evict the whole working set for keys nobody has shown to be hot (the
   *   pollution that scan-resistant admission policies exist for), so it neither fills nor
   *   evicts, registers no flights, and needs no expiry: the store's cheapest bulk read.
   * `observe` hears each distinct key's L1 lookup (for the manager's cache:hit/miss events).
   */
  async readMany(
    keys: readonly string[],
    contextId: string,
    observe?: (hit: boolean, key: string) => void,
    sink?: BulkRecordSink,
  ): Promise<BulkFound> {
    const found: BulkFound = { shared: new Map(), owned: new Map() };
    const shared = found.shared;
    const joined: Array<[string, Promise<unknown>]> = [];
    // A Set drops repeated keys and keeps first-seen order, in one pass over `keys`.
    const unique = new Set(keys);
    let freshKeys: string[];
    if (!this.#l1.holdsContext(contextId) && this.#reads.size === 0) {
      // Nothing of this context is in L1 or being read: every key is a miss, no lookup needed.
      freshKeys = [...unique];
      if (observe !== undefined) for (const key of freshKeys) observe(false, key);
    } else {
      freshKeys = [];
      for (const key of unique) {
        const ck = compositeKey(key, contextId);
        const hit = this.#l1.get(ck);
        observe?.(hit !== undefined, key);
        if (hit !== undefined) {
          shared.set(key, hit.value);
          continue;
        }
        const running = this.#reads.get(ck);
        if (running !== undefined) {
          joined.push([key, running.promise]);
          continue;
        }
        freshKeys.push(key);
      }
    }
    if (freshKeys.length > 0) {
      // No L1 hit and nothing to join: every key comes from this read, in request order.
      const direct = sink !== undefined && shared.size === 0 && joined.length === 0;
      const out = direct ? sink : mapSink(found);
      if (freshKeys.length > this.#l1.capacity) await this.#readAround(freshKeys, contextId, out);
      else {
        const flights = freshKeys.map((key) => new BulkFlight(key, contextId, compositeKey(key, contextId)));
        for (const read of flights) this.#reads.start(read.ck, read);
        await this.#loadMany(flights, contextId, out);
      }
      if (direct) found.record = sink.record;
    }
    if (joined.length > 0) {
      const results = await Promise.all(joined.map(([, promise]) => promise));
      for (let i = 0; i < joined.length; i++) if (results[i] !== MISSING) shared.set(joined[i]![0], results[i]);
    }
    return found;
  }

  /**
   * Runs a store write or delete of `keys`, then brings L1 in line: each key gets its entry
   * from `copy()` (cache-owned values; MISSING = don't cache) only when the write succeeded, is
   * the newest one for that key and no broad invalidation happened meanwhile; otherwise it is
   * evicted. `copy()` covers the last keys (a bulk write caches at most L1's capacity, see
   * `cacheTail`); the keys before them are evicted.
   *
   * `copy` runs right after `write()` has started, before anything is awaited: a network store
   * has sent its command by then, so the copies are made while the server works instead of
   * before the command leaves, and the caller cannot have changed the values in between.
   */
  async mutate<R>(
    keys: readonly string[],
    contextId: string,
    write: () => Promise<R>,
    copy?: () => readonly unknown[],
    expiresAt: number | null = null,
  ): Promise<R> {
    const epoch = this.#epoch;
    const seq = ++this.#writeSeq;
    let writes = this.#writes.get(contextId);
    if (writes === undefined) this.#writes.set(contextId, (writes = new Map()));
    for (const key of keys) writes.set(key, seq);
    let values: readonly unknown[] | undefined;
    let ok = false;
    try {
      const writing = write();
      values = copy?.();
      const result = await writing;
      ok = true;
      return result;
    } catch (error) {
      this.#counters.errors++;
      throw error;
    } finally {
      const cacheFrom = values === undefined ? keys.length : keys.length - values.length;
      // Nothing of this context in L1 and no read in flight: the keys left out of L1 have nothing to evict or detach.
      const quiet = !this.#l1.holdsContext(contextId) && this.#reads.size === 0;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const newest = writes.get(key) === seq;
        if (newest) writes.delete(key);
        if (quiet && i < cacheFrom) continue;
        const ck = compositeKey(key, contextId);
        this.#reads.detach(ck);
        const value = i < cacheFrom ? MISSING : values![i - cacheFrom];
        if (ok && newest && value !== MISSING && epoch === this.#epoch) this.#l1.set(key, contextId, ck, value, expiresAt);
        else this.#l1.delete(ck);
      }
      if (writes.size === 0 && this.#writes.get(contextId) === writes) this.#writes.delete(contextId);
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

  /** One store read of the flights' keys, filling L1 with what it finds (see readMany). */
  async #loadMany(flights: readonly BulkFlight[], contextId: string, out: BulkOut): Promise<void> {
    const epoch = this.#epoch;
    this.#counters.loads++;
    let entries: Map<string, MemoryEntry>;
    try {
      entries = await this.#primary.bulkLoadEntries(
        flights.map((read) => read.key),
        contextId,
      );
    } catch (error) {
      this.#counters.errors++;
      for (const read of flights) {
        this.#reads.finish(read.ck, read);
        read.fail(error);
      }
      throw error;
    }
    // No broad invalidation since the read began: what it found may fill L1 (at most L1's capacity of keys).
    const fill = epoch === this.#epoch;
    for (const read of flights) {
      // Finished first: from here on nobody can join, so `joined` below is final.
      this.#reads.finish(read.ck, read);
      const entry = entries.get(read.key);
      if (entry === undefined) {
        read.settle(MISSING);
        out.miss(read.key);
        continue;
      }
      const cached = fill && !read.stale;
      if (cached) this.#l1.set(read.key, contextId, read.ck, entry.value, entry.expiresAt);
      // Stores hand out fresh values: one that neither L1 nor a joined reader holds needs no copy.
      if (cached || read.joined) out.share(read.key, entry.value);
      else out.own(read.key, entry.value);
      read.settle(entry.value);
    }
  }

  /** A scan's one store read, around L1: every value found is the caller's alone. */
  async #readAround(keys: readonly string[], contextId: string, out: BulkOut): Promise<void> {
    this.#counters.loads++;
    let values: Record<string, unknown>;
    try {
      values = await this.#primary.bulkLoad(keys, contextId);
    } catch (error) {
      this.#counters.errors++;
      throw error;
    }
    // Stores return null-prototype records; a custom one might not, and `constructor` must not be found on Object.prototype.
    const own = Object.getPrototypeOf(values) === null ? undefined : (key: string) => Object.hasOwn(values, key);
    for (const key of keys) {
      const value = own === undefined || own(key) ? values[key] : undefined;
      if (value !== undefined) out.own(key, value);
      else out.miss(key);
    }
  }
}

/** The default: found values into `found`'s maps, for the caller to sort out; misses need nothing. */
function mapSink(found: BulkFound): BulkOut {
  return {
    own: (key, value) => found.owned.set(key, value),
    share: (key, value) => found.shared.set(key, value),
    miss: () => {},
  };
}
