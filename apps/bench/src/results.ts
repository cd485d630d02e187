import type { Timing } from './harness.js';

/** A pass/fail check from the issue, evaluated on this run's figures. */
export interface TargetResult {
  text: string;
  pass: boolean;
  /** Not evaluated in this run (e.g. no Redis): shown as SKIP, counted neither way. */
  skipped?: boolean;
}

/** One line of the final table: Engram's figure, the raw baseline's, their ratio, the target. */
export interface ResultRow {
  scenario: string;
  measurement: string;
  /** Engram's figure. */
  ours?: Timing;
  /** What Engram is compared with, in words. */
  baseline?: string;
  raw?: Timing;
  /** Time per operation, ours / raw: the median of per-round ratios (below 1 = Engram faster). */
  ratio?: number;
  /** `qps`: print timings as queries per second and the ratio as a QPS ratio. Default `time`. */
  display?: 'time' | 'qps';
  /** A figure that is not a time: recall, bytes, calls. */
  value?: string;
  target?: TargetResult;
  note?: string;
}

/** One point of the vector recall / QPS curve. */
export interface CurvePoint {
  set: string;
  engine: 'engram' | 'raw';
  efSearch: number;
  recall: number;
  qps: number;
}

export interface ScenarioOutcome {
  name: string;
  title: string;
  status: 'ran' | 'skipped' | 'failed';
  reason?: string;
  seconds: number;
}

export interface RunMeta {
  startedAt: string;
  quick: boolean;
  only: string[] | null;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  loadAverageStart: number[];
  loadAverageEnd: number[];
  redis: string | null;
  annDir: string | null;
  commit: string | null;
  seconds: number;
  /** Packages whose built dist is older than their sources (the bench measures the dist). */
  staleDist: string[];
  /** Whether this process loaded ioredis (only with REDIS_URL); it slows string-heavy JS, see the codec rows. */
  ioredisLoaded: boolean;
}

export interface BenchResults {
  meta: RunMeta;
  scenarios: ScenarioOutcome[];
  rows: ResultRow[];
  curves: CurvePoint[];
}

/** Where a scenario puts its rows and curve points. */
export class Recorder {
  readonly rows: ResultRow[] = [];
  readonly curves: CurvePoint[] = [];
  #scenario = '';

  /** Rows recorded from now on belong to this scenario. */
  enter(scenario: string): void {
    this.#scenario = scenario;
  }

  row(row: Omit<ResultRow, 'scenario'>): void {
    this.rows.push({ scenario: this.#scenario, ...row });
  }

  curve(point: CurvePoint): void {
    this.curves.push(point);
  }
}

/** ours ≤ limit, e.g. an L1 hit under 1 µs. */
export function atMost(value: number, limit: number, text: string): TargetResult {
  return { text, pass: Number.isFinite(value) && value <= limit };
}

/** ours ≥ limit, e.g. recall ≥ 0.95 or a QPS ratio ≥ 0.8. */
export function atLeast(value: number, limit: number, text: string): TargetResult {
  return { text, pass: Number.isFinite(value) && value >= limit };
}

/** A target this run could not evaluate, with the reason in the row's note. */
export function notEvaluated(text: string): TargetResult {
  return { text, pass: false, skipped: true };
}

/** Several conditions that must all hold (recall and speed together). */
export function allOf(text: string, ...parts: TargetResult[]): TargetResult {
  return { text, pass: parts.length > 0 && parts.every((p) => p.pass) };
}
