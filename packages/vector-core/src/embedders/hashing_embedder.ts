import { invalidArgument } from '@engram/memory-core';
import type { Embedder } from './embedder.js';
import { STOP_WORDS, stem, tokenize } from './english.js';

export interface HashingEmbedderOptions {
  /** Output dimension; more means fewer hash collisions. Default 384. */
  dimension?: number;
  /** Relative weights of the three feature blocks. */
  weights?: { words?: number; bigrams?: number; chars?: number };
}

// Tuned on typo and keyword queries: heavier character n-grams buy typo tolerance at no cost to exact words.
const DEFAULT_WEIGHTS = { words: 1, bigrams: 0.3, chars: 1.5 };
const SEED_WORD = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;

/** FNV-1a over UTF-16 units then murmur3's finaliser, so nearby strings land far apart. */
function hashString(s: string, seed: number, from = 0, to = s.length): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A lexical embedder that needs no model, no network and no download: deterministic, fast,
 * and good at keyword overlap (and, through character n-grams, at misspellings and inflections).
 * It knows nothing of meaning: "car" and "automobile" share no features.
 *
 * Three blocks of features, each hashed (signed) into the same `dimension` slots, given
 * sublinear term frequency (1 + ln tf), normalised on its own, then weighted and summed:
 * stemmed content words, adjacent content-word pairs, and 3–5-character n-grams of each
 * content word with boundary markers (`<lan`, `uage>`).
 */
export class HashingEmbedder implements Embedder {
  readonly dimension: number;
  readonly model: string;
  readonly #weights: { words: number; bigrams: number; chars: number };

  constructor(options: HashingEmbedderOptions = {}) {
    const dimension = options.dimension ?? 384;
    if (!Number.isInteger(dimension) || dimension < 8 || dimension > 65_536) {
      throw invalidArgument('dimension must be a whole number from 8 to 65536 (e.g. 384)', { field: 'dimension' });
    }
    this.dimension = dimension;
    this.#weights = { ...DEFAULT_WEIGHTS, ...options.weights };
    const w = this.#weights;
    const custom = options.weights ? `-w${w.words}_${w.bigrams}_${w.chars}` : '';
    // The model name pins everything that changes the output, so caches and collections never mix spaces.
    this.model = `engram-hashing-v1-${dimension}${custom}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  /** Synchronous form of `embed` for one text. */
  embedOne(text: string): Float32Array {
    if (typeof text !== 'string') throw invalidArgument('texts must be strings', { field: 'texts' });
    const words = tokenize(text);
    const content = words.filter((w) => !STOP_WORDS.has(w));
    // A text of stop words only ("to be or not to be") still deserves features.
    const kept = content.length > 0 ? content : words;
    const out = new Float32Array(this.dimension);
    if (kept.length === 0) {
      // Punctuation, emoji or nothing at all: hash the trimmed text so equal texts still match.
      const raw = text.trim();
      this.#addBlock(out, new Map([[`\u0000${raw}`, 1]]), SEED_WORD, 1);
      return normaliseInPlace(out);
    }
    const stems = kept.map(stem);
    const unigrams = new Map<string, number>();
    for (const s of stems) unigrams.set(s, (unigrams.get(s) ?? 0) + 1);
    const bigrams = new Map<string, number>();
    for (let i = 1; i < stems.length; i++) {
      const key = `${stems[i - 1]} ${stems[i]}`;
      bigrams.set(key, (bigrams.get(key) ?? 0) + 1);
    }
    this.#addBlock(out, unigrams, SEED_WORD, this.#weights.words);
    this.#addBlock(out, bigrams, SEED_BIGRAM, this.#weights.bigrams);
    this.#addCharGrams(out, kept, this.#weights.chars);
    return normaliseInPlace(out);
  }

  #addBlock(out: Float32Array, counts: Map<string, number>, seed: number, weight: number): void {
    if (counts.size === 0 || weight === 0) return;
    const block = new Float64Array(this.dimension);
    for (const [feature, tf] of counts) this.#put(block, hashString(feature, seed), 1 + Math.log(tf));
    addNormalised(out, block, weight);
  }

  #addCharGrams(out: Float32Array, words: readonly string[], weight: number): void {
    if (weight === 0) return;
    const counts = new Map<number, number>();
    for (const word of words) {
      const marked = `<${word}>`;
      for (let start = 0; start + 3 <= marked.length; start++) {
        for (let n = 3; n <= 5 && start + n <= marked.length; n++) {
          const h = hashString(marked, SEED_CHAR, start, start + n);
          counts.set(h, (counts.get(h) ?? 0) + 1);
        }
      }
    }
    const block = new Float64Array(this.dimension);
    for (const [h, tf] of counts) this.#put(block, h, 1 + Math.log(tf));
    addNormalised(out, block, weight);
  }

  /** Signed hashing: the top bit picks the sign, so collisions cancel on average instead of piling up. */
  #put(block: Float64Array, hash: number, value: number): void {
    const slot = (hash & 0x7fffffff) % this.dimension;
    block[slot] = (block[slot] as number) + (hash & 0x80000000 ? -value : value);
  }
}

function addNormalised(out: Float32Array, block: Float64Array, weight: number): void {
  let sum = 0;
  for (let i = 0; i < block.length; i++) sum += (block[i] as number) ** 2;
  if (sum === 0) return;
  const scale = weight / Math.sqrt(sum);
  for (let i = 0; i < block.length; i++) out[i] = (out[i] as number) + (block[i] as number) * scale;
}

function normaliseInPlace(out: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += (out[i] as number) ** 2;
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * inv;
  }
  return out;
}
