/** Rows deleted per statement: small enough that one batch never stalls the event loop noticeably. */
export const SWEEP_BATCH_ROWS = 1_000;
/** A sweep stops after this long and leaves the rest to the next tick (expired rows are invisible anyway). */
export const SWEEP_BUDGET_MS = 20;

export interface SweepStats {
  sweeps: number;
  sweptRows: number;
  sweepErrors: number;
  lastSweepAt: number | null;
}

/**
 * Deletes expired rows on an unref'd interval. Expiry is enforced on every read, so sweeping
 * only reclaims space: a failed sweep (say, the file is busy) is counted and retried next tick,
 * never thrown into the timer, where it would crash the process.
 */
export class ExpirySweeper {
  readonly #deleteBatch: (now: number, limit: number) => number;
  #timer: NodeJS.Timeout | undefined;
  readonly stats: SweepStats = { sweeps: 0, sweptRows: 0, sweepErrors: 0, lastSweepAt: null };

  constructor(deleteBatch: (now: number, limit: number) => number, intervalMs: number) {
    this.#deleteBatch = deleteBatch;
    if (intervalMs > 0) {
      this.#timer = setInterval(() => {
        try {
          this.sweep();
        } catch {
          this.stats.sweepErrors += 1;
        }
      }, intervalMs);
      this.#timer.unref();
    }
  }

  /** Deletes expired rows in batches until none are left or the time budget is spent; returns how many. */
  sweep(): number {
    const started = Date.now();
    let total = 0;
    for (;;) {
      const deleted = this.#deleteBatch(Date.now(), SWEEP_BATCH_ROWS);
      total += deleted;
      if (deleted < SWEEP_BATCH_ROWS || Date.now() - started >= SWEEP_BUDGET_MS) break;
    }
    this.stats.sweeps += 1;
    this.stats.sweptRows += total;
    this.stats.lastSweepAt = Date.now();
    return total;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
