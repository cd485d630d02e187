/** A held cross-process lock. */
export interface DistributedLockHandle {
  /** Aborts when the lock is lost (it could not be extended): exclusivity is no longer guaranteed. */
  readonly signal: AbortSignal;
  /** Grows with every acquisition of the same name: a resource can refuse writes carrying an older token. */
  readonly fencingToken: number;
  /** Gives the lock back. Idempotent; never throws (an unreleased lock expires by its ttl). */
  release(): Promise<void>;
}

export interface DistributedLockRequest {
  /** How long the lock lives without an extension; the holder extends it while it works. */
  ttlMs: number;
  /** How long to wait for a lock someone else holds before failing with LOCK_ERROR. */
  waitMs: number;
}

/**
 * Cross-process mutual exclusion by name (implemented with Redlock in @engram/memory-redis).
 * Names are data: any non-empty string, escaped by the implementation.
 */
export interface DistributedLocks {
  acquire(name: string, request: DistributedLockRequest): Promise<DistributedLockHandle>;
}
