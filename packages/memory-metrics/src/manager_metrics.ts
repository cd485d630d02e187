import type { ManagerEventName, ManagerListener, ManagerStats } from '@engram/memory-cache';
import { invalidArgument } from '@engram/memory-core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DURATION_BUCKETS, SIZE_BUCKETS, checkFree, checkPrefix, subscribeMetrics, type Instrumentation, type MetricsOptions } from './metric_names.js';

/** What instrumentManager needs of a MemoryManager (any object with its events and stats). */
export interface ObservedManager {
  on<E extends ManagerEventName>(event: E, listener: ManagerListener<E>): unknown;
  off<E extends ManagerEventName>(event: E, listener: ManagerListener<E>): unknown;
  getManagerStats(): ManagerStats;
}

/** An invalidation bus with counters, e.g. RedisInvalidationBus. */
export interface BusWithStats {
  stats(): { state: string; published: number; received: number; dropped?: number };
}

export interface ManagerMetricsOptions extends MetricsOptions {
  /** The manager's bus, for published/received counts; without it only messages received are counted (from events). */
  bus?: BusWithStats;
}

export type { Instrumentation } from './metric_names.js';

/**
 * Prometheus metrics for a MemoryManager, fed by its events (nothing is measured until this is
 * called). Labels are `op`, `outcome`, `code`, `direction`: bounded sets. Keys and context ids are
 * never labels, so the number of series does not grow with users.
 */
export function instrumentManager(manager: ObservedManager, options: ManagerMetricsOptions = {}): Instrumentation {
  if (typeof manager?.on !== 'function' || typeof manager.getManagerStats !== 'function') {
    throw invalidArgument('manager must be a MemoryManager from @engram/memory-cache', { field: 'manager' });
  }
  const registry = options.registry ?? new Registry();
  const p = checkPrefix(options.prefix ?? 'engram_');
  const bus = options.bus;
  const names = [
    'operations_total', 'operation_duration_seconds', 'errors_total', 'value_size_bytes',
    'cache_hits_total', 'cache_misses_total', 'cache_evictions_total', 'cache_items', 'cache_capacity', 'inflight',
    'bus_messages_total', 'bus_connected', 'lock_wait_seconds', 'lock_lost_total',
  ].map((name) => p + name);
  checkFree(registry, names);
  const registers = [registry];
  const stats = () => manager.getManagerStats();
  /** A closed manager refuses getManagerStats: its last figures stay as they were. */
  const safely = (read: (s: ManagerStats) => void) => {
    try {
      read(stats());
    } catch {
      // Scraping must not fail because one manager was closed.
    }
  };

  const operations = new Counter({ name: `${p}operations_total`, help: 'MemoryManager calls, by method and outcome', labelNames: ['op', 'outcome'], registers });
  const duration = new Histogram({ name: `${p}operation_duration_seconds`, help: 'MemoryManager call duration in seconds, by method', labelNames: ['op'], buckets: DURATION_BUCKETS, registers });
  const errors = new Counter({ name: `${p}errors_total`, help: 'Failed MemoryManager calls, by method and MemoryError code', labelNames: ['op', 'code'], registers });
  const sizes = new Histogram({ name: `${p}value_size_bytes`, help: 'Encoded size of each value written, in bytes', labelNames: ['op'], buckets: SIZE_BUCKETS, registers });
  const fromStats = (name: string, help: string, field: 'hits' | 'misses' | 'evictions') =>
    new Counter({
      name: `${p}${name}`,
      help,
      registers,
      collect() {
        safely((s) => {
          this.reset();
          this.inc(s[field]);
        });
      },
    });
  fromStats('cache_hits_total', 'L1 lookups answered from L1', 'hits');
  fromStats('cache_misses_total', 'L1 lookups that found nothing live', 'misses');
  fromStats('cache_evictions_total', 'L1 entries pushed out by the size bound', 'evictions');
  const gauge = (name: string, help: string, field: 'cacheCurrentItems' | 'cacheMaxItems' | 'inflight') =>
    new Gauge({
      name: `${p}${name}`,
      help,
      registers,
      collect() {
        safely((s) => this.set(s[field]));
      },
    });
  gauge('cache_items', 'L1 entries held now', 'cacheCurrentItems');
  gauge('cache_capacity', 'L1 capacity (cacheSize)', 'cacheMaxItems');
  gauge('inflight', 'Store reads and withCache computations running now', 'inflight');
  const busMessages = new Counter({
    name: `${p}bus_messages_total`,
    help: 'Invalidation bus messages, by direction (published, received, dropped)',
    labelNames: ['direction'],
    registers,
    collect() {
      if (bus === undefined) return;
      const s = bus.stats();
      this.reset();
      this.inc({ direction: 'published' }, s.published);
      this.inc({ direction: 'received' }, s.received);
      if (s.dropped !== undefined) this.inc({ direction: 'dropped' }, s.dropped);
    },
  });
  const busConnected = new Gauge({
    name: `${p}bus_connected`,
    help: '1 while the invalidation bus is connected, 0 while it is not',
    registers,
    collect() {
      if (bus !== undefined) this.set(bus.stats().state === 'connected' ? 1 : 0);
    },
  });
  const lockWait = new Histogram({ name: `${p}lock_wait_seconds`, help: 'Time distributed withCache waited for its lock, by outcome (acquired, timeout)', labelNames: ['outcome'], buckets: DURATION_BUCKETS, registers });
  const lockLost = new Counter({ name: `${p}lock_lost_total`, help: 'Distributed withCache runs that lost their lock while computing', registers });

  const listeners: { [E in ManagerEventName]?: ManagerListener<E> } = {
    operation: (e) => {
      operations.inc({ op: e.op, outcome: e.outcome });
      duration.observe({ op: e.op }, e.durationMs / 1000);
    },
    error: (e) => errors.inc({ op: e.op, code: e.code }),
    write: (e) => sizes.observe({ op: e.op }, e.bytes),
    'bus:message': () => {
      if (bus === undefined) busMessages.inc({ direction: 'received' });
    },
    'bus:state': (e) => {
      if (bus === undefined) busConnected.set(e.state === 'connected' ? 1 : 0);
    },
    'lock:wait': (e) => lockWait.observe({ outcome: e.acquired ? 'acquired' : 'timeout' }, e.waitedMs / 1000),
    'lock:lost': () => lockLost.inc(),
  };
  return subscribeMetrics(manager, listeners, registry, names);
}

