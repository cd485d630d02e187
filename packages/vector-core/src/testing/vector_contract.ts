import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@engram/memory-core';
import type { VectorBackend } from '../vector_backend.js';
import type { VectorStore } from '../vector_store.js';
import { describeFilterContract } from './contract_filters.js';
import { describeLifecycleContract } from './contract_lifecycle.js';
import { describeScopeContract } from './contract_scope.js';
import { CONTRACT_DIMENSION, TempDirs, axis, cosine, expectCode, storeOver, uniqueContext, type ContractBackendContext } from './contract_support.js';

export type { ContractBackendContext } from './contract_support.js';

export interface VectorBackendContractOptions {
  /** A backend over the namespace and directory given; calling it again with the same ones reopens the same data. */
  create: (context: ContractBackendContext) => VectorBackend | Promise<VectorBackend>;
  /** Property-test runs per property. Default 60. */
  numRuns?: number;
  /** recall@10 demanded of a 1%-selective filtered search (approximate backends). Default 0.95; exact backends must reach 0.99. */
  minFilteredRecall?: number;
}

/** Everything a test needs; `fresh()` builds another store over the same namespace (and optionally directory). */
export interface ContractHarness {
  store: VectorStore;
  backend: VectorBackend;
  context: ContractBackendContext;
  fresh(storageDir?: string): Promise<{ store: VectorStore; backend: VectorBackend }>;
}

/**
 * The behaviour every vector backend must have, checked through `VectorStore` so the whole path
 * (embedding, normalisation, filters, scoping) is covered. Call it in a test file:
 * `describeVectorBackendContract('hnsw', { create: ({ storageDir }) => createBackend({ storageDir }) })`.
 */
