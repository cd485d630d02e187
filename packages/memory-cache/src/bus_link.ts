import type { InvalidationBus, InvalidationBusState, InvalidationMessage } from '@engram/memory-core';
import { compositeKey } from '@engram/memory-utils';
import { keyMatcher } from './key_matcher.js';
import type { InvalidateOptions } from './manager_options.js';
import type { ManagerEventMap, ManagerEventName } from './manager_events.js';
import type { ManagerCounters } from './manager_stats.js';
import type { ReadThroughCache } from './read_through_cache.js';

/**
 * Keeps a manager's L1 coherent with other processes through an InvalidationBus:
 * - after each local change the manager publishes what changed (keys, never values);
 * - a message from elsewhere drops the matching L1 entries (patterns use invalidateCache's matcher);
 * - while the bus is disconnected messages may be missed, so L1 is trusted only until
 *   `maxStalenessMs` after the last moment the bus was known connected; on reconnect the whole
 *   L1 is dropped, since what was missed is unknown.
 */
export class BusLink {
  readonly #bus: InvalidationBus;
  readonly #cache: () => ReadThroughCache;
  readonly #counters: ManagerCounters;
  readonly #maxStalenessMs: number;
  readonly #emit: BusEmit;
  readonly #stop: Array<() => void> = [];
  /** Epoch ms after which L1 is not served; Infinity while connected. */
  #trustedUntil = Infinity;

  /** `cache` is a getter: the cache is built after the link (its L1 asks the link whether it may serve). */
  constructor(bus: InvalidationBus, cache: () => ReadThroughCache, counters: ManagerCounters, maxStalenessMs: number, emit: BusEmit) {
    this.#bus = bus;
    this.#cache = cache;
    this.#counters = counters;
    this.#maxStalenessMs = maxStalenessMs;
    this.#emit = emit;
    if (bus.state === 'disconnected') this.#trustedUntil = Date.now() + maxStalenessMs;
    this.#stop.push(bus.subscribe((message) => this.#apply(message)));
    if (typeof bus.onStateChange === 'function') this.#stop.push(bus.onStateChange((state) => this.#stateChanged(state)));
  }

  /** False when L1 must not answer reads (the bus has been down longer than the bound). */
  trusted(): boolean {
    return this.#trustedUntil === Infinity || Date.now() <= this.#trustedUntil;
  }

  /**
   * Tells the other processes. A failure does not fail the caller's write (it already happened):
   * it is counted in `errors`; the others still stop trusting their L1 within the bound if their
   * own bus connection is down, but not if only this publish failed (see the README).
   */
  async publish(message: InvalidationMessage): Promise<void> {
    try {
      await this.#bus.publish(message);
    } catch {
      this.#counters.errors++;
    }
  }

  async close(): Promise<void> {
    for (const stop of this.#stop.splice(0)) stop();
    await this.#bus.close();
  }

  #stateChanged(state: InvalidationBusState): void {
    this.#emit('bus:state', { state });
    if (state === 'disconnected') {
      if (this.#trustedUntil === Infinity) this.#trustedUntil = Date.now() + this.#maxStalenessMs;
      return;
    }
    this.#trustedUntil = Infinity;
    this.#cache().invalidateAll();
  }

  #apply(message: InvalidationMessage): void {
    const removed = this.#drop(message);
    this.#emit('bus:message', { type: message.type, removed });
  }

  /** Drops what `message` names from L1; returns how many live entries went. */
  #drop(message: InvalidationMessage): number {
    const cache = this.#cache();
    switch (message.type) {
      case 'keys': {
        let removed = 0;
        for (const key of message.keys) removed += cache.invalidateKey(compositeKey(key, message.contextId));
        return removed;
      }
      case 'context':
        return cache.invalidateContext(message.contextId);
      case 'pattern': {
        let matches: (key: string) => boolean;
        try {
          matches = keyMatcher(message.pattern);
        } catch {
          // A pattern this process cannot compile: dropping everything is the safe reading.
          return cache.invalidateAll();
        }
        return cache.invalidateMatching(matches, message.contextId);
      }
      case 'all':
        return cache.invalidateAll();
    }
  }
}

/** Reports bus events to the manager's listeners (a no-op while nobody listens). */
export type BusEmit = <E extends ManagerEventName>(event: E, payload: ManagerEventMap[E]) => void;

/** What other processes must drop after `invalidateCache(options)` (options already validated). */
export function invalidationOf(options: InvalidateOptions | undefined): InvalidationMessage {
  const { key, contextId, pattern } = options ?? {};
  if (key !== undefined && contextId !== undefined) return { type: 'keys', contextId, keys: [key] };
  if (pattern !== undefined) return { type: 'pattern', contextId, pattern };
  if (contextId !== undefined) return { type: 'context', contextId };
  return { type: 'all' };
}
