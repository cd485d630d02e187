import { invalidArgument } from '@engram/memory-core';
import { LRUCache } from 'lru-cache';

export interface TTLCacheOptions<V> {
  /** Most entries kept; the least recently used goes first. */
  maxSize: number;
  /** Default lifetime of an entry in milliseconds; `null` = only `expiresAt` or eviction ends it. */
  ttlMs: number | null;
  /** Called when an entry leaves the cache (not when it is overwritten by `set`). */
  onRemove?: (key: string, value: V, reason: TTLCacheRemoveReason) => void;
}

export type TTLCacheRemoveReason = 'evict' | 'expire' | 'delete';

export interface TTLCacheSetOptions {
  /** Lifetime of this entry in milliseconds, instead of the cache default. */
  ttlMs?: number | null;
  /** Absolute expiry (epoch ms, `Date.now()` clock): the entry never outlives it. `null` = no bound. */
  expiresAt?: number | null;
}

export interface TTLCacheStats {
  size: number;
  maxSize: number;
  hits: number;
  misses: number;
  evictions: number;
}

/** What lru-cache accepts as a value: anything but null and undefined. */
type Storable = NonNullable<unknown>;

/** lru-cache refuses null values: this frozen box stands in for a stored `null`. */
const NULL_VALUE: object = Object.freeze({});

/**
 * The ms lost between `Date.now()` (floored) and the real instant, plus lru-cache's strict `>`:
 * dropping an entry up to 1 ms early is harmless, serving it 1 ms after its store expiry is not.
 */
const EXPIRY_MARGIN_MS = 1;

/**
 * A bounded LRU whose entries expire: strict LRU order and per-entry TTL from lru-cache, plus
 * an absolute `expiresAt` bound so a cache above a store never outlives the store's copy.
 * An expired entry is never returned.
 */
export class TTLCache<V> {
  readonly #lru: LRUCache<string, Storable>;
  readonly #maxSize: number;
  readonly #ttlMs: number | null;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(options: TTLCacheOptions<V>) {
    const { maxSize, ttlMs, onRemove } = options ?? ({} as TTLCacheOptions<V>);
    if (!Number.isSafeInteger(maxSize) || maxSize <= 0) {
      throw invalidArgument('maxSize must be a positive whole number of entries, e.g. 1000', { field: 'maxSize' });
    }
    checkTtlMs(ttlMs, 'ttlMs');
    this.#maxSize = maxSize;
    this.#ttlMs = ttlMs ?? null;
    this.#lru = new LRUCache<string, Storable>({
      max: maxSize,
      // 0 makes lru-cache read the clock on every staleness check. Its default (1) caches
      // "now" until a timer fires, and no timer fires during a long synchronous or
      // microtask-only stretch: expired entries would be served for as long as that lasts.
      ttlResolution: 0,
      dispose: (value, key, reason) => {
        if (reason === 'evict') this.#evictions++;
        if (reason === 'set' || onRemove === undefined) return;
        onRemove(key, (value === NULL_VALUE ? null : value) as V, reason === 'evict' || reason === 'expire' ? reason : 'delete');
      },
    });
  }

  /** The live value, or `undefined` when missing or expired (an expired entry is removed). */
  get(key: string): V | undefined {
    const value = this.#lru.get(key);
    if (value === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    return (value === NULL_VALUE ? null : value) as V;
  }

  /**
   * Stores `value` for `min(ttlMs, expiresAt - now)`. When that is already over, the key is
   * removed instead (a set replaces the old value, and the new one is already expired).
   */
  set(key: string, value: V, options?: TTLCacheSetOptions): this {
    if (value === undefined) throw invalidArgument('TTLCache values must not be undefined (it means "missing"); use null');
    let ttl = this.#ttlMs;
    if (options !== undefined) {
      if (options.ttlMs !== undefined) {
        checkTtlMs(options.ttlMs, 'ttlMs');
        ttl = options.ttlMs;
      }
      const expiresAt = options.expiresAt;
      if (expiresAt !== undefined && expiresAt !== null) {
        if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
          throw invalidArgument('expiresAt must be epoch milliseconds (a number) or null', { field: 'expiresAt' });
        }
        const remaining = Math.floor(expiresAt - Date.now()) - EXPIRY_MARGIN_MS;
        if (ttl === null || remaining < ttl) ttl = remaining;
      }
    }
    if (ttl !== null && ttl <= 0) {
      this.#lru.delete(key);
      return this;
    }
    // ttl 0 is lru-cache's "no expiry".
    this.#lru.set(key, value === null ? NULL_VALUE : (value as Storable), { ttl: ttl ?? 0 });
    return this;
  }

  /** True for a live entry; touches neither recency nor the hit counters. */
  has(key: string): boolean {
    return this.#lru.has(key);
  }

  /** True when a live entry was removed. */
  delete(key: string): boolean {
    const live = this.#lru.has(key);
    this.#lru.delete(key);
    return live;
  }

  clear(): void {
    this.#lru.clear();
  }

  /** Removes expired entries now (otherwise they go when read or evicted). True if any were removed. */
  purgeExpired(): boolean {
    return this.#lru.purgeStale();
  }

  /** Entries held, including expired ones not yet purged. */
  get size(): number {
    return this.#lru.size;
  }

  get maxSize(): number {
    return this.#maxSize;
  }

  /** Live keys, most recently used first. */
  keys(): IterableIterator<string> {
    return this.#lru.keys();
  }

  stats(): TTLCacheStats {
    return { size: this.#lru.size, maxSize: this.#maxSize, hits: this.#hits, misses: this.#misses, evictions: this.#evictions };
  }
}

function checkTtlMs(ttlMs: unknown, field: string): void {
  if (ttlMs === null || ttlMs === undefined) return;
  if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw invalidArgument(`${field} must be a positive whole number of milliseconds, or null for no time limit`, { field });
  }
}