export function describeVectorBackendContract(name: string, options: VectorBackendContractOptions): void {
  const numRuns = options.numRuns ?? 60;
  const namespace = `${name.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 12)}_${process.pid}_${Date.now().toString(36)}`;
  const dirs = new TempDirs();
  const h = {} as ContractHarness;

  describe(`vector backend contract: ${name}`, () => {
    const opened: VectorStore[] = [];
    const fresh = async (storageDir?: string) => {
      const context = { namespace, storageDir: storageDir ?? (await dirs.make()) };
      const backend = await options.create(context);
      const store = storeOver(backend, namespace);
      opened.push(store);
      await store.ready();
      return { store, backend, context };
    };

    beforeEach(async () => {
      const made = await fresh();
      Object.assign(h, made, { fresh });
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });
    afterAll(async () => {
      await dirs.removeAll();
    });

    describe('scores and ordering', () => {
      it('returns cosine similarity, best first, in [-1, 1]', async () => {
        const ctx = uniqueContext('order');
        const vectors = [axis(0), axis(0, 1, 1), axis(0, 1, 3), axis(1), axis(0, 1, -1)];
        const ids = await h.store.storeVectors(vectors.map((vector, i) => ({ text: `v${i}`, vector })), { contextId: ctx });
        const query = axis(0, 1, 0.5);
        const results = await h.store.searchVectors('', { vector: query, k: 5, contextId: ctx });
        expect(results).toHaveLength(5);
        const expected = vectors.map((v, i) => ({ id: ids[i], score: cosine(v, query) })).sort((a, b) => b.score - a.score);
        expect(results.map((r) => r.id)).toEqual(expected.map((e) => e.id));
        results.forEach((r, i) => {
          expect(r.score).toBeCloseTo(expected[i]!.score, 5);
          expect(r.score).toBeGreaterThanOrEqual(-1);
          expect(r.score).toBeLessThanOrEqual(1);
        });
      });

      it('normalises caller vectors: a self query scores 1 and the opposite vector -1', async () => {
        const ctx = uniqueContext('self');
        const v = Array.from({ length: CONTRACT_DIMENSION }, (_, i) => (i % 3) - 1 + i / 7);
        const [same] = await h.store.storeVectors([{ text: 'v', vector: v.map((x) => x * 40) }], { contextId: ctx });
        const [opposite] = await h.store.storeVectors([{ text: '-v', vector: v.map((x) => -x / 9) }], { contextId: ctx });
        const results = await h.store.searchVectors('', { vector: v, k: 2, contextId: ctx });
        expect(results.map((r) => r.id)).toEqual([same, opposite]);
        expect(results[0]!.score).toBeCloseTo(1, 5);
        expect(results[1]!.score).toBeCloseTo(-1, 5);
      });

      it('embeds text: searching a stored text finds it first with score ≈ 1', async () => {
        const ctx = uniqueContext('text');
        const texts = ['vector databases index embeddings', 'redis is an in-memory store', 'agents remember conversations'];
        const ids = await h.store.storeVectors(texts.map((text) => ({ text })), { contextId: ctx });
        for (const [i, text] of texts.entries()) {
          const [best] = await h.store.searchVectors(text, { k: 1, contextId: ctx });
          expect(best!.id).toBe(ids[i]);
          expect(best!.score).toBeCloseTo(1, 4);
          expect(best!.metadata.text).toBe(text);
        }
      });

      it('k larger than the context returns every vector; k defaults to 5', async () => {
        const ctx = uniqueContext('k');
        await h.store.storeVectors([0, 1, 2].map((i) => ({ text: `t${i}`, vector: axis(i) })), { contextId: ctx });
        expect(await h.store.searchVectors('', { vector: axis(0), k: 50, contextId: ctx })).toHaveLength(3);
        await h.store.storeVectors([3, 4, 5, 6].map((i) => ({ text: `t${i}`, vector: axis(i) })), { contextId: ctx });
        expect(await h.store.searchVectors('', { vector: axis(0), contextId: ctx })).toHaveLength(5);
        expect(await h.store.searchVectors('', { vector: axis(0), contextId: uniqueContext('empty') })).toEqual([]);
      });

      for (const k of [0, -1, 1.5, Number.NaN, '3' as unknown as number]) {
        it(`rejects k = ${String(k)} with INVALID_ARGUMENT`, async () => {
          await expectCode(h.store.searchVectors('q', { k }), ErrorCode.INVALID_ARGUMENT);
        });
      }
    });

    describe('dimensions', () => {
      it('refuses a stored or query vector of another dimension, and writes nothing', async () => {
        const ctx = uniqueContext('dim');
        for (const length of [CONTRACT_DIMENSION - 1, CONTRACT_DIMENSION + 1, 3]) {
          const wrong = new Array<number>(length).fill(0.5);
          await expectCode(h.store.storeVector('x', {}, { vector: wrong, contextId: ctx }), ErrorCode.INVALID_ARGUMENT);
          await expectCode(
            h.store.storeVectors([{ text: 'ok', vector: axis(0) }, { text: 'bad', vector: wrong }], { contextId: ctx }),
            ErrorCode.INVALID_ARGUMENT,
          );
          await expectCode(h.store.searchVectors('', { vector: wrong, contextId: ctx }), ErrorCode.INVALID_ARGUMENT);
        }
        expect(await h.store.count(ctx)).toBe(0);
      });

      it('refuses zero, NaN and infinite vectors', async () => {
        const ctx = uniqueContext('bad-vector');
        const zero = new Array<number>(CONTRACT_DIMENSION).fill(0);
        const nan = axis(0).map((v, i) => (i === 3 ? Number.NaN : v));
        const inf = axis(0).map((v, i) => (i === 3 ? Number.POSITIVE_INFINITY : v));
        for (const vector of [zero, nan, inf]) {
          await expectCode(h.store.storeVector('x', {}, { vector, contextId: ctx }), ErrorCode.INVALID_ARGUMENT);
        }
        expect(await h.store.count(ctx)).toBe(0);
      });
    });

    describeScopeContract(h, numRuns);
    describeFilterContract(h, numRuns, options.minFilteredRecall ?? 0.95);
    describeLifecycleContract(h);
  });
}
