import type { Redis } from 'ioredis';
import type { Progress } from './progress.js';
import type { Recorder } from './results.js';

/** The shared Redis, when REDIS_URL is set: everything the bench writes lives under `prefix`. */
export interface RedisTarget {
  url: string;
  /** Unique per run (`engram-bench:<id>`), so concurrent runs and colleagues' keys never mix. */
  prefix: string;
  /** A raw ioredis connection for the baselines and for cleanup. */
  raw: Redis;
}

export interface BenchContext {
  quick: boolean;
  recorder: Recorder;
  redis: RedisTarget | undefined;
  /** Why the Redis scenarios cannot run ("set REDIS_URL …" or "cannot reach …"), when `redis` is undefined. */
  redisSkip: string | undefined;
  /** The folder of fvecs/ivecs sets, or undefined when it is absent. */
  annDir: string | undefined;
  /** Moves the progress bar by one of the scenario's planned steps. */
  step(label: string): void;
  /** Shows what is running without moving the bar (e.g. round 3 of 20). */
  status(label: string): void;
  /** A line that stays above the progress bar. */
  log(message: string): void;
  progress: Progress;
}

export interface ScenarioPlan {
  /** Rough duration, only to weigh the progress bar. */
  seconds: number;
  /** How many times the scenario calls `step`. */
  steps: number;
}

export interface Scenario {
  name: string;
  title: string;
  plan(quick: boolean): ScenarioPlan;
  /** Why it cannot run here (printed after "skipped: "), or undefined. */
  skipReason?(ctx: BenchContext): string | undefined | Promise<string | undefined>;
  run(ctx: BenchContext): Promise<void>;
}

/** `full` for the full run, `quick` for --quick. */
export const pick = <T>(ctx: { quick: boolean }, full: T, quick: T): T => (ctx.quick ? quick : full);

export const NEEDS_REDIS = 'set REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379) to run the Redis scenarios';
