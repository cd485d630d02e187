import { expect } from 'vitest';
import { compileFilter, parseFilter, type BackendHit, type BackendRecord, type CollectionSpec, type StoredMetadata } from '@engram/vector-core';
import type { VectorFilter } from '@engram/memory-core';

export const spec = (dimension = 8, name = 'c'): CollectionSpec => ({ name, model: 'test-model', dimension });

/** A deterministic unit vector per seed (xorshift), so a reference can recompute it. */
export function unitVector(seed: number, dimension: number): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const v = new Float32Array(dimension);
  let norm = 0;
  for (let i = 0; i < dimension; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    v[i] = s / 4294967296 - 0.5;
    norm += (v[i] as number) ** 2;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) v[i] = (v[i] as number) * inv;
  return v;
}

export function record(id: string, vector: Float32Array, metadata: Record<string, unknown> = {}): BackendRecord {
  return { id, vector, metadata: { text: id, ...metadata } as StoredMetadata };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** The brute-force model a backend is compared with: id → record per context. */
export class ReferenceStore {
  readonly contexts = new Map<string, Map<string, BackendRecord>>();

  upsert(ctx: string, records: readonly BackendRecord[]): void {
    let rows = this.contexts.get(ctx);
    if (!rows) this.contexts.set(ctx, (rows = new Map()));
    for (const r of records) rows.set(r.id, r);
  }

  delete(ctx: string, ids: readonly string[]): number {
    const rows = this.contexts.get(ctx);
    let removed = 0;
    for (const id of new Set(ids)) if (rows?.delete(id)) removed++;
    return removed;
  }

  clear(ctx: string): number {
    const n = this.contexts.get(ctx)?.size ?? 0;
    this.contexts.delete(ctx);
    return n;
  }

  count(ctx: string): number {
    return this.contexts.get(ctx)?.size ?? 0;
  }

  matching(ctx: string, filter?: VectorFilter): BackendRecord[] {
    const accept = compileFilter(parseFilter(filter));
    return [...(this.contexts.get(ctx)?.values() ?? [])].filter((r) => accept(r.metadata));
  }

  scoreOf(ctx: string, id: string, query: Float32Array): number | undefined {
    const r = this.contexts.get(ctx)?.get(id);
    return r ? dot(r.vector, query) : undefined;
  }

  /** Asserts `hits` is an exact top k (ties aside): right length, right scores, matching ids, best first. */
  expectExact(ctx: string, query: Float32Array, k: number, hits: readonly BackendHit[], filter?: VectorFilter): void {
    const matching = this.matching(ctx, filter);
    const expected = matching.map((r) => dot(r.vector, query)).sort((a, b) => b - a).slice(0, k);
    expect(hits.map((h) => h.score)).toHaveLength(expected.length);
    expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
    const allowed = new Set(matching.map((r) => r.id));
    hits.forEach((hit, i) => {
      expect(allowed.has(hit.id), `hit ${hit.id} does not match the filter or is deleted`).toBe(true);
      expect(Math.abs(hit.score - (expected[i] as number))).toBeLessThan(1e-5);
      expect(Math.abs(hit.score - (this.scoreOf(ctx, hit.id, query) as number))).toBeLessThan(1e-5);
      expect(hit.metadata).toEqual(this.contexts.get(ctx)?.get(hit.id)?.metadata);
      if (i > 0) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hit.score);
    });
  }
}
