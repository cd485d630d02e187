import {
  invalidArgument,
  type BaseMemory,
  type BaseVectorStore,
  type BulkEntries,
  type SearchVectorsOptions,
  type StoreVectorOptions,
  type VectorItem,
  type VectorMetadata,
  type VectorSearchResult,
} from '@engram/memory-core';
import { cloneValue, compositeKey, expiresAtFor, resolveTtl, serializeData, validateId, validateKeys } from '@engram/memory-utils';
import { bulkEntryPairs, pickEntries } from './bulk_entries.js';
import { BusLink, invalidationOf } from './bus_link.js';
import { cacheTail, copiesAsRecord, copyForCache, recordSink } from './cache_copies.js';
import { closedError } from './closed_error.js';
import { Computations } from './computations.js';
import { ContextCache } from './context_cache.js';
import { computeUnderLock, requireLocks } from './distributed_computation.js';
import {
  checkStores,
  clearTarget,
  resolveManagerOptions,
  type BulkLoadOptions,
  type ClearOptions,
  type InvalidateOptions,
  type LoadOptions,
  type ManagerSaveOptions,
  type MemoryManagerOptions,
  type ResolvedManagerOptions,
  type WithBulkCacheOptions,
  type WithCacheOptions,
} from './manager_options.js';
import { checkMs } from './milliseconds.js';
import { managerStats, newCounters, type ManagerStats, type MemoryManagerStats } from './manager_stats.js';
import { keyMatcher } from './key_matcher.js';
import { ManagerEvents, writeEvent, type ManagerEventMap, type ManagerEventName, type ManagerListener, type ManagerOp } from './manager_events.js';
import { logManagerEvents } from './manager_logging.js';
import { setTracking } from './operation_tracking.js';
import { MISSING, ReadThroughCache } from './read_through_cache.js';
import { startSweepTimer } from './sweep_timer.js';

export type BulkProducer<T> = (
  missingKeys: string[],
) => Record<string, T> | ReadonlyMap<string, T> | Promise<Record<string, T> | ReadonlyMap<string, T>>;

const DISTRIBUTED_WAIT_MS = 30_000;

const NO_VECTORS = 'this MemoryManager has no vector store: pass a vector store to MemoryManager (new MemoryManager(primary, vectorStore))';

/**
 * A primary store behind an in-process L1 cache. Reads try L1, then the store (concurrent
 * misses share one read); writes go to the store first, then to L1. Every value that leaves
 * the manager is a copy, and L1 never outlives the store's expiry of an entry.
 */
export class MemoryManager {
  readonly #primary: BaseMemory;
  readonly #vectors: BaseVectorStore | undefined;
  readonly #options: ResolvedManagerOptions;
  readonly #counters = newCounters();
  readonly #cache: ReadThroughCache;
  readonly #computations: Computations;
  readonly #bus: BusLink | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  /** None until the first listener: see ManagerEvents. */
  #events: ManagerEvents | undefined;

