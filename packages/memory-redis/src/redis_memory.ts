import {
  ErrorCode,
  MemoryError,
  invalidArgument,
  type BaseMemory,
  type BulkEntries,
  type MemoryEntry,
  type SaveOptions,
  type StoreStats,
} from '@engram/memory-core';
import { expiresAtFor, resolveTtl, validateId, validateKeys } from '@engram/memory-utils';
import { CircuitBreaker } from './circuit_breaker.js';
import { borrowClient, type ClientLease } from './client_lease.js';
import { getConnectionManager } from './connection_manager.js';
import { clearContext, deleteEntry, saveEntries, saveEntry } from './context_scripts.js';
import { decodeEntry, decodeValue, encodeEntry } from './entry_format.js';
import { clearKeyspace, countValueKeys, readKeyspaceStats } from './keyspace_walk.js';
import { whenReady, type RedisClient } from './redis_client.js';
import { toMemoryError } from './redis_errors.js';
import { contextKeys, entryKeys, escapeId } from './redis_keys.js';
import { resolveOptions, type RedisMemoryOptions } from './redis_memory_options.js';

/**
 * `BaseMemory` on Redis 7+. One GET/MGET per load, one script per save/delete/clear(ctx), values
 * stored as binary with their absolute expiry in front. See the README for the key scheme and
 * the guarantees.
 */
export class RedisMemory implements BaseMemory {
  readonly name = 'redis';
  readonly keyPrefix: string;
  /** Seconds, or null for never: the ttl used when a save passes none. */
  readonly defaultTtl: number | null;
  /** Largest encoded value a save accepts, in bytes. */
  readonly maxValueBytes: number;
  #lease: ClientLease;
  readonly #breaker: CircuitBreaker | undefined;
  /** Silent when undefined; never given values, keys or credentials. */
  readonly #logger: ReturnType<typeof resolveOptions>['logger'];
  #closed = false;

