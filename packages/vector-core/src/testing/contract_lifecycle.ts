import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@engram/memory-core';
import type { ContractHarness } from './vector_contract.js';
import { axis, expectCode, uniqueContext } from './contract_support.js';

/** Stats, persistence across a restart (when the backend claims it), and CLOSED after close. */
export function describeLifecycleContract(h: ContractHarness): void {
  describe('stats, persistence and close', () => {
    it('getStats names the backend and counts vectors in plain values', async () => {
      const ctx = uniqueContext('stats');
      await h.store.clear();
      await h.store.storeVectors([0, 1, 2].map((i) => ({ text: `s${i}`, vector: axis(i) })), { contextId: ctx });
      const stats = await h.store.getStats();
      expect(stats.backend).toBe(h.backend.name);
      expect(stats.totalKeys).toBe(3);
      expect(stats.dimension).toBe(h.store.collection.dimension);
      for (const value of Object.values(stats)) {
        expect(['string', 'number', 'boolean'].includes(typeof value) || value === null).toBe(true);
      }
    });

    it('persists across close and reopen when the backend says it is persistent', async () => {
      if (!h.backend.capabilities.persistent) {
        expect(h.backend.capabilities.persistent).toBe(false);
        return;
      }
      const a = uniqueContext('persist-a');
      const b = uniqueContext('persist-b');
      const ids = await h.store.storeVectors(
        [0, 1, 2, 3].map((i) => ({ text: `p${i}`, vector: axis(i, 5, 0.25), metadata: { i, tags: ['t'], flag: i % 2 === 0, none: null } })),
        { contextId: a },
      );
      await h.store.storeVector('only b', JSON.parse('{"kind": "b", "__proto__": "pp"}'), { vector: axis(9), contextId: b });
      expect(await h.store.deleteVectors([ids[1]!], a)).toBe(1);
      const before = await h.store.searchVectors('', { vector: axis(0, 5, 0.25), k: 10, contextId: a });
      await h.store.close();

      const reopened = await h.fresh(h.context.storageDir);
      const after = await reopened.store.searchVectors('', { vector: axis(0, 5, 0.25), k: 10, contextId: a });
      expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
      expect(after.map((r) => r.metadata)).toEqual(before.map((r) => r.metadata));
      after.forEach((r, i) => expect(r.score).toBeCloseTo(before[i]!.score, 5));
      expect(after.map((r) => r.id)).not.toContain(ids[1]);
      const [onlyB] = await reopened.store.searchVectors('', { vector: axis(9), contextId: b });
      expect(onlyB!.metadata).toEqual(JSON.parse('{"text": "only b", "kind": "b", "__proto__": "pp"}'));
      expect(Object.getOwnPropertyDescriptor(onlyB!.metadata, '__proto__')?.value).toBe('pp');
      // The reopened store keeps working: writes after a reload are searchable and persist too.
      await reopened.store.storeVector('later', {}, { vector: axis(20), contextId: a, id: 'later' });
      await reopened.store.close();
      const third = await h.fresh(h.context.storageDir);
      expect((await third.store.searchVectors('', { vector: axis(20), k: 1, contextId: a }))[0]!.id).toBe('later');
      expect(await third.store.count(a)).toBe(4);
    });

    it('fails with CLOSED after close, and close is idempotent', async () => {
      const { store } = await h.fresh();
      await store.storeVector('x', {}, { vector: axis(0) });
      await store.close();
      await store.close();
      await expectCode(store.storeVector('x', {}, { vector: axis(0) }), ErrorCode.CLOSED);
      await expectCode(store.searchVectors('x'), ErrorCode.CLOSED);
      await expectCode(store.deleteVectors(['x']), ErrorCode.CLOSED);
      await expectCode(store.clear(), ErrorCode.CLOSED);
      await expectCode(store.getStats(), ErrorCode.CLOSED);
    });

    it('a backend closed under the store answers CLOSED too', async () => {
      const { store, backend } = await h.fresh();
      await backend.close();
      await expectCode(store.searchVectors('x', { vector: axis(0) }), ErrorCode.CLOSED);
      await expectCode(store.storeVector('x', {}, { vector: axis(0) }), ErrorCode.CLOSED);
    });
  });
}
