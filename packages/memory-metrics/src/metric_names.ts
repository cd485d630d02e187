import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import type { Registry } from 'prom-client';

/** Seconds: from 50 µs (an L1 hit is ~1 µs, so the first bucket holds them all) to 10 s. */
export const DURATION_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
/** Bytes: 64 B … 8 MiB (the stores' default maxValueBytes), ×4 each step. */
export const SIZE_BUCKETS = [64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 8_388_608];
/** Search result counts. */
export const RESULT_BUCKETS = [0, 1, 2, 5, 10, 20, 50, 100, 1000];

export interface MetricsOptions {
  /** Where the metrics are registered. Default: a new prom-client Registry, returned as `registry`. */
  registry?: Registry;
  /** Prefix of every metric name. Default `engram_`. */
  prefix?: string;
}

export function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
    throw invalidArgument('prefix must be a Prometheus metric name prefix such as "engram_" (letters, digits, _ and :)', { field: 'prefix' });
  }
  return prefix;
}

/** One instrumentation per name in a registry: a second would overwrite the first one's figures. */
export function checkFree(registry: Registry, names: readonly string[]): void {
  const taken = names.find((name) => registry.getSingleMetric(name) !== undefined);
  if (taken === undefined) return;
  throw new MemoryError(
    ErrorCode.CONFIG_ERROR,
    `metric ${taken} is already registered in this registry: dispose() the earlier instrumentation, or pass another registry or prefix`,
    { details: { metric: taken } },
  );
}

export interface Instrumentation {
  readonly registry: Registry;
  /** Unsubscribes and removes this instrumentation's metrics from the registry. Idempotent. */
  dispose(): void;
}

/** Anything with on/off for named events: a MemoryManager, a VectorStore. */
interface EventSource<E extends string> {
  on(event: E, listener: never): unknown;
  off(event: E, listener: never): unknown;
}

/** Subscribes `listeners` to `source`; `dispose()` unsubscribes them and removes the metrics `names` from `registry`. */
export function subscribeMetrics<E extends string>(
  source: EventSource<E>,
  listeners: { [K in E]?: unknown },
  registry: Registry,
  names: readonly string[],
): Instrumentation {
  const entries = Object.entries(listeners) as Array<[E, never]>;
  for (const [event, listener] of entries) source.on(event, listener);
  let disposed = false;
  return {
    registry,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const [event, listener] of entries) source.off(event, listener);
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}
