import { randomUUID } from 'node:crypto';
import { InProcessMemory, MemoryManager } from '@engram/memory-cache';
import { RedisMemory } from '@engram/memory-redis';
import { VectorStore } from '@engram/vector-core';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentManager, instrumentVectorStore, serveMetrics, type MetricsServer } from '../src/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = 'distinctive-key-7f3a';
const CTX = 'user-ctx-4b9e@example.com';
const LABELS = new Set(['op', 'outcome', 'code', 'le', 'direction']);

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scrape(server: MetricsServer): Promise<string> {
  const response = await fetch(server.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The sample value of `series` (exact text before the value), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function labelNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const braces = /\{(.*)\}/.exec(line);
    if (braces === null) continue;
    for (const pair of braces[1]!.matchAll(/(\w+)="/g)) names.add(pair[1]!);
  }
  return names;
}

async function exercise(manager: MemoryManager): Promise<void> {
  await manager.save(KEY, CTX, { note: 'x'.repeat(300) });
  for (let i = 0; i < 3; i++) await manager.load(KEY, CTX);
  await manager.load('missing-key', CTX);
  await expect(manager.save(KEY, CTX, () => 1)).rejects.toMatchObject({ code: 'SERIALIZATION_ERROR' });
}

function expectExposition(text: string): void {
  expect(sample(text, 'engram_operations_total{op="load",outcome="ok"}')).toBe(4);
  expect(sample(text, 'engram_operations_total{op="save",outcome="ok"}')).toBe(1);
  expect(sample(text, 'engram_operations_total{op="save",outcome="error"}')).toBe(1);
  expect(sample(text, 'engram_errors_total{op="save",code="SERIALIZATION_ERROR"}')).toBe(1);
  // L1: the save filled it, so 3 hits, then one miss for the missing key.
  expect(sample(text, 'engram_cache_hits_total')).toBe(3);
  expect(sample(text, 'engram_cache_misses_total')).toBe(1);
  // The failed save dropped the key from L1 (never left stale), so L1 is empty again.
  expect(sample(text, 'engram_cache_items')).toBe(0);
  expect(sample(text, 'engram_cache_capacity')).toBe(50);
  expect(sample(text, 'engram_inflight')).toBe(0);
  expect(sample(text, 'engram_operation_duration_seconds_bucket{le="+Inf",op="load"}')).toBe(4);
  expect(sample(text, 'engram_operation_duration_seconds_count{op="load"}')).toBe(4);
  expect(text).toMatch(/^engram_operation_duration_seconds_bucket\{le="0\.00005",op="load"\} \d+$/m);
  // One 300-character record: between 256 and 1024 bytes once encoded.
  expect(sample(text, 'engram_value_size_bytes_bucket{le="256",op="save"}')).toBe(0);
  expect(sample(text, 'engram_value_size_bytes_bucket{le="1024",op="save"}')).toBe(1);
  expect(sample(text, 'engram_value_size_bytes_count{op="save"}')).toBe(1);
  // No keys, context ids or values anywhere, and only bounded label names.
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(CTX);
  expect(text).not.toContain('xxxxxxxx');
  expect([...labelNames(text)].filter((name) => !LABELS.has(name))).toEqual([]);
}

describe.each([
  ['in-process', () => new InProcessMemory()],
  ['redis', () => new RedisMemory({ url: REDIS_URL, keyPrefix: `engram-metrics-test:${randomUUID()}` })],
])('instrumentManager over %s, scraped from the real endpoint', (_name, makeStore) => {
  it('counts operations, errors, L1 figures, durations and value sizes, with op/outcome labels only', async () => {
    const manager = new MemoryManager(makeStore(), undefined, { cacheSize: 50 });
    cleanups.push(async () => {
      await manager.clear();
      await manager.close();
    });
    const metrics = instrumentManager(manager);
    const server = await serveMetrics({ port: 0, registry: metrics.registry });
    cleanups.push(() => server.close());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await exercise(manager);
    expectExposition(await scrape(server));
  });
});

describe('instrumentation lifecycle', () => {
  it('is off until instrumentManager: no own tracked methods; dispose() unsubscribes and unregisters', async () => {
    const manager = new MemoryManager(new InProcessMemory());
    cleanups.push(() => manager.close());
    expect(Object.getOwnPropertyNames(manager)).not.toContain('load');
    const registry = new Registry();
    const metrics = instrumentManager(manager, { registry });
    expect(Object.getOwnPropertyNames(manager)).toContain('load');
    await manager.save('k', 'c', 1);
    expect(await registry.getSingleMetricAsString('engram_operations_total')).toContain('engram_operations_total{op="save",outcome="ok"} 1');
    expect(() => instrumentManager(manager, { registry })).toThrow(/already registered/);
    metrics.dispose();
    metrics.dispose();
    expect(Object.getOwnPropertyNames(manager)).not.toContain('load');
    expect(registry.getSingleMetric('engram_operations_total')).toBeUndefined();
    // Registering again works, and starts from zero: the disposed one no longer counts.
    const again = instrumentManager(manager, { registry, prefix: 'app_engram_' });
    await manager.load('k', 'c');
    const text = await registry.metrics();
    expect(sample(text, 'app_engram_operations_total{op="load",outcome="ok"}')).toBe(1);
    expect(text).not.toContain('op="save"');
    again.dispose();
  });

  it('serves 404 off /metrics and refuses a bad port', async () => {
    const server = await serveMetrics({ port: 0, registry: new Registry() });
    cleanups.push(() => server.close());
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    await expect(serveMetrics({ port: -1, registry: new Registry() })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('instrumentVectorStore', () => {
  it('records search latency and result counts, stores and deletes', async () => {
    const store = new VectorStore({ dimension: 32 });
    cleanups.push(() => store.close());
    const metrics = instrumentVectorStore(store);
    const server = await serveMetrics({ port: 0, registry: metrics.registry });
    cleanups.push(() => server.close());
    const ids = await store.storeVectors([{ text: 'alpha' }, { text: 'beta' }, { text: 'gamma' }], { contextId: CTX });
    const hits = await store.searchVectors('alpha', { k: 2, contextId: CTX });
    expect(hits).toHaveLength(2);
    await store.searchVectors('alpha', { k: 10, contextId: 'empty-context' });
    expect(await store.deleteVectors([ids[0]!, 'no-such-id'], CTX)).toBe(1);
    await expect(store.searchVectors('alpha', { k: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const text = await scrape(server);
    expect(sample(text, 'engram_vector_operations_total{op="search",outcome="ok"}')).toBe(2);
    expect(sample(text, 'engram_vector_operations_total{op="search",outcome="error"}')).toBe(1);
    expect(sample(text, 'engram_vector_operations_total{op="store",outcome="ok"}')).toBe(1);
    expect(sample(text, 'engram_vector_items_total{op="store"}')).toBe(3);
    expect(sample(text, 'engram_vector_items_total{op="delete"}')).toBe(1);
    expect(sample(text, 'engram_vector_search_duration_seconds_count')).toBe(2);
    expect(sample(text, 'engram_vector_search_results_bucket{le="0"}')).toBe(1);
    expect(sample(text, 'engram_vector_search_results_bucket{le="2"}')).toBe(2);
    expect(sample(text, 'engram_vector_search_results_sum')).toBe(2);
    expect(text).not.toContain(CTX);
    expect(text).not.toContain('alpha');
  });
});
