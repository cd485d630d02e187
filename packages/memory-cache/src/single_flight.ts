import { ErrorCode, MemoryError } from '@engram/memory-core';

/** One piece of work shared by every concurrent caller asking for the same (key, context). */
export interface Flight<T> {
  readonly key: string;
  readonly contextId: string;
  promise: Promise<T>;
  /**
   * Set when the data changed under the flight (a write, clear or invalidation): its result is
   * still handed to the callers already waiting, but must not be cached or saved.
   */
  stale: boolean;
}

/**
 * In-flight work by composite key. Entries leave when they settle (`finish`) or when a change
 * makes them stale (`detach`), so the map only ever holds work that is running right now.
 */
export class FlightMap<F extends Flight<unknown>> {
  readonly #flights = new Map<string, F>();

  get(ck: string): F | undefined {
    return this.#flights.get(ck);
  }

  /** Registers `flight`, replacing (and detaching) any flight already there. */
  start(ck: string, flight: F): void {
    const previous = this.#flights.get(ck);
    if (previous !== undefined && previous !== flight) previous.stale = true;
    this.#flights.set(ck, flight);
  }

  /** Removes `flight` if it is still the registered one (a newer flight may have replaced it). */
  finish(ck: string, flight: F): void {
    if (this.#flights.get(ck) === flight) this.#flights.delete(ck);
  }

  /** Marks the flight for `ck` stale and forgets it: later callers start fresh work. */
  detach(ck: string): void {
    const flight = this.#flights.get(ck);
    if (flight === undefined) return;
    flight.stale = true;
    this.#flights.delete(ck);
  }

  /** Detaches every flight `which` selects (all of them without a predicate). */
  detachWhere(which?: (flight: F) => boolean): void {
    for (const [ck, flight] of this.#flights) {
      if (which === undefined || which(flight)) {
        flight.stale = true;
        this.#flights.delete(ck);
      }
    }
  }

  get size(): number {
    return this.#flights.size;
  }
}

/**
 * `work`'s outcome, or MemoryError(TIMEOUT) after `timeoutMs`, whichever comes first. The
 * timer is cleared as soon as `work` settles, and keeps the process alive only until then.
 */
export function settleWithin<T>(work: Promise<T>, timeoutMs: number, message: string, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new MemoryError(ErrorCode.TIMEOUT, message, { details: { timeoutMs } }));
    }, timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
