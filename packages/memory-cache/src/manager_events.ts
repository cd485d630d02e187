import { isMemoryError, type ErrorCode } from '@engram/memory-core';

/** The manager method an event came from. */
export type ManagerOp =
  | 'load'
  | 'save'
  | 'delete'
  | 'exists'
  | 'bulkLoad'
  | 'bulkSave'
  | 'clear'
  | 'withCache'
  | 'withBulkCache'
  | 'invalidateCache'
  | 'storeVector'
  | 'storeVectors'
  | 'searchVectors'
  | 'deleteVectors';

/** `UNKNOWN`: the failure was not a MemoryError (e.g. a `withCache` function threw its own error). */
export type ManagerErrorCode = ErrorCode | 'UNKNOWN';

/**
 * Payloads carry keys, context ids, counts and sizes, never values. Keys and context ids can be
 * personal data: hash or drop them before they leave the process, and never use them as metric labels.
 */
export interface ManagerEventMap {
  /** One L1 lookup answered from L1 (a `bulkLoad` emits one per key looked up). */
  'cache:hit': { op: ManagerOp; key: string; contextId: string };
  /** One L1 lookup that found nothing live (the store is asked next). */
  'cache:miss': { op: ManagerOp; key: string; contextId: string };
  /**
   * A store write that succeeded. `bytes` is the encoded size of the values written, computed
   * (one extra encode) only when a listener reads it, and only during the listener call.
   */
  write: { op: ManagerOp; contextId: string; keys: readonly string[]; readonly bytes: number };
  delete: { key: string; contextId: string; existed: boolean };
  /** `contextId` null: every context. `removed`: what the store removed. */
  clear: { contextId: string | null; removed: number };
  /** A public call that failed (arguments refused up front included). */
  error: { op: ManagerOp; code: ManagerErrorCode; contextId?: string };
  /** Every public call, once it settles: for latency metrics and logs. */
  operation: { op: ManagerOp; outcome: 'ok' | 'error'; durationMs: number; contextId?: string; code?: ManagerErrorCode };
  /** A distributed `withCache` waited for its lock: `acquired` false means it gave up (TIMEOUT). */
  'lock:wait': { contextId: string; key: string; waitedMs: number; acquired: boolean };
  /** A distributed `withCache` lost its lock while computing: exclusivity was no longer guaranteed. */
  'lock:lost': { contextId: string; key: string };
  /** The invalidation bus changed state (`disconnected`: L1 is trusted only for `busDownMaxStalenessMs`). */
  'bus:state': { state: 'connected' | 'disconnected' };
  /** A message from another process dropped L1 entries. */
  'bus:message': { type: 'keys' | 'context' | 'pattern' | 'all'; removed: number };
}

export type ManagerEventName = keyof ManagerEventMap;
export type ManagerListener<E extends ManagerEventName> = (payload: ManagerEventMap[E]) => void;

interface Registration {
  readonly listener: (payload: never) => void;
  readonly once: boolean;
}

/**
 * A small typed emitter (not node:events: an `error` event without listeners must not throw).
 * The manager creates none until the first `on`, and checks the flags below before it builds a
 * payload or reads the clock, so nobody listening costs one field read per call.
 * A listener that throws is ignored: telemetry must never fail the operation it observes.
 */
export class ManagerEvents {
  readonly #listeners = new Map<ManagerEventName, Registration[]>();
  readonly #changed: () => void;
  /** Someone listens to `operation` or `error`: public calls are timed and their outcome reported. */
  tracked = false;
  /** Someone listens to `cache:hit` or `cache:miss`. */
  lookups = false;

  /** `changed` runs whenever the set of events with listeners changes. */
  constructor(changed: () => void) {
    this.#changed = changed;
  }

  add<E extends ManagerEventName>(event: E, listener: ManagerListener<E>, once: boolean): void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function of the event payload');
    const list = this.#listeners.get(event);
    if (list === undefined) this.#listeners.set(event, [{ listener, once }]);
    else list.push({ listener, once });
    this.#refresh();
  }

  remove<E extends ManagerEventName>(event: E, listener: ManagerListener<E>): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    let at = -1;
    for (let i = list.length - 1; i >= 0 && at < 0; i--) if (list[i]!.listener === listener) at = i;
    if (at < 0) return;
    if (list.length === 1) this.#listeners.delete(event);
    else list.splice(at, 1);
    this.#refresh();
  }

  has(event: ManagerEventName): boolean {
    return this.#listeners.has(event);
  }

  emit<E extends ManagerEventName>(event: E, payload: ManagerEventMap[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    // A copy: a listener that removes itself (or a `once`) must not make the loop skip the next one.
    for (const registration of list.slice()) {
      if (registration.once) this.remove(event, registration.listener as ManagerListener<E>);
      try {
        (registration.listener as ManagerListener<E>)(payload);
      } catch {
        // See the class comment.
      }
    }
  }

  lookup(hit: boolean, op: ManagerOp, key: string, contextId: string): void {
    this.emit(hit ? 'cache:hit' : 'cache:miss', { op, key, contextId });
  }

  /** Times `run()` and reports its outcome as `operation` (and `error` on failure). */
  async track<R>(op: ManagerOp, contextId: string | undefined, run: () => Promise<R>): Promise<R> {
    const start = performance.now();
    try {
      const result = await run();
      this.emit('operation', { op, outcome: 'ok', durationMs: performance.now() - start, contextId });
      return result;
    } catch (error) {
      const code = errorCode(error);
      this.emit('operation', { op, outcome: 'error', durationMs: performance.now() - start, contextId, code });
      this.emit('error', { op, code, contextId });
      throw error;
    }
  }

  #refresh(): void {
    const l = this.#listeners;
    const tracked = l.has('operation') || l.has('error');
    const lookups = l.has('cache:hit') || l.has('cache:miss');
    if (tracked === this.tracked && lookups === this.lookups) return;
    this.tracked = tracked;
    this.lookups = lookups;
    this.#changed();
  }
}

export function errorCode(error: unknown): ManagerErrorCode {
  return isMemoryError(error) ? error.code : 'UNKNOWN';
}

/** A `write` payload whose `bytes` encodes the values on first read only. */
export function writeEvent(op: ManagerOp, contextId: string, keys: readonly string[], values: readonly unknown[], size: (value: unknown) => number) {
  let bytes: number | undefined;
  return {
    op,
    contextId,
    keys,
    get bytes(): number {
      bytes ??= values.reduce<number>((sum, value) => sum + size(value), 0);
      return bytes;
    },
  };
}