  constructor(primary: BaseMemory, vectorStore?: BaseVectorStore | null, options?: MemoryManagerOptions) {
    checkStores(primary, vectorStore);
    this.#primary = primary;
    this.#vectors = vectorStore ?? undefined;
    this.#options = resolveManagerOptions(options);
    const bus = this.#options.bus;
    const emit = <E extends ManagerEventName>(event: E, payload: ManagerEventMap[E]) => this.#events?.emit(event, payload);
    this.#bus = bus && new BusLink(bus, () => this.#cache, this.#counters, this.#options.busDownMaxStalenessMs, emit);
    const l1 = new ContextCache(this.#options.cacheSize, this.#options.cacheTtlMs, this.#bus && (() => this.#bus!.trusted()));
    this.#cache = new ReadThroughCache(primary, l1, this.#counters);
    this.#computations = new Computations(this.#cache, (key, ctx, value, ttl) => this.#saveOne('withCache', key, ctx, value, ttl, true), this.#counters);
    this.#timer = startSweepTimer(this.#cache, (cache) => cache.purgeExpired(), this.#options.cleanupIntervalMs);
    if (this.#options.logger !== undefined) logManagerEvents(this, this.#options.logger);
  }

  /** Subscribes to an event (see ManagerEventMap and the README); payloads never carry values. */
  on<E extends ManagerEventName>(event: E, listener: ManagerListener<E>): this {
    this.#emitter().add(event, listener, false);
    return this;
  }

  /** Like `on`, removed after its first call. */
  once<E extends ManagerEventName>(event: E, listener: ManagerListener<E>): this {
    this.#emitter().add(event, listener, true);
    return this;
  }

  off<E extends ManagerEventName>(event: E, listener: ManagerListener<E>): this {
    this.#events?.remove(event, listener);
    return this;
  }

  #emitter(): ManagerEvents {
    this.#events ??= new ManagerEvents(() => setTracking(this, this.#events));
    return this.#events;
  }

  /** The value, or `options.default` when the key is missing or expired. */
  load<T = unknown>(key: string, contextId: string, options: LoadOptions<T> & { default: T }): Promise<T>;
  load<T = unknown>(key: string, contextId: string, options?: LoadOptions<T>): Promise<T | undefined>;
  async load<T = unknown>(key: string, contextId: string, options?: LoadOptions<T>): Promise<T | undefined> {
    if (this.#closing !== undefined) throw closedError('MemoryManager');
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const ck = compositeKey(key, contextId);
    if (options === undefined || options.useCache !== false) {
      const hit = this.#cache.hit(ck);
      if (this.#events !== undefined && this.#events.lookups) this.#events.lookup(hit !== undefined, 'load', key, contextId);
      if (hit !== undefined) return cloneValue(hit.value) as T;
      const found = await this.#cache.read(key, contextId, ck);
      return found === MISSING ? options?.default : (cloneValue(found) as T);
    }
    this.#counters.loads++;
    const entry = await this.#guard(this.#primary.loadEntry<T>(key, contextId));
    return entry === undefined ? options.default : entry.value;
  }

  /** Writes the store, then L1; if the write fails the key is dropped from L1, never left stale. */
  async save(key: string, contextId: string, data: unknown, options?: ManagerSaveOptions): Promise<void> {
    this.#assertOpen();
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const ttl = resolveTtl(options?.ttl, this.#options.memoryTtl);
    await this.#saveOne('save', key, contextId, data, ttl, options?.updateCache !== false);
  }

  /** True when the key existed in the store. */
  async delete(key: string, contextId: string): Promise<boolean> {
    this.#assertOpen();
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const existed = await this.#cache.mutate([key], contextId, () => this.#primary.deleteContext(key, contextId));
    this.#counters.deletes++;
    this.#events?.emit('delete', { key, contextId, existed });
    await this.#bus?.publish({ type: 'keys', contextId, keys: [key] });
    return existed;
  }

  /** True when the key is live in L1 or in the store. */
  async exists(key: string, contextId: string): Promise<boolean> {
    this.#assertOpen();
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const hit = this.#cache.hit(compositeKey(key, contextId)) !== undefined;
    if (this.#events !== undefined && this.#events.lookups) this.#events.lookup(hit, 'exists', key, contextId);
    if (hit) return true;
    this.#counters.loads++;
    return this.#guard(this.#primary.exists(key, contextId));
  }

  /** A null-prototype record of the requested keys: found ones, and `default` for the rest when given. */
  async bulkLoad<T = unknown>(keys: readonly string[], contextId: string, options?: BulkLoadOptions<T>): Promise<Record<string, T>> {
    this.#assertOpen();
    validateKeys(keys);
    validateId(contextId, 'contextId');
    const fallback = options?.default;
    const found = await this.#cache.readMany(keys, contextId, this.#lookups('bulkLoad', contextId), recordSink(fallback));
    return (found.record as Record<string, T> | undefined) ?? copiesAsRecord<T>(keys, found, fallback);
  }

  /** All entries or none, in one store call; then L1 like `save` (for at most the last `cacheSize` entries). */
  async bulkSave(entries: BulkEntries, contextId: string, options?: ManagerSaveOptions): Promise<void> {
    this.#assertOpen();
    validateId(contextId, 'contextId');
    const ttl = resolveTtl(options?.ttl, this.#options.memoryTtl);
    const pairs = bulkEntryPairs(entries);
    if (pairs.length === 0) return;
    await this.#bulkWrite('bulkSave', pairs, contextId, ttl, options?.updateCache !== false, entries);
  }

  /**
   * `clear()` or `clear(null, options)`: every context; `clear(ctx, options)`: one context.
   * An explicit `undefined` context is refused: it is usually an id that went missing, and
   * clearing everything is not a safe reading of it. Returns what the store removed.
   */
  async clear(...args: [contextId?: string | null, options?: ClearOptions]): Promise<number> {
    this.#assertOpen();
    const contextId = clearTarget(args);
    const options = args[1];
    const all = contextId === null;
    const vectors = options?.clearVectors === true ? this.#vectors : undefined;
    if (options?.clearVectors === true && vectors === undefined) {
      throw invalidArgument(`clearVectors: ${NO_VECTORS}, or leave clearVectors off`, { field: 'clearVectors' });
    }
    // Computations running for that context must not save their result into what was just cleared.
    this.#computations.detachWhere(all ? undefined : (ctx) => ctx === contextId);
    try {
      const removed = await this.#guard(all ? this.#primary.clear() : this.#primary.clear(contextId));
      if (vectors !== undefined) await this.#guard(all ? vectors.clear() : vectors.clear(contextId));
      this.#events?.emit('clear', { contextId, removed });
      return removed;
    } finally {
      if (options?.clearCache !== false) {
        if (all) this.#cache.invalidateAll();
        else this.#cache.invalidateContext(contextId);
      }
      // Other processes' L1 is stale whatever this one keeps, and even after a partial failure.
      await this.#bus?.publish(all ? { type: 'all' } : { type: 'context', contextId });
    }
  }

  /**
   * The cached value, or `fn()`'s result, saved with `ttl` (default `memoryTtl`). Concurrent
   * calls for one key share a single run of `fn`; if it throws, every waiter gets the error
   * and nothing is cached. A result of `undefined` is returned but not cached.
   */
  async withCache<T>(fn: () => T | Promise<T>, key: string, contextId: string, options?: WithCacheOptions): Promise<T> {
    this.#assertOpen();
    if (typeof fn !== 'function') throw invalidArgument('fn must be a function that returns the value to cache', { field: 'fn' });
    validateId(key, 'key');
    validateId(contextId, 'contextId');
    const ttl = resolveTtl(options?.ttl, this.#options.memoryTtl);
    const timeoutMs = options?.timeoutMs === undefined ? this.#options.withCacheTimeoutMs : checkMs(options.timeoutMs, 'timeoutMs', false);
    const forced = options?.forceRefresh === true;
    const ck = compositeKey(key, contextId);
    if (!forced) {
      const hit = this.#cache.hit(ck);
      if (this.#events !== undefined && this.#events.lookups) this.#events.lookup(hit !== undefined, 'withCache', key, contextId);
      if (hit !== undefined) return cloneValue(hit.value) as T;
    }
    if (options?.distributed === true) {
      const locks = requireLocks(this.#options.locks);
      const job = () =>
        computeUnderLock({
          locks,
          primary: this.#primary,
          key,
          contextId,
          fn,
          save: (value) => this.#saveOne('withCache', key, contextId, value, ttl, true),
          waitMs: timeoutMs ?? DISTRIBUTED_WAIT_MS,
          emit: this.#events && ((event, payload) => this.#events?.emit(event, payload)),
        });
      return cloneValue(await this.#computations.run(job, key, contextId, ck, ttl, forced, timeoutMs, true)) as T;
    }
    return cloneValue(await this.#computations.run(fn, key, contextId, ck, ttl, forced, timeoutMs)) as T;
  }

  /**
   * Loads what it can (L1, then one bulk store read), calls `fn` once with only the missing keys
   * (not at all when none are missing), bulk-saves what it returned for them, and returns a
   * null-prototype record of every key found or produced.
   */
  async withBulkCache<T>(
    fn: BulkProducer<T>,
    keys: readonly string[],
    contextId: string,
    options?: WithBulkCacheOptions,
  ): Promise<Record<string, T>> {
    this.#assertOpen();
    if (typeof fn !== 'function') throw invalidArgument('fn must be a function of the missing keys', { field: 'fn' });
    validateKeys(keys);
    validateId(contextId, 'contextId');
    const ttl = resolveTtl(options?.ttl, this.#options.memoryTtl);
    const found = await this.#cache.readMany(keys, contextId, this.#lookups('withBulkCache', contextId));
    const missing = [...new Set(keys)].filter((key) => !found.owned.has(key) && !found.shared.has(key));
    if (missing.length > 0) {
      const produced = await this.#guard(Promise.resolve().then(() => fn(missing.slice())));
      const pairs = pickEntries(produced, missing, 'withBulkCache fn');
      if (pairs.length > 0) await this.#bulkWrite('withBulkCache', pairs, contextId, ttl, true);
      // Not owned: fn may keep its own references to what it returned.
      for (const [key, value] of pairs) found.shared.set(key, value);
    }
    return copiesAsRecord<T>(keys, found, undefined);
  }

  /**
   * Drops L1 entries (the store is untouched); returns how many. `{ key, contextId }`: one entry;
   * `{ contextId }`: that context; `{ pattern, contextId? }`: keys matching the glob, in that
   * context or in all; `{}`: everything. Patterns match keys only, never context ids.
   */
  async invalidateCache(options: InvalidateOptions = {}): Promise<number> {
    this.#assertOpen();
    const removed = this.#invalidateLocal(options);
    await this.#bus?.publish(invalidationOf(options));
    return removed;
  }

  #invalidateLocal(options: InvalidateOptions): number {
    const { key, contextId, pattern } = options ?? {};
    if (contextId !== undefined) validateId(contextId, 'contextId');
    if (key !== undefined) {
      validateId(key, 'key');
      if (pattern !== undefined) throw invalidArgument('pass either key or pattern to invalidateCache, not both', { field: 'pattern' });
      if (contextId === undefined) {
        throw invalidArgument('invalidateCache({ key }) needs contextId as well: every key lives inside a context', {
          field: 'contextId',
        });
      }
      return this.#cache.invalidateKey(compositeKey(key, contextId));
    }
    if (pattern !== undefined) return this.#cache.invalidateMatching(keyMatcher(pattern), contextId);
    if (contextId !== undefined) return this.#cache.invalidateContext(contextId);
    return this.#cache.invalidateAll();
  }

  /** The manager's stats, then the primary's (and the vector store's): plain numbers for a dashboard. */
  async getStats(): Promise<MemoryManagerStats> {
    const manager = this.getManagerStats();
    const primary = await this.#guard(this.#primary.getStats());
    if (this.#vectors === undefined) return { manager, primary };
    return { manager, primary, vectors: await this.#guard(this.#vectors.getStats()) };
  }

  /** The manager's own figures, synchronously; unlike getStats it asks no store (RedisMemory's stats scan keys). */
  getManagerStats(): ManagerStats {
    this.#assertOpen();
    return managerStats(this.#cache.stats(), this.#counters, this.#cache.inflight + this.#computations.size);
  }

  async storeVector(text: string, metadata?: VectorMetadata, options?: StoreVectorOptions): Promise<string> {
    const vectors = this.#vectorStore();
    return this.#guard(vectors.storeVector(text, metadata, options));
  }

  async storeVectors(items: readonly VectorItem[], options?: { contextId?: string }): Promise<string[]> {
    const vectors = this.#vectorStore();
    return this.#guard(vectors.storeVectors(items, options));
  }

  async searchVectors(query: string, options?: SearchVectorsOptions): Promise<VectorSearchResult[]> {
    const vectors = this.#vectorStore();
    return this.#guard(vectors.searchVectors(query, options));
  }

  async deleteVectors(ids: readonly string[], contextId?: string): Promise<number> {
    const vectors = this.#vectorStore();
    return this.#guard(vectors.deleteVectors(ids, contextId));
  }

  /** Closes the primary and the vector store and stops timers. Idempotent; later calls fail with CLOSED. */
  async close(): Promise<void> {
    if (this.#closing === undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#cache.invalidateAll();
      this.#computations.detachWhere();
      this.#closing = closeAll(this.#primary, this.#vectors, this.#bus);
    }
    return this.#closing;
  }

  async #saveOne(op: ManagerOp, key: string, contextId: string, data: unknown, ttl: number | null, updateCache: boolean): Promise<void> {
    const copies = updateCache ? () => [copyForCache(data)] : undefined;
    const expiresAt = expiresAtFor(ttl);
    await this.#cache.mutate([key], contextId, () => this.#primary.saveContext(key, contextId, data, { ttl }), copies, expiresAt);
    this.#counters.saves++;
    if (this.#events?.has('write')) this.#events.emit('write', writeEvent(op, contextId, [key], [data], encodedSize));
    // Not `await this.#bus?.publish(…)`: without a bus that would still cost a turn of the microtask queue.
    if (this.#bus !== undefined) await this.#bus.publish({ type: 'keys', contextId, keys: [key] });
  }

  /** `entries`: what goes to the store, the caller's own record or Map when it has one (the same pairs, not copied again). */
  async #bulkWrite(
    op: ManagerOp,
    pairs: Array<[string, unknown]>,
    contextId: string,
    ttl: number | null,
    updateCache: boolean,
    entries: BulkEntries = new Map(pairs),
  ): Promise<void> {
    const keys = pairs.map(([key]) => key);
    const copies = updateCache ? () => cacheTail(pairs, this.#options.cacheSize) : undefined;
    const expiresAt = expiresAtFor(ttl);
    await this.#cache.mutate(keys, contextId, () => this.#primary.bulkSave(entries, contextId, { ttl }), copies, expiresAt);
    this.#counters.saves++;
    if (this.#events?.has('write')) {
      this.#events.emit(
        'write',
        writeEvent(
          op,
          contextId,
          keys,
          pairs.map(([, value]) => value),
          encodedSize,
        ),
      );
    }
    if (this.#bus !== undefined) await this.#bus.publish({ type: 'keys', contextId, keys });
  }

  /** Counts a failure of the store, vector store or caller code, and passes it on. */
  async #guard<R>(work: Promise<R>): Promise<R> {
    try {
      return await work;
    } catch (error) {
      this.#counters.errors++;
      throw error;
    }
  }

  /** The per-key hit/miss reporter for a bulk read, when someone listens. */
  #lookups(op: ManagerOp, contextId: string): ((hit: boolean, key: string) => void) | undefined {
    const events = this.#events;
    if (events === undefined || !events.lookups) return undefined;
    return (hit, key) => events.lookup(hit, op, key, contextId);
  }

  #vectorStore(): BaseVectorStore {
    this.#assertOpen();
    if (this.#vectors === undefined) throw invalidArgument(NO_VECTORS, { field: 'vectorStore' });
    return this.#vectors;
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw closedError('MemoryManager');
  }
}

const encodedSize = (value: unknown): number => serializeData(value).length;

async function closeAll(primary: BaseMemory, vectors: BaseVectorStore | undefined, bus: BusLink | undefined): Promise<void> {
  const results = await Promise.allSettled([primary.close(), vectors?.close(), bus?.close()]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}
