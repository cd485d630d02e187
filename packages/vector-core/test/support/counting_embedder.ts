import { HashingEmbedder, type Embedder } from '../../src/index.js';

/** A real embedder that records every call, to prove what the cache and the store ask of it. */
export class CountingEmbedder implements Embedder {
  readonly calls: string[][] = [];
  readonly #inner: HashingEmbedder;
  #delayMs: number;

  constructor(dimension = 64, delayMs = 0) {
    this.#inner = new HashingEmbedder({ dimension });
    this.#delayMs = delayMs;
  }

  get model(): string {
    return this.#inner.model;
  }

  get dimension(): number {
    return this.#inner.dimension;
  }

  get texts(): number {
    return this.calls.reduce((n, call) => n + call.length, 0);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls.push([...texts]);
    if (this.#delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
    return this.#inner.embed(texts);
  }
}
