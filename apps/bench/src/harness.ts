/**
 * The timing harness: warm-up, interleaved rounds, median / p99, ops/s. Every comparison runs
 * its subjects in the same process, round by round, rotating which one goes first, so a load
 * spike on this shared machine hits ours and raw alike; ratios are taken per round and then
 * their median is reported, which cancels drift that absolute figures cannot.
 */

export interface Subject {
  name: string;
  /** One operation; `i` counts operations within the round. May return a promise (awaited). */
  op: (i: number) => unknown;
  /** Untimed work before each operation (per-op mode only), e.g. refilling what `op` clears. */
  before?: (i: number) => unknown;
  /** Operations per round for this subject, when it differs from the comparison's. */
  opsPerRound?: number;
  /** Timing mode for this subject, when it differs from the comparison's (a Redis GET next to L1 hits). */
  mode?: 'batch' | 'per-op';
}

export interface CompareOptions {
  rounds: number;
  warmupRounds: number;
  opsPerRound: number;
  /**
   * `batch`: one clock reading per round, per-op time = round time / ops (for sub-microsecond
   * operations, where reading the clock would cost more than the operation). `per-op`: every
   * operation timed on its own (for operations of several microseconds and up).
   */
  mode: 'batch' | 'per-op';
  /** Called after every timed or warm-up round, for the progress bar. */
  onRound?: () => void;
}

export interface Timing {
  /** Nanoseconds per operation. */
  medianNs: number;
  p99Ns: number;
  meanNs: number;
  opsPerSec: number;
  /** How many figures the median and p99 were taken over (rounds in batch mode, operations per-op). */
  samples: number;
  mode: 'batch' | 'per-op' | 'single';
}

export interface Comparison {
  timings: Map<string, Timing>;
  /** Per-round figures (ns per op), in round order, by subject. */
  rounds: Map<string, number[]>;
  timing(name: string): Timing;
  /** Median over rounds of (a's round figure / b's round figure): time ratio, below 1 = a is faster. */
  ratio(a: string, b: string): number;
}

/** Values kept alive so the JIT cannot drop an operation whose result nobody reads. */
let sink: unknown;
export const blackhole = (value: unknown): void => {
  sink = value;
};
export const lastSink = (): unknown => sink;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in (0, 100]): the smallest value with at least p% of values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Median, p99, mean and ops/s of nanosecond figures. */
export function summarize(ns: readonly number[], mode: Timing['mode']): Timing {
  const med = median(ns);
  return { medianNs: med, p99Ns: percentile(ns, 99), meanNs: mean(ns), opsPerSec: 1e9 / med, samples: ns.length, mode };
}

/** Median of the per-round ratios a[r] / b[r] (rounds both subjects completed). */
export function roundRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let r = 0; r < n; r++) ratios.push(a[r]! / b[r]!);
  return median(ratios);
}

/**
 * Subject order of round `round`: the first place rotates by one each round, so each subject
 * goes first in turn; the others follow in a shuffled order (seeded by the round, so runs
 * repeat), so no subject always runs right after the same one and inherits its garbage or
 * cache state.
 */
export function roundOrder<T>(subjects: readonly T[], round: number): T[] {
  const n = subjects.length;
  const first = round % n;
  const rest = subjects.filter((_, i) => i !== first);
  let seed = (round + 1) * 0x9e3779b1;
  for (let i = rest.length - 1; i > 0; i--) {
    seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) >>> 0;
    const j = seed % (i + 1);
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return [subjects[first]!, ...rest];
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';

const nowNs = (): number => Number(process.hrtime.bigint());

/** Runs one round of a subject; returns its round figure (ns per op) and, per-op, every op's time. */
async function runRound(subject: Subject, ops: number, mode: CompareOptions['mode'], isAsync: boolean, all: number[] | undefined): Promise<number> {
  const { op, before } = subject;
  if (mode === 'batch') {
    const start = nowNs();
    if (isAsync) for (let i = 0; i < ops; i++) sink = await op(i);
    else for (let i = 0; i < ops; i++) sink = op(i);
    return (nowNs() - start) / ops;
  }
  const times: number[] = [];
  for (let i = 0; i < ops; i++) {
    if (before) await before(i);
    const start = nowNs();
    if (isAsync) sink = await op(i);
    else sink = op(i);
    times.push(nowNs() - start);
  }
  all?.push(...times);
  return median(times);
}

/**
 * Times every subject over `rounds` interleaved rounds after `warmupRounds` discarded ones.
 * Whether a subject is async is decided once, from its first call (made during warm-up or,
 * without warm-up, untimed before the first round).
 */
export async function compare(subjects: readonly Subject[], options: CompareOptions): Promise<Comparison> {
  const asyncBy = new Map<string, boolean>();
  for (const subject of subjects) {
    if (subject.before) await subject.before(0);
    const first = subject.op(0);
    asyncBy.set(subject.name, isThenable(first));
    sink = isThenable(first) ? await first : first;
  }
  const rounds = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  const perOp = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    const timed = round >= options.warmupRounds;
    for (const subject of roundOrder(subjects, round)) {
      const ops = subject.opsPerRound ?? options.opsPerRound;
      const mode = subject.mode ?? options.mode;
      const figure = await runRound(subject, ops, mode, asyncBy.get(subject.name)!, timed ? perOp.get(subject.name) : undefined);
      if (timed) rounds.get(subject.name)!.push(figure);
    }
    options.onRound?.();
  }
  const timings = new Map<string, Timing>();
  for (const subject of subjects) {
    const mode = subject.mode ?? options.mode;
    const figures = mode === 'batch' ? rounds.get(subject.name)! : perOp.get(subject.name)!;
    timings.set(subject.name, summarize(figures, mode));
  }
  return {
    timings,
    rounds,
    timing(name) {
      const t = timings.get(name);
      if (!t) throw new Error(`no subject named ${name}`);
      return t;
    },
    ratio(a, b) {
      return roundRatio(rounds.get(a) ?? [], rounds.get(b) ?? []);
    },
  };
}

/** Wall time of one run of `fn`, in nanoseconds (for one-shot work such as building an index). */
export async function timeOnce<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const start = nowNs();
  const value = await fn();
  return [value, nowNs() - start];
}

/** A Timing from a few one-shot figures (ns), e.g. alternating index builds. */
export const singleShots = (ns: readonly number[]): Timing => summarize(ns, 'single');
