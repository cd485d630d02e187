import {
  checkLogger,
  invalidArgument,
  type EngramLogger,
  type BaseMemory,
  type BaseVectorStore,
  type DistributedLocks,
  type InvalidationBus,
  type Ttl,
} from '@engram/memory-core';
import { ExpirationPolicy, resolveTtl, validateId } from '@engram/memory-utils';
import { checkMs } from './milliseconds.js';

export interface MemoryManagerOptions {
  /** Most L1 entries kept (strict LRU). Default 1000. */
  cacheSize?: number;
  /** Longest an L1 entry lives, in seconds; `null` = only the store's expiry and the LRU bound. Default 3600. */
  cacheTtl?: Ttl;
  /** TTL in seconds for saves that give none; `null` = never expires. Default `ExpirationPolicy.DEFAULT` (1 day). */
  memoryTtl?: Ttl;
  /** Milliseconds between purges of expired L1 entries; `0` disables the timer. Default 60 000. */
  cacheCleanupIntervalMs?: number;
  /** Default `timeoutMs` for `withCache`. Default: none. */
  withCacheTimeoutMs?: number;
  /**
   * Cross-process coherence (e.g. RedisInvalidationBus): every write, clear and invalidation is
   * published, and messages from other processes drop the matching L1 entries. One bus per
   * manager; the manager closes it.
   */
  bus?: InvalidationBus;
  /** Milliseconds L1 still answers after the bus disconnects; then it is bypassed until reconnect. Default 1000. */
  busDownMaxStalenessMs?: number;
  /** Lock provider for `withCache(..., { distributed: true })`, e.g. RedisLocks from @engram/memory-redis. */
  locks?: DistributedLocks;
  /**
   * A pino-shaped logger (`debug/info/warn/error(fields, message)`). Default none: silent, and no
   * cost. debug: every operation; warn: bus disconnect/reconnect, lock lost; error: failures with
   * their code. Keys and context ids appear only as `logId` hashes; values never.
   */
  logger?: EngramLogger;
}

export interface ResolvedManagerOptions {
  cacheSize: number;
  cacheTtlMs: number | null;
  memoryTtl: number | null;
  cleanupIntervalMs: number;
  withCacheTimeoutMs: number | undefined;
  bus: InvalidationBus | undefined;
  busDownMaxStalenessMs: number;
  locks: DistributedLocks | undefined;
  logger: EngramLogger | undefined;
}

export interface LoadOptions<T> {
  /** Returned when the key is missing or expired. */
  default?: T;
  /** `false` reads the store directly and leaves L1 untouched. Default true. */
  useCache?: boolean;
}

export interface ManagerSaveOptions {
  /** Seconds; `undefined` → `memoryTtl`, `null` → never expires. */
  ttl?: Ttl;
  /** `false` drops the key from L1 instead of caching the saved value. Default true. */
  updateCache?: boolean;
}

export interface BulkLoadOptions<T> {
  /** Given to every missing key; without it, missing keys are absent from the result. */
  default?: T;
}

export interface ClearOptions {
  /** Drop the cleared context's L1 entries too. Default true. */
  clearCache?: boolean;
  /** Also clear the vector store (refused when the manager has none). Default false. */
  clearVectors?: boolean;
}

export interface WithCacheOptions {
  /** TTL of the saved result; `undefined` → `memoryTtl`. */
  ttl?: Ttl;
  /** Run `fn` even when a value is cached (callers arriving meanwhile share the fresh run). */
  forceRefresh?: boolean;
  /** Give up after this many ms: every waiter gets MemoryError(TIMEOUT) and the late result is dropped. */
  timeoutMs?: number;
  /**
   * Across processes, run `fn` once per cold key: needs the manager's `locks`. Other processes
   * wait (up to `timeoutMs`, default 30 s) and read its result from the store.
   */
  distributed?: boolean;
}

export interface WithBulkCacheOptions {
  /** TTL of the saved results; `undefined` → `memoryTtl`. */
  ttl?: Ttl;
}

