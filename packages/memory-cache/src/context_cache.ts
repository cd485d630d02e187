import { compositeKey } from '@engram/memory-utils';
import { TTLCache, type TTLCacheStats } from './ttl_cache.js';

/** One L1 entry. `value` belongs to the cache: callers only ever receive copies of it. */
export interface L1Entry {
  readonly key: string;
  readonly contextId: string;
  readonly value: unknown;
}

/**
 * The manager's L1: a TTLCache keyed by `compositeKey(key, contextId)`, plus an index of
 * context → keys so a context can be dropped in O(its entries) rather than by scanning the
 * whole cache. The index follows every removal (evict, expire, delete) through `onRemove`.
 */
export class ContextCache {
  readonly #cache: TTLCache<L1Entry>;
  readonly #byContext = new Map<string, Set<string>>();
  readonly #trusted: (() => boolean) | undefined;
  readonly #capacity: number;

  /** `trusted`: when it answers false, `get` finds nothing (L1 may be stale, e.g. an invalidation bus is down). */
  constructor(maxItems: number, ttlMs: number | null, trusted?: () => boolean) {
    this.#cache = new TTLCache<L1Entry>({ maxSize: maxItems, ttlMs, onRemove: (_ck, entry) => this.#unindex(entry) });
    this.#trusted = trusted;
    this.#capacity = maxItems;
  }

  /** Most entries it holds: a bulk fill never needs to set more than this many. */
  get capacity(): number {
    return this.#capacity;
  }

  /** False when no entry of `contextId` is cached (expired ones may still count until swept). */
  holdsContext(contextId: string): boolean {
    return this.#byContext.has(contextId);
  }

  get(ck: string): L1Entry | undefined {
    if (this.#trusted !== undefined && !this.#trusted()) return undefined;
    return this.#cache.get(ck);
  }

  has(ck: string): boolean {
    return this.#cache.has(ck);
  }

  /** Caches `value` (which the caller hands over) until `expiresAt` or the cache TTL, whichever is first. */
  set(key: string, contextId: string, ck: string, value: unknown, expiresAt: number | null): void {
    this.#cache.set(ck, { key, contextId, value }, { expiresAt });
    // An already-expired entry is not stored; indexing it would leave a dangling key.
    if (!this.#cache.has(ck)) return;
    let keys = this.#byContext.get(contextId);
    if (keys === undefined) {
      keys = new Set();
      this.#byContext.set(contextId, keys);
    }
    keys.add(key);
  }

  /** True when a live entry was removed. */
  delete(ck: string): boolean {
    return this.#cache.delete(ck);
  }

  /** Removes one context's entries; returns how many live ones there were. */
  deleteContext(contextId: string): number {
    const keys = this.#byContext.get(contextId);
    if (keys === undefined) return 0;
    // Detached first, so onRemove doesn't edit the set being walked.
    this.#byContext.delete(contextId);
    let removed = 0;
    for (const key of keys) if (this.#cache.delete(compositeKey(key, contextId))) removed++;
    return removed;
  }

  /** Removes the entries whose key `matches`, in one context or in all of them. */
  deleteMatching(matches: (key: string) => boolean, contextId?: string): number {
    let removed = 0;
    const contexts = contextId === undefined ? [...this.#byContext.keys()] : [contextId];
    for (const ctx of contexts) {
      const keys = this.#byContext.get(ctx);
      if (keys === undefined) continue;
      for (const key of [...keys]) {
        if (matches(key) && this.#cache.delete(compositeKey(key, ctx))) removed++;
      }
    }
    return removed;
  }

  /** Empties the cache; returns how many live entries it held. */
  clear(): number {
    let live = 0;
    for (const _ of this.#cache.keys()) live++;
    this.#byContext.clear();
    this.#cache.clear();
    return live;
  }

  purgeExpired(): void {
    this.#cache.purgeExpired();
  }

  /** Contexts with at least one entry in the index (for tests and diagnostics). */
  get contextCount(): number {
    return this.#byContext.size;
  }

  stats(): TTLCacheStats {
    return this.#cache.stats();
  }

  #unindex(entry: L1Entry): void {
    const keys = this.#byContext.get(entry.contextId);
    if (keys === undefined) return;
    keys.delete(entry.key);
    if (keys.size === 0) this.#byContext.delete(entry.contextId);
  }
}
