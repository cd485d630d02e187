import { invalidArgument } from '@engram/memory-core';
import type { VectorStoreEventName, VectorStoreListener } from '@engram/vector-core';
import { Counter, Histogram, Registry } from 'prom-client';
import { DURATION_BUCKETS, RESULT_BUCKETS, checkFree, checkPrefix, subscribeMetrics, type Instrumentation, type MetricsOptions } from './metric_names.js';

/** What instrumentVectorStore needs of a VectorStore. */
export interface ObservedVectorStore {
  on<E extends VectorStoreEventName>(event: E, listener: VectorStoreListener<E>): unknown;
  off<E extends VectorStoreEventName>(event: E, listener: VectorStoreListener<E>): unknown;
}

/** Search latency and result counts, stores and deletes of a VectorStore; labels `op` and `outcome` only. */
export function instrumentVectorStore(store: ObservedVectorStore, options: MetricsOptions = {}): Instrumentation {
  if (typeof store?.on !== 'function' || typeof store.off !== 'function') {
    throw invalidArgument('store must be a VectorStore from @engram/vector-core', { field: 'store' });
  }
  const registry = options.registry ?? new Registry();
  const p = checkPrefix(options.prefix ?? 'engram_');
  const names = ['vector_operations_total', 'vector_search_duration_seconds', 'vector_search_results', 'vector_items_total'].map((n) => p + n);
  checkFree(registry, names);
  const registers = [registry];
  const operations = new Counter({ name: names[0]!, help: 'VectorStore searches, stores and deletes, by outcome', labelNames: ['op', 'outcome'], registers });
  const latency = new Histogram({ name: names[1]!, help: 'VectorStore search duration in seconds (embedding included)', buckets: DURATION_BUCKETS, registers });
  const results = new Histogram({ name: names[2]!, help: 'Results returned per VectorStore search', buckets: RESULT_BUCKETS, registers });
  const items = new Counter({ name: names[3]!, help: 'Vectors stored and removed, by op', labelNames: ['op'], registers });

  const listeners: { [E in VectorStoreEventName]?: VectorStoreListener<E> } = {
    search: (e) => {
      operations.inc({ op: 'search', outcome: 'ok' });
      latency.observe(e.durationMs / 1000);
      results.observe(e.results);
    },
    store: (e) => {
      operations.inc({ op: 'store', outcome: 'ok' });
      items.inc({ op: 'store' }, e.count);
    },
    delete: (e) => {
      operations.inc({ op: 'delete', outcome: 'ok' });
      items.inc({ op: 'delete' }, e.removed);
    },
    error: (e) => operations.inc({ op: e.op, outcome: 'error' }),
  };
  return subscribeMetrics(store, listeners, registry, names);
}
