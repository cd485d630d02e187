import type { StoreStats } from '@engram/memory-core';
import type { TTLCacheStats } from './ttl_cache.js';

/** What the manager itself did, as plain numbers. */
export interface ManagerStats {
  /** L1 entries held (expired ones not yet purged included). */
  cacheCurrentItems: number;
  /** L1 capacity (`cacheSize`). */
  cacheMaxItems: number;
  /** Reads answered from L1 (`load`, `exists`, `bulkLoad`, `withCache`, `withBulkCache`). */
  hits: number;
  /** L1 lookups that found nothing live. */
  misses: number;
  /** hits / (hits + misses), 0 before any lookup. */
  hitRate: number;
  /** L1 entries pushed out by the size bound. */
  evictions: number;
  /** Read calls sent to the primary store (one per shared single-flight read or bulk read). */
  loads: number;
  /** Write calls the primary store completed (a bulk save counts once). */
  saves: number;
  /** Deletes the primary store completed. */
  deletes: number;
  /** Operations that failed in the primary, the vector store or a withCache function, including timeouts. */
  errors: number;
  /** Store reads and withCache computations running right now. */
  inflight: number;
}

export interface MemoryManagerStats {
  manager: ManagerStats;
  primary: StoreStats;
  /** Present when the manager has a vector store. */
  vectors?: StoreStats;
}

/** The manager's mutable counters; only the manager and its read-through cache touch them. */
export interface ManagerCounters {
  loads: number;
  saves: number;
  deletes: number;
  errors: number;
}

export const newCounters = (): ManagerCounters => ({ loads: 0, saves: 0, deletes: 0, errors: 0 });

export function managerStats(cache: TTLCacheStats, counters: ManagerCounters, inflight: number): ManagerStats {
  const lookups = cache.hits + cache.misses;
  return {
    cacheCurrentItems: cache.size,
    cacheMaxItems: cache.maxSize,
    hits: cache.hits,
    misses: cache.misses,
    hitRate: lookups === 0 ? 0 : cache.hits / lookups,
    evictions: cache.evictions,
    loads: counters.loads,
    saves: counters.saves,
    deletes: counters.deletes,
    errors: counters.errors,
    inflight,
  };
}
