import { EmbeddingCache, HashingEmbedder, VectorStore, type Embedder } from '@engram/vector-core';
import { singleShots } from '../harness.js';
import { atMost } from '../results.js';
import { pick, type Scenario } from '../scenario.js';

/** Wraps an embedder and counts what reaches it. */
class CountingEmbedder implements Embedder {
  readonly model: string;
  readonly dimension: number;
  calls = 0;
  texts = 0;
  readonly #inner: Embedder;

  constructor(inner: Embedder) {
    this.#inner = inner;
    this.model = inner.model;
    this.dimension = inner.dimension;
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls++;
    this.texts += texts.length;
    return this.#inner.embed(texts);
  }
}

const WORDS = ['agent', 'memory', 'vector', 'planner', 'tool', 'summary', 'user', 'context', 'search', 'result', 'cache', 'session'];
const sentence = (i: number) =>
  `Note ${i}: the ${WORDS[i % WORDS.length]} asked the ${WORDS[(i * 7 + 3) % WORDS.length]} about the ${WORDS[(i * 5 + 1) % WORDS.length]} (${i * 31}).`;

/**
 * The embedding cache: storing a text a second time (another id, same text) must not call
 * the embedder. Counts embedder calls for first and second stores of the same texts through
 * VectorStore (memory backend, HashingEmbedder behind a counter), and times both.
 */
export const embeddingCacheScenario: Scenario = {
  name: 'embedding-cache',
  title: 'Embedding cache: a second store of the same text costs no embedder call',
  plan: (quick) => ({ seconds: quick ? 2 : 4, steps: 2 }),
  async run(ctx) {
    const n = pick(ctx, 500, 200);
    const embedder = new CountingEmbedder(new HashingEmbedder({ dimension: 384 }));
    const cache = new EmbeddingCache({ maxEntries: n * 2 });
    const store = new VectorStore({ embedder, embeddingCache: cache });
    try {
      ctx.step('embedding-cache: first and second stores');
      // Warm-up on other texts, so the first timed store does not pay for JIT compilation.
      for (let i = 0; i < 50; i++) await store.storeVector(sentence(n + i), {}, { id: `warm-${i}` });
      const first: number[] = [];
      const second: number[] = [];
      const embedNs: number[] = [];
      const calls = { first: 0, second: 0 };
      for (let i = 0; i < n; i++) {
        const text = sentence(i);
        let before = embedder.calls;
        let start = performance.now();
        await store.storeVector(text, { n: i }, { id: `first-${i}` });
        first.push((performance.now() - start) * 1e6);
        calls.first += embedder.calls - before;
        before = embedder.calls;
        start = performance.now();
        await store.storeVector(text, { n: i }, { id: `second-${i}` });
        second.push((performance.now() - start) * 1e6);
        calls.second += embedder.calls - before;
        // The cost a cache hit avoids: one embedder call for one text, outside the store.
        start = performance.now();
        await embedder.embed([`${text} `]);
        embedNs.push((performance.now() - start) * 1e6);
      }
      ctx.step('embedding-cache: recording');
      const r = ctx.recorder;
      r.row({
        measurement: `storeVector, ${n} texts seen for the first time`,
        ours: singleShots(first),
        value: `${calls.first} embedder calls`,
        baseline: 'HashingEmbedder.embed of one text alone',
        raw: singleShots(embedNs),
      });
      r.row({
        measurement: `storeVector, the same ${n} texts again`,
        ours: singleShots(second),
        value: `${calls.second} embedder calls`,
        baseline: 'the first store of each text',
        raw: singleShots(first),
        ratio: singleShots(second).medianNs / singleShots(first).medianNs,
        target: atMost(calls.second, 0, 'second store: 0 embedder calls'),
        note: `EmbeddingCache stats after the run: ${JSON.stringify(cache.stats)}; the hashing embedder is cheap, so the time a hit saves grows with a real model`,
      });
    } finally {
      await store.close();
    }
  },
};
