import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import { validatePrefix } from '@engram/memory-utils';
import type { Cluster, Redis } from 'ioredis';
import Redlock, { type Lock } from 'redlock';
import { nextFencingToken } from './fencing_token.js';
import { lockKeys } from './lock_keys.js';

/** One Redis (or Cluster), or several independent masters for a Redlock quorum. */
export type LockServers = Redis | Cluster | readonly (Redis | Cluster)[];

export interface LockRetryOptions {
  /** Further attempts after the first. Default 50. */
  count?: number;
  /** Milliseconds between attempts. Default 100. */
  delayMs?: number;
  /** Up to this many ms added to or taken from each delay, so waiters don't move in step. Default 50. */
  jitterMs?: number;
}

export interface AsyncLockOptions {
  /** Whole seconds the lock lives if its holder stops extending it (crash). Default 10. */
  ttl?: number;
  retry?: LockRetryOptions;
  /** Namespace of the lock keys, as in RedisMemory. Default `engram`. */
  keyPrefix?: string;
}

const DEFAULT_TTL_S = 10;
const MAX_TTL_S = 86_400;

/**
 * A distributed lock on Redlock: acquired on a majority of `servers`, extended automatically
 * every ttl/3 while held, released on `release()` / `await using` / the end of `run`. If an
 * extension fails the lock counts as lost: `signal` aborts with MemoryError(LOCK_ERROR), since
 * another process may now hold it. `fencingToken` grows with every acquisition of the name.
 */
export class AsyncLock implements AsyncDisposable {
  readonly name: string;
  readonly fencingToken: number;
  readonly #redlock: Redlock;
  readonly #ttlMs: number;
  readonly #controller = new AbortController();
  #lock: Lock;
  #timer: NodeJS.Timeout | undefined;
  #extending: Promise<void> | undefined;
  #released: Promise<void> | undefined;

  private constructor(redlock: Redlock, lock: Lock, name: string, ttlMs: number, fencingToken: number) {
    this.#redlock = redlock;
    this.#lock = lock;
    this.name = name;
    this.#ttlMs = ttlMs;
    this.fencingToken = fencingToken;
    this.#schedule();
  }

  /** Waits (per `retry`) for the lock, or fails with MemoryError(LOCK_ERROR). */
  static async acquire(servers: LockServers, name: string, options: AsyncLockOptions = {}): Promise<AsyncLock> {
    const list = serverList(servers);
    const { ttlMs, keyPrefix, retryCount, retryDelay, retryJitter } = resolveLockOptions(options);
    const keys = lockKeys(name, keyPrefix);
    // Extensions run on our own timer; Redlock's threshold only matters for `using`, which we don't use.
    const redlock = new Redlock(list, { retryCount, retryDelay, retryJitter });
    let lock: Lock;
    try {
      lock = await redlock.acquire([keys.lock], ttlMs);
    } catch {
      const waited = retryCount * retryDelay;
      throw new MemoryError(
        ErrorCode.LOCK_ERROR,
        `could not acquire the lock in ${retryCount + 1} attempts (~${waited} ms): another process holds it, or fewer than a majority of the ${list.length} Redis server(s) answered; raise retry.count or retry.delayMs, or check the servers`,
        { details: { attempts: retryCount + 1, servers: list.length } },
      );
    }
    let token: number;
    try {
      token = await nextFencingToken(list, keys.fence, Math.max(1, lock.expiration - Date.now()));
    } catch (error) {
      await redlock.release(lock, { retryCount: 0 }).catch(() => undefined);
      throw error;
    }
    return new AsyncLock(redlock, lock, name, ttlMs, token);
  }

  /** Acquires, runs `fn`, releases. See `run`. */
  static async run<T>(
    servers: LockServers,
    name: string,
    fn: (signal: AbortSignal, fencingToken: number) => T | Promise<T>,
    options?: AsyncLockOptions,
  ): Promise<T> {
    const lock = await AsyncLock.acquire(servers, name, options);
    return lock.run(fn);
  }

