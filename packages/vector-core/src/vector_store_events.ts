import { debugEnabled, isMemoryError, logId, type EngramLogger, type ErrorCode } from '@engram/memory-core';

/** Payloads carry context ids, counts and timings: never texts, vectors or metadata. */
export interface VectorStoreEventMap {
  search: { contextId: string; k: number; results: number; durationMs: number };
  store: { contextId: string; count: number; durationMs: number };
  delete: { contextId: string; requested: number; removed: number; durationMs: number };
  /** A public call that failed; `UNKNOWN` for errors that are not MemoryError. */
  error: { op: VectorOp; code: ErrorCode | 'UNKNOWN'; contextId: string };
}

export type VectorOp = 'search' | 'store' | 'delete';
export type VectorStoreEventName = keyof VectorStoreEventMap;
export type VectorStoreListener<E extends VectorStoreEventName> = (payload: VectorStoreEventMap[E]) => void;

interface Registration {
  readonly listener: (payload: never) => void;
  readonly once: boolean;
}

/**
 * VectorStore's listeners and logger. The store creates one only on the first `on` or when given a
 * logger, so an unobserved store reads no clock and builds no payload. A throwing listener is
 * ignored: telemetry must never fail the call it observes.
 */
export class VectorStoreObserver {
  readonly #listeners = new Map<VectorStoreEventName, Registration[]>();
  readonly #logger: EngramLogger | undefined;

  constructor(logger: EngramLogger | undefined) {
    this.#logger = logger;
  }

  add<E extends VectorStoreEventName>(event: E, listener: VectorStoreListener<E>, once: boolean): void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function of the event payload');
    const list = this.#listeners.get(event) ?? [];
    list.push({ listener, once });
    this.#listeners.set(event, list);
  }

  remove<E extends VectorStoreEventName>(event: E, listener: VectorStoreListener<E>): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.listener !== listener) continue;
      list.splice(i, 1);
      break;
    }
    if (list.length === 0) this.#listeners.delete(event);
  }

  emit<E extends VectorStoreEventName>(event: E, payload: VectorStoreEventMap[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    for (const registration of list.slice()) {
      if (registration.once) this.remove(event, registration.listener as VectorStoreListener<E>);
      try {
        (registration.listener as VectorStoreListener<E>)(payload);
      } catch {
        // See the class comment.
      }
    }
  }

  /** Times `run`, then emits `op` with `fields(result)` (or `error`) and logs it. */
  async track<E extends VectorOp, R>(
    op: E,
    contextId: string,
    run: () => Promise<R>,
    fields: (result: R) => Omit<VectorStoreEventMap[E], 'contextId' | 'durationMs'>,
  ): Promise<R> {
    const start = performance.now();
    let result: R;
    try {
      result = await run();
    } catch (error) {
      const code = isMemoryError(error) ? error.code : 'UNKNOWN';
      this.emit('error', { op, code, contextId });
      this.#logger?.error({ component: 'VectorStore', op, code, ctx: logId(contextId) }, 'engram vector operation failed');
      throw error;
    }
    const payload = { ...fields(result), contextId, durationMs: performance.now() - start } as VectorStoreEventMap[E];
    this.emit(op, payload);
    if (debugEnabled(this.#logger)) {
      const { contextId: _ctx, ...rest } = payload as { contextId: string };
      this.#logger.debug({ component: 'VectorStore', op, ctx: logId(contextId), ...rest }, 'engram vector operation');
    }
    return result;
  }
}
