import type { Flight } from './single_flight.js';

const ignore = () => {};

/**
 * One key's share of a bulk store read, registered so single reads (and other bulk reads) of
 * that key join it instead of reading again. Its promise is made only when someone joins: a
 * bulk read of 10,000 keys that nobody joins allocates no promise per key. `joined` also tells
 * the bulk reader that its value is seen by others, so it must hand out a copy.
 */
export class BulkFlight implements Flight<unknown> {
  readonly key: string;
  readonly contextId: string;
  readonly ck: string;
  stale = false;
  #promise: Promise<unknown> | undefined;
  #resolve: ((found: unknown) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  /** 0 running, 1 settled with `#result`, 2 failed with `#result`: fields, not an object per key. */
  #state: 0 | 1 | 2 = 0;
  #result: unknown;

  constructor(key: string, contextId: string, ck: string) {
    this.key = key;
    this.contextId = contextId;
    this.ck = ck;
  }

  get joined(): boolean {
    return this.#promise !== undefined;
  }

  get promise(): Promise<unknown> {
    if (this.#promise === undefined) {
      if (this.#state === 1) this.#promise = Promise.resolve(this.#result);
      else if (this.#state === 2) this.#promise = Promise.reject(this.#result);
      else {
        this.#promise = new Promise<unknown>((resolve, reject) => {
          this.#resolve = resolve;
          this.#reject = reject;
        });
      }
      // A joiner may give up waiting (its own bulk read failed first): never an unhandled rejection.
      this.#promise.catch(ignore);
    }
    return this.#promise;
  }

  settle(found: unknown): void {
    this.#state = 1;
    this.#result = found;
    this.#resolve?.(found);
  }

  fail(error: unknown): void {
    this.#state = 2;
    this.#result = error;
    this.#reject?.(error);
  }
}
