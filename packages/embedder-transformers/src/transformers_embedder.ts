import { isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import type { Embedder } from '@engram/vector-core';
import { DTYPES, checkModelFiles } from './model_files.js';
import { importTransformers, loadExtractor, PEER_PACKAGE, type FeatureExtractor } from './transformers_runtime.js';

export interface TransformersEmbedderOptions {
  /** The folder holding model folders (transformers.js `env.localModelPath`). */
  modelPath: string;
  /** The model's folder under `modelPath`, e.g. `Xenova/all-MiniLM-L6-v2`. */
  model: string;
  /** Which ONNX file: `fp32` (default, onnx/model.onnx), `q8` (onnx/model_quantized.onnx), `fp16`, … */
  dtype?: string;
  /** `mean` (default: sentence-transformers models) or `cls` (BGE-style models). */
  pooling?: 'mean' | 'cls';
  /** Unit-length output (default true). */
  normalize?: boolean;
  /** Texts per forward pass; each pass pads to its longest text. Default 16. */
  batchSize?: number;
  /** Expected vector length; default learnt by `ready()`. */
  dimension?: number;
  /** The Engram model name (keys caches and collections). Default derived from model, dtype and pooling. */
  name?: string;
}

/**
 * An `Embedder` on transformers.js (an optional peer dependency) running a feature-extraction
 * ONNX model from a local folder, on onnxruntime-node. It never downloads: remote models are
 * disabled and the folder is checked before loading. The model loads on first use, once.
 */
export class TransformersEmbedder implements Embedder {
  readonly model: string;
  readonly directory: string;
  readonly #modelPath: string;
  readonly #modelId: string;
  readonly #dtype: string;
  readonly #pooling: 'mean' | 'cls';
  readonly #normalize: boolean;
  readonly #batchSize: number;
  #dimension: number | undefined;
  #extractor: Promise<FeatureExtractor> | undefined;

  constructor(options: TransformersEmbedderOptions) {
    if (typeof options !== 'object' || options === null) throw configError('options are required: { modelPath, model }', 'options');
    if (typeof options.modelPath !== 'string' || options.modelPath.length === 0) throw configError('modelPath is required: the folder holding model folders', 'modelPath');
    if (typeof options.model !== 'string' || options.model.length === 0 || isAbsolute(options.model) || options.model.split(/[\\/]/).includes('..')) {
      throw configError('model must be a folder name under modelPath, e.g. "Xenova/all-MiniLM-L6-v2"', 'model');
    }
    const dtype = options.dtype ?? 'fp32';
    if (!DTYPES.includes(dtype)) throw configError(`dtype must be one of ${DTYPES.join(', ')}`, 'dtype');
    const pooling = options.pooling ?? 'mean';
    if (pooling !== 'mean' && pooling !== 'cls') throw configError("pooling must be 'mean' or 'cls'", 'pooling');
    const batchSize = options.batchSize ?? 16;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw configError('batchSize must be a whole number of at least 1', 'batchSize');
    if (options.dimension !== undefined && (!Number.isInteger(options.dimension) || options.dimension < 1)) throw configError('dimension must be a whole number of at least 1', 'dimension');
    this.#modelPath = resolve(options.modelPath);
    this.#modelId = options.model;
    this.directory = join(this.#modelPath, options.model);
    this.#dtype = dtype;
    this.#pooling = pooling;
    this.#normalize = options.normalize ?? true;
    this.#batchSize = batchSize;
    this.#dimension = options.dimension;
    // Everything that changes the vectors is in the name, so caches and collections never mix spaces.
    const variant = [pooling === 'cls' ? 'cls' : '', dtype === 'fp32' ? '' : dtype, this.#normalize ? '' : 'raw'].filter(Boolean).join('-');
    this.model = options.name ?? `${options.model}${variant ? `-${variant}` : ''}`;
  }

  /** The vector length: from the options, or once `ready()` has run the model. */
  get dimension(): number {
    if (this.#dimension === undefined) {
      throw new MemoryError(
        ErrorCode.CONFIG_ERROR,
        `the dimension of "${this.model}" is not known yet: pass { dimension } or await embedder.ready() before using it`,
        { details: { field: 'dimension' } },
      );
    }
    return this.#dimension;
  }

  /** Loads the model (checking its files first) and learns the dimension with one probe text. */
  async ready(): Promise<number> {
    if (this.#dimension === undefined) await this.embed(['dimension probe']);
    else await this.#load();
    return this.#dimension as number;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw invalidArgument('texts must be an array of strings', { field: 'texts' });
    texts.forEach((text, i) => {
      if (typeof text !== 'string') throw invalidArgument(`texts[${i}] must be a string`, { field: `texts[${i}]` });
    });
    if (texts.length === 0) return [];
    const extractor = await this.#load();
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.#batchSize) {
      out.push(...(await this.#run(extractor, texts.slice(start, start + this.#batchSize))));
    }
    return out;
  }

  /** Frees the ONNX session; a later call loads the model again. */
  async close(): Promise<void> {
    const extractor = this.#extractor;
    this.#extractor = undefined;
    if (extractor) await (await extractor.catch(() => undefined))?.dispose?.();
  }

  #load(): Promise<FeatureExtractor> {
    if (!this.#extractor) {
      const loading = (async () => {
        checkModelFiles(this.directory, this.#dtype);
        const runtime = await importTransformers();
        try {
          return await loadExtractor(runtime, this.#modelPath, this.#modelId, this.#dtype);
        } catch (cause) {
          throw new MemoryError(
            ErrorCode.CONFIG_ERROR,
            `could not load the model in ${this.directory} with ${PEER_PACKAGE}: check that it is a feature-extraction model exported to ONNX (e.g. a Xenova/ or onnx-community/ repository) and that its files are complete`,
            { cause, details: { directory: this.directory, dtype: this.#dtype } },
          );
        }
      })();
      // A failed load is not kept: fixing the folder and calling again works.
      loading.catch(() => {
        if (this.#extractor === loading) this.#extractor = undefined;
      });
      this.#extractor = loading;
    }
    return this.#extractor;
  }

  async #run(extractor: FeatureExtractor, batch: string[]): Promise<Float32Array[]> {
    let tensor;
    try {
      tensor = await extractor(batch, { pooling: this.#pooling, normalize: this.#normalize });
    } catch (cause) {
      throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `the model in ${this.directory} failed on a batch of ${batch.length} texts: check that it is a text feature-extraction model`, {
        cause,
        details: { directory: this.directory },
      });
    }
    const [rows, width] = tensor.dims;
    if (tensor.dims.length !== 2 || rows !== batch.length || !width) {
      throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `the model in ${this.directory} returned a tensor of shape [${tensor.dims.join(', ')}] for ${batch.length} texts; pooling needs [texts, dimension]`, {
        details: { directory: this.directory },
      });
    }
    const expected = this.#dimension ?? width;
    if (width !== expected) {
      throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `the model in ${this.directory} returned ${width}-dimensional vectors, expected ${expected}: check the dimension option`, {
        details: { directory: this.directory, expected, actual: width },
      });
    }
    const data = Float32Array.from(tensor.data);
    tensor.dispose?.();
    if (!data.every(Number.isFinite)) {
      throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `the model in ${this.directory} returned non-finite numbers (a broken export or dtype, or an all-zero vector that cannot be normalised): check the model files`, {
        details: { directory: this.directory },
      });
    }
    this.#dimension = expected;
    return Array.from({ length: rows }, (_, i) => data.slice(i * width, (i + 1) * width));
  }
}

function configError(message: string, field: string): MemoryError {
  return new MemoryError(ErrorCode.CONFIG_ERROR, message, { details: { field } });
}