  /** Aborts (with MemoryError(LOCK_ERROR) as its reason) when the lock is lost. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** False once the lock is released or lost. */
  get held(): boolean {
    return this.#released === undefined && !this.#controller.signal.aborted;
  }

  /** Throws MemoryError(LOCK_ERROR) unless the lock is still held: call it before a write that needs exclusivity. */
  assertHeld(): void {
    if (this.#controller.signal.aborted) throw this.#controller.signal.reason as MemoryError;
    if (this.#released !== undefined) throw new MemoryError(ErrorCode.LOCK_ERROR, 'the lock was already released: acquire it again');
  }

  /**
   * Runs `fn(signal, fencingToken)` while holding the lock, then releases it. If the lock was
   * lost meanwhile, rejects with MemoryError(LOCK_ERROR) even when `fn` succeeded: its work
   * may have overlapped another holder's.
   */
  async run<T>(fn: (signal: AbortSignal, fencingToken: number) => T | Promise<T>): Promise<T> {
    try {
      this.assertHeld();
      const result = await fn(this.signal, this.fencingToken);
      this.assertHeld();
      return result;
    } finally {
      await this.release();
    }
  }

  /** Stops extending and deletes the lock where it is still ours. Idempotent; never throws (the ttl frees it anyway). */
  release(): Promise<void> {
    this.#released ??= (async () => {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#extending;
      await this.#redlock.release(this.#lock, { retryCount: 0 }).catch(() => undefined);
    })();
    return this.#released;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#extending = this.#extend();
    }, Math.max(1, Math.floor(this.#ttlMs / 3)));
    // A forgotten lock must not keep the process alive; its ttl frees it.
    this.#timer.unref();
  }

  async #extend(): Promise<void> {
    if (this.#released !== undefined) return;
    try {
      this.#lock = await this.#redlock.extend(this.#lock, this.#ttlMs, { retryCount: 1, retryDelay: Math.min(50, this.#ttlMs / 10), retryJitter: 0 });
    } catch {
      this.#lose();
      return;
    } finally {
      this.#extending = undefined;
    }
    if (this.#released === undefined) this.#schedule();
  }

  #lose(): void {
    if (this.#released !== undefined) return;
    this.#controller.abort(
      new MemoryError(
        ErrorCode.LOCK_ERROR,
        'the lock was lost: it could not be extended before it expired (Redis unreachable, or the holder was blocked longer than the ttl); stop the work, another process may hold the lock now',
      ),
    );
  }
}

function serverList(servers: LockServers): (Redis | Cluster)[] {
  const list = Array.isArray(servers) ? [...(servers as readonly (Redis | Cluster)[])] : [servers as Redis | Cluster];
  if (list.length === 0 || list.some((server) => typeof server?.evalsha !== 'function' || typeof server.incr !== 'function')) {
    throw invalidArgument('servers must be an ioredis Redis or Cluster, or a non-empty array of them (independent masters)', {
      field: 'servers',
    });
  }
  return list;
}

interface ResolvedLockOptions {
  ttlMs: number;
  keyPrefix: string;
  retryCount: number;
  retryDelay: number;
  retryJitter: number;
}

function resolveLockOptions(options: AsyncLockOptions): ResolvedLockOptions {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options must be an object such as { ttl: 10 }', { field: 'options' });
  const ttl = options.ttl ?? DEFAULT_TTL_S;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_S) {
    throw invalidArgument(`ttl must be a whole number of seconds from 1 to ${MAX_TTL_S} (the lock is extended while held)`, { field: 'ttl' });
  }
  const keyPrefix = options.keyPrefix ?? 'engram';
  validatePrefix(keyPrefix);
  const retry = options.retry ?? {};
  return {
    ttlMs: ttl * 1000,
    keyPrefix,
    retryCount: wholeNumber(retry.count ?? 50, 'retry.count'),
    retryDelay: wholeNumber(retry.delayMs ?? 100, 'retry.delayMs'),
    retryJitter: wholeNumber(retry.jitterMs ?? 50, 'retry.jitterMs'),
  };
}

function wholeNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(`${field} must be a whole number ≥ 0`, { field });
  }
  return value;
}
