import { invalidArgument, type DistributedLockHandle, type DistributedLockRequest, type DistributedLocks } from '@engram/memory-core';
import type { Redis } from 'ioredis';
import { AsyncLock, type LockServers } from './async_lock.js';
import { resolveConnectionConfig, type ConnectionFields } from './connection_config.js';
import { getConnectionManager } from './connection_manager.js';

export interface RedisLocksOptions {
  /** Namespace of the lock keys. Default `engram`. */
  keyPrefix?: string;
  /** Milliseconds between attempts while waiting. Default 50. */
  retryDelayMs?: number;
}

/**
 * `DistributedLocks` (memory-core's lock provider, e.g. MemoryManager's `locks` option) on
 * AsyncLock: waits up to `waitMs` for a lock, which then lives `ttlMs` (rounded up to whole
 * seconds) and is extended while held.
 */
export class RedisLocks implements DistributedLocks {
  readonly #servers: LockServers;
  readonly #keyPrefix: string | undefined;
  readonly #delayMs: number;
  #release: (() => Promise<void>) | undefined;

  /**
   * Locks on a connection from the shared connection manager (the same one RedisMemory uses for
   * equal options); `close()` gives it back.
   */
  static connect(fields: ConnectionFields, options: RedisLocksOptions = {}): RedisLocks {
    const lease = getConnectionManager().acquire(resolveConnectionConfig({ ...fields, poolSize: 1 }));
    const locks = new RedisLocks(lease.next() as Redis, options);
    locks.#release = () => lease.release();
    return locks;
  }

  constructor(servers: LockServers, options: RedisLocksOptions = {}) {
    this.#servers = servers;
    this.#keyPrefix = options.keyPrefix;
    const delay = options.retryDelayMs ?? 50;
    if (!Number.isSafeInteger(delay) || delay < 1) throw invalidArgument('retryDelayMs must be a whole number of ms ≥ 1', { field: 'retryDelayMs' });
    this.#delayMs = delay;
  }

  async acquire(name: string, request: DistributedLockRequest): Promise<DistributedLockHandle> {
    const { ttlMs, waitMs } = request;
    if (!(ttlMs > 0) || !(waitMs >= 0)) throw invalidArgument('ttlMs must be > 0 and waitMs ≥ 0', { field: 'request' });
    const lock = await AsyncLock.acquire(this.#servers, name, {
      ttl: Math.max(1, Math.ceil(ttlMs / 1000)),
      keyPrefix: this.#keyPrefix,
      retry: { count: Math.ceil(waitMs / this.#delayMs), delayMs: this.#delayMs, jitterMs: Math.floor(this.#delayMs / 2) },
    });
    return lock;
  }

  /** Releases a connection taken by `connect()`; clients passed to the constructor stay open. */
  async close(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    await release?.();
  }
}
