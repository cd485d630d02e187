import type { ManagerCounters } from './manager_stats.js';
import { MISSING, type ReadThroughCache } from './read_through_cache.js';
import { FlightMap, settleWithin, type Flight } from './single_flight.js';

/** A running `withCache` (store read, then `fn` and save on a miss) that concurrent callers share. */
interface Computation extends Flight<unknown> {
  readonly forced: boolean;
  /** Timed out: its callers have their error, so `fn` must not start and nothing is saved. */
  abandoned: boolean;
  /** `fn` saves its own result (distributed withCache saves while it holds the lock). */
  readonly selfSaving: boolean;
}

/** Saves a computed value through the manager (store first, then L1). */
export type SaveComputed = (key: string, contextId: string, value: unknown, ttl: number | null) => Promise<void>;

/**
 * The single-flight behind `withCache`: one computation per (key, context) at a time, shared
 * by every caller that arrives while it runs. The map holds running computations only: each
 * leaves when it settles, fails or times out.
 */
export class Computations {
  readonly #flights = new FlightMap<Computation>();
  readonly #cache: ReadThroughCache;
  readonly #save: SaveComputed;
  readonly #counters: ManagerCounters;

  constructor(cache: ReadThroughCache, save: SaveComputed, counters: ManagerCounters) {
    this.#cache = cache;
    this.#save = save;
    this.#counters = counters;
  }

  /**
   * The shared result: the stored value, or `fn`'s (saved unless `undefined`). With `forced`,
   * `fn` runs even if a value is stored; a forced call joins a forced run already in flight
   * and otherwise replaces an unforced one for later arrivals.
   */
  run(
    fn: () => unknown,
    key: string,
    contextId: string,
    ck: string,
    ttl: number | null,
    forced: boolean,
    timeoutMs: number | undefined,
    selfSaving = false,
  ): Promise<unknown> {
    const running = this.#flights.get(ck);
    if (running !== undefined && (running.forced || !forced)) return running.promise;
    const flight: Computation = {
      key,
      contextId,
      forced,
      selfSaving,
      stale: false,
      abandoned: false,
      promise: undefined as unknown as Promise<unknown>,
    };
    this.#flights.start(ck, flight);
    flight.promise = timeoutMs === undefined ? this.#readOrRun(flight, ck, fn, ttl) : this.#settleWithin(flight, ck, fn, ttl, timeoutMs);
    return flight.promise;
  }

  /** Running computations for those contexts will not save their results (all without a predicate). */
  detachWhere(which?: (contextId: string) => boolean): void {
    this.#flights.detachWhere(which === undefined ? undefined : (flight) => which(flight.contextId));
  }

  get size(): number {
    return this.#flights.size;
  }

  async #settleWithin(flight: Computation, ck: string, fn: () => unknown, ttl: number | null, timeoutMs: number): Promise<unknown> {
    try {
      return await settleWithin(
        this.#readOrRun(flight, ck, fn, ttl),
        timeoutMs,
        `withCache gave up after timeoutMs=${timeoutMs}: its function or the store did not settle; fix the hang or raise timeoutMs`,
        () => {
          flight.abandoned = true;
          this.#counters.errors++;
        },
      );
    } finally {
      this.#flights.finish(ck, flight);
    }
  }

  /** Leaves the map when done; on a timeout, #settleWithin has already removed it. */
  async #readOrRun(flight: Computation, ck: string, fn: () => unknown, ttl: number | null): Promise<unknown> {
    try {
      if (!flight.forced) {
        const found = await this.#cache.read(flight.key, flight.contextId, ck);
        if (found !== MISSING || flight.abandoned) return found;
      }
      let value: unknown;
      try {
        value = await fn();
      } catch (error) {
        this.#counters.errors++;
        throw error;
      }
      // A stale or abandoned run still answers its callers, but saving would overwrite what changed since.
      if (value !== undefined && !flight.selfSaving && !flight.stale && !flight.abandoned) await this.#save(flight.key, flight.contextId, value, ttl);
      return value;
    } finally {
      this.#flights.finish(ck, flight);
    }
  }
}
