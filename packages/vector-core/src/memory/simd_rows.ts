import { scoreFunction, simdModule, wasm, type ScoreFunction, type WasmApi } from './simd_kernel.js';

const PAGE = 65_536;
const MAX_PAGES = 65_536; // wasm32: 4 GiB
const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * Row storage inside a WebAssembly memory, so the SIMD kernel can scan it in place:
 * [query | one float64 score per row | rows]. Fixed capacity: a bigger one is a new instance.
 */
export class SimdRows {
  readonly capacity: number;
  readonly dimension: number;
  /** capacity × dimension floats; FlatIndex reads and writes rows here directly. */
  readonly data: Float32Array;
  readonly #query: Float32Array;
  readonly #scores: Float64Array;
  readonly #score: ScoreFunction;
  readonly #ptr: { query: number; scores: number; data: number };

  private constructor(dimension: number, capacity: number, module: object, pages: number) {
    this.dimension = dimension;
    this.capacity = capacity;
    const memory = new (wasm as WasmApi).Memory({ initial: pages, maximum: pages });
    this.#score = scoreFunction(module, memory);
    const query = 0;
    const scores = align16(dimension * 4);
    const data = scores + align16(capacity * 8);
    this.#ptr = { query, scores, data };
    this.#query = new Float32Array(memory.buffer, query, dimension);
    this.#scores = new Float64Array(memory.buffer, scores, capacity);
    this.data = new Float32Array(memory.buffer, data, capacity * dimension);
  }

  /** Undefined when SIMD is unavailable or the memory cannot be had; the caller keeps a plain array. */
  static tryCreate(dimension: number, capacity: number): SimdRows | undefined {
    const module = simdModule();
    if (!module) return undefined;
    const bytes = align16(dimension * 4) + align16(capacity * 8) + capacity * dimension * 4;
    const pages = Math.ceil(bytes / PAGE);
    if (pages > MAX_PAGES) return undefined;
    try {
      return new SimdRows(dimension, capacity, module, pages);
    } catch {
      return undefined;
    }
  }

  /** Scores rows [0, count) against `query`; the returned view is overwritten by the next call. */
  scores(query: Float32Array, count: number): Float64Array {
    this.#query.set(query);
    this.#score(this.#ptr.data, count, this.dimension, this.#ptr.query, this.#ptr.scores);
    return this.#scores;
  }
}
