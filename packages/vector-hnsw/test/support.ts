import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { MemoryError } from '@engram/memory-core';
import { normalizedCopy, parseFilter, type BackendRecord, type CollectionSpec, type FilterNode } from '@engram/vector-core';
import { clusteredVectors, row } from '@engram/vector-core/testing';

export const spec = (dimension = 16, name = 'c'): CollectionSpec => ({ name, model: 'test-model', dimension });

/** Temp directories removed after the file's tests. */
export function tempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'engram-hnsw-'));
    dirs.push(dir);
    return dir;
  };
}

/** `count` unit vectors from clustered data, and records `r<i>` over them with metadata from `meta`. */
export function dataset(count: number, dimension: number, seed: number, meta: (i: number) => Record<string, unknown> = () => ({})) {
  const raw = clusteredVectors(count, dimension, { seed, clusters: 20 });
  const vectors = Array.from({ length: count }, (_, i) => normalizedCopy(row(raw, dimension, i), dimension));
  const records: BackendRecord[] = vectors.map((vector, i) => ({
    id: `r${i}`,
    vector,
    metadata: { text: `row ${i}`, ...meta(i) } as BackendRecord['metadata'],
  }));
  return { raw, vectors, records };
}

export function queries(count: number, dimension: number, seed: number): Float32Array[] {
  const raw = clusteredVectors(count, dimension, { seed, clusters: 20 });
  return Array.from({ length: count }, (_, i) => normalizedCopy(row(raw, dimension, i), dimension));
}

export const filter = (f?: Record<string, unknown>): FilterNode => parseFilter(f as never);

export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (e instanceof MemoryError ? e.code : `not a MemoryError: ${String(e)}`),
  );
}

/** Exact top-k ids by dot product over unit vectors, restricted to `accept`ed rows. */
export function exactIds(vectors: readonly Float32Array[], query: Float32Array, k: number, accept: (i: number) => boolean = () => true): string[] {
  const scored: Array<[number, number]> = [];
  vectors.forEach((v, i) => {
    if (!accept(i)) return;
    let dot = 0;
    for (let d = 0; d < v.length; d++) dot += (v[d] as number) * (query[d] as number);
    scored.push([dot, i]);
  });
  scored.sort((a, b) => b[0] - a[0]);
  return scored.slice(0, k).map(([, i]) => `r${i}`);
}
