import { ErrorCode, MemoryError, invalidArgument, isMemoryError, type BaseMemory, type DistributedLocks } from '@engram/memory-core';
import type { BusEmit } from './bus_link.js';

/** Lives this long if its holder dies; extended while the holder computes. */
const LOCK_TTL_MS = 10_000;

export interface DistributedComputation {
  locks: DistributedLocks;
  primary: BaseMemory;
  key: string;
  contextId: string;
  fn: () => unknown;
  /** Saves through the manager (store, L1, bus) while the lock is still held. */
  save: (value: unknown) => Promise<void>;
  waitMs: number;
  /** Reports `lock:wait` and `lock:lost` when someone listens. */
  emit?: BusEmit | undefined;
}

/**
 * `fn` at most once per cold key across processes: under a lock named for (context, key), the
 * store is read again (another process may have filled it while we waited) and only on a miss
 * does `fn` run; its result is saved before the lock is released, so the next holder finds it.
 * Waiting longer than `waitMs` for the lock fails with MemoryError(TIMEOUT).
 */
export async function computeUnderLock(job: DistributedComputation): Promise<unknown> {
  const name = JSON.stringify(['withCache', job.contextId, job.key]);
  const { emit, key, contextId } = job;
  const start = emit === undefined ? 0 : performance.now();
  let lock;
  try {
    lock = await job.locks.acquire(name, { ttlMs: LOCK_TTL_MS, waitMs: job.waitMs });
    emit?.('lock:wait', { key, contextId, waitedMs: performance.now() - start, acquired: true });
  } catch (error) {
    emit?.('lock:wait', { key, contextId, waitedMs: performance.now() - start, acquired: false });
    if (!isMemoryError(error, ErrorCode.LOCK_ERROR)) throw error;
    throw new MemoryError(
      ErrorCode.TIMEOUT,
      `withCache({ distributed: true }) waited ${job.waitMs} ms for another process computing this key and gave up: raise timeoutMs, or check that process and the lock servers`,
      { cause: error, details: { waitMs: job.waitMs } },
    );
  }
  const lost = emit && (() => emit('lock:lost', { key, contextId }));
  if (lost !== undefined) lock.signal.addEventListener('abort', lost, { once: true });
  try {
    const entry = await job.primary.loadEntry(job.key, job.contextId);
    if (entry !== undefined) return entry.value;
    const value = await job.fn();
    if (value !== undefined) await job.save(value);
    return value;
  } finally {
    if (lost !== undefined) lock.signal.removeEventListener('abort', lost);
    await lock.release();
  }
}

export function requireLocks(locks: DistributedLocks | undefined): DistributedLocks {
  if (locks === undefined) {
    throw invalidArgument('distributed: true needs a lock provider: pass { locks: new RedisLocks(redis) } to MemoryManager', {
      field: 'distributed',
    });
  }
  return locks;
}
