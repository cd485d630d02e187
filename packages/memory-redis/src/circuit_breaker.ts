import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';

export interface CircuitBreakerOptions {
  /** Consecutive connection failures (CONNECTION_ERROR or TIMEOUT) that open the breaker. Default 5. */
  failureThreshold?: number;
  /** Milliseconds the breaker stays open before one probe operation may reach the server. Default 1000. */
  cooldownMs?: number;
}

export interface ResolvedBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export const DEFAULT_BREAKER: ResolvedBreakerOptions = Object.freeze({ failureThreshold: 5, cooldownMs: 1_000 });

/** `false` turns the breaker off; `undefined` or an object (missing fields → defaults) turns it on. */
export function resolveBreakerOptions(value: unknown): ResolvedBreakerOptions | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true) return DEFAULT_BREAKER;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument('circuitBreaker must be false or an object such as { failureThreshold: 5, cooldownMs: 1000 }', {
      field: 'circuitBreaker',
    });
  }
  const fields = value as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (name !== 'failureThreshold' && name !== 'cooldownMs') {
      throw invalidArgument(`Unknown circuitBreaker option "${name}": use failureThreshold and cooldownMs`, { field: `circuitBreaker.${name}` });
    }
  }
  return {
    failureThreshold: wholeNumber(fields.failureThreshold, 'failureThreshold', 1, 1_000_000) ?? DEFAULT_BREAKER.failureThreshold,
    cooldownMs: wholeNumber(fields.cooldownMs, 'cooldownMs', 1, 3_600_000) ?? DEFAULT_BREAKER.cooldownMs,
  };
}

function wholeNumber(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`circuitBreaker.${name} must be a whole number from ${min} to ${max} (got ${String(value)})`, {
      field: `circuitBreaker.${name}`,
    });
  }
  return value;
}

/**
 * Stops a store from hammering a server that is down. Closed: every operation goes through;
 * `failureThreshold` consecutive connection failures open it. Open: operations fail at once with
 * CONNECTION_ERROR, without touching the connection, until `cooldownMs` has passed. Then one
 * operation is let through as a probe (half-open) while the others keep failing fast: its success
 * closes the breaker, its connection failure re-opens it for another cooldown.
 *
 * Only CONNECTION_ERROR and TIMEOUT count: a refused argument, a corrupt value or a NOPERM says
 * nothing about whether the server is reachable.
 */
export class CircuitBreaker {
  readonly #options: ResolvedBreakerOptions;
  readonly #now: () => number;
  readonly #changed: ((state: BreakerState) => void) | undefined;
  #state: BreakerState = 'closed';
  #failures = 0;
  #retryAt = 0;
  #lastFailure: MemoryError | undefined;
  #opened = 0;
  #rejected = 0;

  /** `changed` hears every opening and closing (for the store's warn logs); half-open is not reported. */
  constructor(options: ResolvedBreakerOptions, now: () => number = Date.now, changed?: (state: BreakerState) => void) {
    this.#options = options;
    this.#now = now;
    this.#changed = changed;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** How often it opened, and how many operations it failed fast: for getStats. */
  get counters(): { breakerOpened: number; breakerRejected: number } {
    return { breakerOpened: this.#opened, breakerRejected: this.#rejected };
  }

  /**
   * Called before an operation, which must then report `succeeded` or `failed`. Throws
   * CONNECTION_ERROR when the breaker is open (or half-open with its probe still running).
   */
  admit(target: string, operation: string): void {
    if (this.#state === 'closed') return;
    const now = this.#now();
    if (this.#state === 'open' && now >= this.#retryAt) {
      this.#state = 'half-open';
      return;
    }
    this.#rejected++;
    const wait = Math.max(0, this.#retryAt - now);
    throw new MemoryError(
      ErrorCode.CONNECTION_ERROR,
      `Cannot reach Redis at ${target}: the circuit breaker is open after ${this.#failures} consecutive connection failures, so ${operation} failed without contacting the server; ${
        this.#state === 'half-open' ? 'a probe is checking the server now' : `the next attempt reaches the server in ${wait} ms`
      }. Check that the server is running and that url/host/port are right`,
      {
        cause: this.#lastFailure,
        details: { operation, target, breaker: this.#state, consecutiveFailures: this.#failures, retryInMs: wait },
      },
    );
  }

  succeeded(): void {
    this.#failures = 0;
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#changed?.('closed');
  }

  /** Counts `error` when it is a connection failure; any other error ends a probe as a success would (the server answered). */
  failed(error: unknown): void {
    if (!isConnectionFailure(error)) {
      if (this.#state === 'half-open') this.succeeded();
      return;
    }
    this.#failures++;
    this.#lastFailure = error as MemoryError;
    if (this.#state === 'half-open' || this.#failures >= this.#options.failureThreshold) {
      const opening = this.#state !== 'open';
      if (opening) this.#opened++;
      this.#state = 'open';
      this.#retryAt = this.#now() + this.#options.cooldownMs;
      if (opening) this.#changed?.('open');
    }
  }
}

function isConnectionFailure(error: unknown): boolean {
  return error instanceof MemoryError && (error.code === ErrorCode.CONNECTION_ERROR || error.code === ErrorCode.TIMEOUT);
}
