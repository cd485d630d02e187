import { hashedVector } from './hashed_vector.js';
import type { WordVectors } from './word_vectors.js';

export type Pooling = 'sif' | 'mean';

export interface SentenceVector {
  vector: Float32Array;
  /** Tokens the vocabulary did not know. */
  unknownWords: number;
  /** True when the text had no usable word and its vector is a hash of the whole text. */
  hashedText: boolean;
}

const EULER_GAMMA = 0.5772156649;
/**
 * An unknown word's share relative to the rarest known word. Unknown tokens are names and ids
 * (worth matching) but also jargon and typos (noise in every similarity); at 1 a jargon word
 * in a document cost a right answer on the bench set, at 0.5 none, and names still match.
 */
const UNKNOWN_WORD_WEIGHT = 0.5;

/**
 * The vocabulary is in frequency order but carries no counts, so p(w) comes from Zipf's law:
 * the word of rank r (from 0) has probability 1 / ((r + 1) * H_V), H_V the V-th harmonic number.
 */
export function zipfProbability(rank: number, vocabulary: number): number {
  return 1 / ((rank + 1) * (Math.log(vocabulary) + EULER_GAMMA));
}

/**
 * `sif`: the SIF sentence vector (Arora et al. 2017): content words weighted a / (a + p(w)),
 * so rare words count and frequent ones fade; unknown words get a hashed direction of typical
 * length and half the weight of the rarest word; then the common direction is projected out.
 * `mean`: wink-nlp's `as.vector` (the plain average of known content words), kept for comparison.
 * Either way the result has unit length; a text with no usable word hashes to a direction of its own.
 */
export function sentenceVector(vectors: WordVectors, text: string, pooling: Pooling, smoothing: number): SentenceVector {
  const { dimension: d, matrix, rows, size } = vectors;
  const tokens = vectors.tokenize(text);
  const content = tokens.filter((t) => !t.stop);
  // A text of stop words only ("to be or not to be") still deserves its words.
  const kept = content.length > 0 ? content : tokens;
  const sum = new Float64Array(d);
  let unknownWords = 0;
  let used = 0;
  for (const { word } of kept) {
    const row = rows.get(word);
    if (row === undefined) {
      unknownWords++;
      if (pooling === 'mean') continue;
      const weight = (UNKNOWN_WORD_WEIGHT * smoothing) / (smoothing + zipfProbability(size, size));
      const v = hashedVector(word, d, vectors.typicalNorm);
      for (let j = 0; j < d; j++) sum[j] = (sum[j] as number) + weight * (v[j] as number);
    } else {
      const weight = pooling === 'sif' ? smoothing / (smoothing + zipfProbability(row, size)) : 1;
      const base = row * d;
      for (let j = 0; j < d; j++) sum[j] = (sum[j] as number) + weight * (matrix[base + j] as number);
    }
    used++;
  }
  if (pooling === 'sif') removeComponent(sum, vectors.common);
  const vector = used > 0 ? unit(sum) : undefined;
  if (vector) return { vector, unknownWords, hashedText: false };
  // Punctuation, emoji, nothing at all, or (mean pooling) no known word: equal texts still match.
  return { vector: unit(hashedVector(`\u0000${text.trim()}`, d, 1)) as Float32Array, unknownWords, hashedText: true };
}

function removeComponent(v: Float64Array, direction: Float64Array): void {
  let p = 0;
  for (let j = 0; j < v.length; j++) p += (v[j] as number) * (direction[j] as number);
  for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) - p * (direction[j] as number);
}

/** Unit-length float32 copy, or undefined when the vector is (numerically) zero. */
function unit(v: Float64Array): Float32Array | undefined {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += (v[j] as number) ** 2;
  if (!(s > 1e-18) || !Number.isFinite(s)) return undefined;
  const inv = 1 / Math.sqrt(s);
  const out = new Float32Array(v.length);
  for (let j = 0; j < v.length; j++) out[j] = (v[j] as number) * inv;
  return out;
}
