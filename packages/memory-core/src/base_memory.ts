/**
 * Time to live in whole seconds. `undefined` means "the store's or manager's default";
 * `null` means "never expires". 0, negatives, NaN and fractions are rejected.
 */
export type Ttl = number | null;

export interface SaveOptions {
  ttl?: Ttl;
}

/** Plain numbers a dashboard can show; each store adds its own fields. */
export interface StoreStats {
  backend: string;
  totalKeys: number;
  [field: string]: string | number | boolean | null;
}

/** A stored value with its absolute expiry, so caches above a store never outlive it. */
export interface MemoryEntry<T = unknown> {
  value: T;
  /** Epoch milliseconds, or null when the entry never expires. */
  expiresAt: number | null;
}

/** Entries for a bulk save: a plain record or a Map (use a Map for keys like `__proto__`). */
export type BulkEntries<T = unknown> = Readonly<Record<string, T>> | ReadonlyMap<string, T>;

/**
 * A context-scoped key-value store. Every key lives inside one context (a user,
 * session or agent id); nothing is ever read, written or cleared across contexts.
 *
 * Keys and context ids are non-empty, well-formed strings of any characters; they
 * are data, never patterns.
 */
export interface BaseMemory {
  /** Short backend name, e.g. `redis`, `sqlite`, `in-process`. */
  readonly name: string;
  /** The value, or `undefined` when the key is missing or expired. */
  loadContext<T = unknown>(key: string, contextId: string): Promise<T | undefined>;
  /** Like `loadContext`, with the entry's expiry. */
  loadEntry<T = unknown>(key: string, contextId: string): Promise<MemoryEntry<T> | undefined>;
  /** The found keys only, with their expiries. */
  bulkLoadEntries<T = unknown>(keys: readonly string[], contextId: string): Promise<Map<string, MemoryEntry<T>>>;
  /** Stores a copy of `data`. `undefined` is not storable (it means "missing"). */
  saveContext(key: string, contextId: string, data: unknown, options?: SaveOptions): Promise<void>;
  /** True when the key existed. */
  deleteContext(key: string, contextId: string): Promise<boolean>;
  exists(key: string, contextId: string): Promise<boolean>;
  /** The found keys only, as a null-prototype record. */
  bulkLoad<T = unknown>(keys: readonly string[], contextId: string): Promise<Record<string, T>>;
  /** All entries or none: every value is encoded before anything is written. */
  bulkSave(entries: BulkEntries, contextId: string, options?: SaveOptions): Promise<void>;
  /** Removes one context's keys, or every key this store owns. Returns how many were removed. */
  clear(contextId?: string): Promise<number>;
  getStats(): Promise<StoreStats>;
  /** Releases connections and timers. Later calls fail with `CLOSED`. */
  close(): Promise<void>;
}