export interface InvalidateOptions {
  /** One key; needs `contextId`. */
  key?: string;
  /** Limit to this context. */
  contextId?: string;
  /** Glob over keys (`*`, `?`, `\` escapes), within `contextId` when given, else in every context. */
  pattern?: string;
}

export function resolveManagerOptions(options: MemoryManagerOptions | undefined): ResolvedManagerOptions {
  const o = options ?? {};
  if (typeof o !== 'object') throw invalidArgument('options must be an object, e.g. { cacheSize: 1000 }', { field: 'options' });
  const cacheSize = o.cacheSize ?? 1_000;
  if (!Number.isSafeInteger(cacheSize) || cacheSize <= 0) {
    throw invalidArgument('cacheSize must be a positive whole number of entries, e.g. 1000', { field: 'cacheSize' });
  }
  const cacheTtl = resolveTtl(o.cacheTtl, ExpirationPolicy.CACHE, 'cacheTtl');
  return {
    cacheSize,
    cacheTtlMs: cacheTtl === null ? null : cacheTtl * 1000,
    memoryTtl: resolveTtl(o.memoryTtl, ExpirationPolicy.DEFAULT, 'memoryTtl'),
    cleanupIntervalMs: checkMs(o.cacheCleanupIntervalMs ?? 60_000, 'cacheCleanupIntervalMs', true),
    withCacheTimeoutMs: o.withCacheTimeoutMs === undefined ? undefined : checkMs(o.withCacheTimeoutMs, 'withCacheTimeoutMs', false),
    bus: checkBus(o.bus),
    busDownMaxStalenessMs: checkMs(o.busDownMaxStalenessMs ?? 1_000, 'busDownMaxStalenessMs', true),
    locks: checkLocks(o.locks),
    logger: checkLogger(o.logger),
  };
}

/**
 * The context `clear(...args)` means: a valid id, or null for every context (`clear()` or
 * `clear(null, …)`). An explicit `undefined` is refused: it is usually an id that went
 * missing upstream, and "clear everything" is not a safe reading of it.
 */
export function clearTarget(args: readonly unknown[]): string | null {
  if (args.length === 0 || args[0] === null) return null;
  const contextId = args[0];
  if (contextId === undefined) {
    throw invalidArgument('contextId is undefined: pass a context id, or call clear() / clear(null, options) to clear every context', {
      field: 'contextId',
    });
  }
  validateId(contextId, 'contextId');
  return contextId;
}

/** Duck-typed: stores from other packages (or other copies of memory-core) are welcome. */
export function checkStores(primary: BaseMemory, vectorStore: BaseVectorStore | null | undefined): void {
  if (typeof primary?.loadEntry !== 'function' || typeof primary.bulkLoadEntries !== 'function') {
    throw invalidArgument('primary must be a BaseMemory, e.g. new InProcessMemory(), a RedisMemory or a SqliteMemory', {
      field: 'primary',
    });
  }
  if (vectorStore != null && typeof vectorStore.searchVectors !== 'function') {
    throw invalidArgument('vectorStore must be a BaseVectorStore, or undefined for none', { field: 'vectorStore' });
  }
}

function checkBus(bus: unknown): InvalidationBus | undefined {
  if (bus === undefined) return undefined;
  const b = bus as Partial<InvalidationBus> | null;
  if (typeof b?.publish !== 'function' || typeof b.subscribe !== 'function' || typeof b.close !== 'function') {
    throw invalidArgument('bus must be an InvalidationBus, e.g. new RedisInvalidationBus({ url }) from @engram/memory-redis', { field: 'bus' });
  }
  return bus as InvalidationBus;
}

function checkLocks(locks: unknown): DistributedLocks | undefined {
  if (locks === undefined) return undefined;
  if (typeof (locks as Partial<DistributedLocks> | null)?.acquire !== 'function') {
    throw invalidArgument('locks must be a DistributedLocks provider, e.g. new RedisLocks(redis) from @engram/memory-redis', { field: 'locks' });
  }
  return locks as DistributedLocks;
}