  constructor(options: RedisMemoryOptions = {}) {
    const resolved = resolveOptions(options);
    this.keyPrefix = resolved.keyPrefix;
    this.defaultTtl = resolved.defaultTtl;
    this.maxValueBytes = resolved.maxValueBytes;
    const logger = (this.#logger = resolved.logger);
    const breakerChanged =
      logger &&
      ((state: string) =>
        logger.warn(
          { component: 'RedisMemory', breaker: state },
          state === 'open' ? 'circuit breaker opened: Redis is unreachable, operations fail fast until a probe succeeds' : 'circuit breaker closed: Redis answers again',
        ));
    this.#breaker = resolved.circuitBreaker === undefined ? undefined : new CircuitBreaker(resolved.circuitBreaker, Date.now, breakerChanged);
    this.#lease =
      resolved.client !== undefined
        ? borrowClient(resolved.client)
        : resolved.cluster !== undefined
          ? getConnectionManager().acquireCluster(resolved.cluster)
          : getConnectionManager().acquire(resolved.connection!);
  }

  async loadContext<T = unknown>(key: string, contextId: string): Promise<T | undefined> {
    this.#assertOpen();
    const { value } = entryKeys(key, contextId, this.keyPrefix);
    const bytes = await this.#run('loadContext', (client) => client.getBuffer(value));
    return bytes === null ? undefined : decodeValue<T>(bytes);
  }

  async loadEntry<T = unknown>(key: string, contextId: string): Promise<MemoryEntry<T> | undefined> {
    this.#assertOpen();
    const { value } = entryKeys(key, contextId, this.keyPrefix);
    const bytes = await this.#run('loadEntry', (client) => client.getBuffer(value));
    return bytes === null ? undefined : decodeEntry<T>(bytes);
  }

  async bulkLoadEntries<T = unknown>(keys: readonly string[], contextId: string): Promise<Map<string, MemoryEntry<T>>> {
    this.#assertOpen();
    validateKeys(keys);
    const { valuePrefix } = contextKeys(contextId, this.keyPrefix);
    const found = new Map<string, MemoryEntry<T>>();
    if (keys.length === 0) return found;
    const redisKeys = keys.map((key) => valuePrefix + escapeId(key));
    const values = await this.#run('bulkLoad', (client) => client.mgetBuffer(redisKeys));
    values.forEach((bytes, i) => {
      if (bytes !== null) found.set(keys[i]!, decodeEntry<T>(bytes));
    });
    return found;
  }

  async bulkLoad<T = unknown>(keys: readonly string[], contextId: string): Promise<Record<string, T>> {
    this.#assertOpen();
    validateKeys(keys);
    const { valuePrefix } = contextKeys(contextId, this.keyPrefix);
    const out = Object.create(null) as Record<string, T>;
    if (keys.length === 0) return out;
    const redisKeys = keys.map((key) => valuePrefix + escapeId(key));
    const values = await this.#run('bulkLoad', (client) => client.mgetBuffer(redisKeys));
    // Straight to the record: no MemoryEntry or Map per value (this path is measured against raw MGET).
    for (let i = 0; i < values.length; i++) {
      const bytes = values[i];
      if (bytes !== null && bytes !== undefined) out[keys[i]!] = decodeValue<T>(bytes);
    }
    return out;
  }

  async saveContext(key: string, contextId: string, data: unknown, options?: SaveOptions): Promise<void> {
    this.#assertOpen();
    const keys = entryKeys(key, contextId, this.keyPrefix);
    const ttl = resolveTtl(options?.ttl, this.defaultTtl);
    const payload = encodeEntry(data, expiresAtFor(ttl), this.maxValueBytes);
    await this.#run('saveContext', (client) => saveEntry(client, keys, payload, ttlMs(ttl)));
  }

  async bulkSave(entries: BulkEntries, contextId: string, options?: SaveOptions): Promise<void> {
    this.#assertOpen();
    const context = contextKeys(contextId, this.keyPrefix);
    const { valuePrefix } = context;
    const ttl = resolveTtl(options?.ttl, this.defaultTtl);
    const pairs = entriesOf(entries);
    // Every key is checked and every value encoded before anything is sent: a bad entry writes nothing.
    const members = pairs.map(([key]) => {
      validateId(key, 'key');
      return escapeId(key);
    });
    const expiresAt = expiresAtFor(ttl);
    const payloads = pairs.map(([, data]) => encodeEntry(data, expiresAt, this.maxValueBytes));
    if (pairs.length === 0) return;
    const redisKeys = members.map((member) => valuePrefix + member);
    await this.#run('bulkSave', (client) => saveEntries(client, context, redisKeys, members, payloads, ttlMs(ttl)));
  }

  async deleteContext(key: string, contextId: string): Promise<boolean> {
    this.#assertOpen();
    const keys = entryKeys(key, contextId, this.keyPrefix);
    return (await this.#run('deleteContext', (client) => deleteEntry(client, keys))) === 1;
  }

  async exists(key: string, contextId: string): Promise<boolean> {
    this.#assertOpen();
    const { value } = entryKeys(key, contextId, this.keyPrefix);
    return (await this.#run('exists', (client) => client.exists(value))) === 1;
  }

  /**
   * `clear(ctx)` removes that context through its index, at a cost proportional to its own keys.
   * `clear()` (no argument) SCANs for this prefix's keys and UNLINKs them in batches; an explicit
   * `clear(undefined)` is refused, as a likely bug that would otherwise empty the whole store.
   */
  async clear(contextId?: string): Promise<number> {
    this.#assertOpen();
    if (arguments.length > 0) {
      const keys = contextKeys(contextId as string, this.keyPrefix);
      return this.#run('clear', (client) => clearContext(client, keys));
    }
    return this.#run('clear', (client) => clearKeyspace(client, this.keyPrefix));
  }

  /**
   * `totalKeys` is exact but walks the keyspace with SCAN (COUNT 1000 per step, so Redis is never
   * blocked): its cost grows with the size of the whole database, not just this prefix. The other
   * figures come from one INFO and describe the whole server.
   */
  async getStats(): Promise<StoreStats> {
    this.#assertOpen();
    return this.#run('getStats', async (client) => {
      const totalKeys = await countValueKeys(client, this.keyPrefix);
      const server = await readKeyspaceStats(client);
      const breaker = this.#breaker?.counters ?? { breakerOpened: 0, breakerRejected: 0 };
      return { backend: this.name, totalKeys, keyPrefix: this.keyPrefix, ...server, circuitBreaker: this.circuitState, ...breaker };
    });
  }

  /** `closed` (operations go through), `open` (they fail fast), `half-open` (one probe is running), or `off`. */
  get circuitState(): string {
    return this.#breaker?.state ?? 'off';
  }

  /** Releases this store's share of its connections; a caller-owned `client` stays open. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#lease.release();
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new MemoryError(ErrorCode.CLOSED, 'This RedisMemory is closed: create a new RedisMemory to keep using Redis');
    }
  }

  /** Runs one command (or one pipeline) on the next connection, mapping failures to MemoryError. */
  #run<T>(operation: string, command: (client: RedisClient) => Promise<T>): Promise<T> {
    const lease = this.#lease;
    if (lease.revoked) {
      return Promise.reject(
        new MemoryError(
          ErrorCode.CONNECTION_ERROR,
          `The connections to ${lease.target} were closed by getConnectionManager().closeAll(): create a new RedisMemory`,
          { details: { operation, target: lease.target } },
        ),
      );
    }
    const breaker = this.#breaker;
    breaker?.admit(lease.target, operation);
    const client = lease.next();
    const fail = (error: unknown): never => {
      const mapped = toMemoryError(error, {
        operation,
        target: lease.target,
        status: client.status,
        commandTimeout: lease.commandTimeout,
        lastConnectionError: lease.lastError(client),
        redact: lease.redact,
      });
      breaker?.failed(mapped);
      this.#logger?.error({ component: 'RedisMemory', op: operation, code: mapped.code }, 'redis operation failed');
      throw mapped;
    };
    try {
      const ready = whenReady(client, lease.commandTimeout);
      const running = ready === undefined ? command(client) : ready.then(() => command(client));
      if (breaker === undefined) return running.catch(fail);
      return running.then((result) => {
        breaker.succeeded();
        return result;
      }, fail);
    } catch (error) {
      return Promise.reject(error).catch(fail);
    }
  }
}

function ttlMs(ttl: number | null): string {
  return ttl === null ? '0' : String(ttl * 1000);
}

function entriesOf(entries: BulkEntries): Array<[string, unknown]> {
  if (entries instanceof Map) return [...entries];
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw invalidArgument('entries must be a plain object or a Map of key → value', { field: 'entries' });
  }
  return Object.entries(entries);
}
