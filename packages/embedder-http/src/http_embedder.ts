import { ErrorCode, MemoryError, invalidArgument } from '@engram/memory-core';
import type { Embedder } from '@engram/vector-core';
import { endpointFor, type Endpoint } from './endpoint.js';
import { postJson } from './post_json.js';
import { protocolFor, type Protocol, type Provider } from './protocol.js';
import type { RetryPolicy } from './retry_policy.js';

export interface HttpEmbedderOptions {
  /** `openai` (default): POST {baseUrl}/embeddings. `ollama`: POST {baseUrl}/api/embed. */
  provider?: Provider;
  /** e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434`. Nothing is sent anywhere else. */
  baseUrl: string;
  /** The server's model id, e.g. `text-embedding-3-small`, `nomic-embed-text`. */
  model: string;
  /** Sent as `Authorization: Bearer …`; never logged nor put in errors. */
  apiKey?: string;
  /** Asks the server for shortened vectors (OpenAI text-embedding-3, recent Ollama). */
  dimensions?: number;
  /** The vector length to expect; default `dimensions`, else learnt from the first response. */
  dimension?: number;
  /** Texts per request. Default 96. */
  maxBatchSize?: number;
  /** Requests in flight at once for one `embed` call. Default 2. */
  concurrency?: number;
  /** Per attempt, including reading the answer. Default 30,000. */
  timeoutMs?: number;
  /** Attempts after the first on 429, 5xx, timeouts and connection failures. Default 3. */
  maxRetries?: number;
  /** First backoff (doubled per attempt, half-jittered). Default 500. */
  retryBaseDelayMs?: number;
  /** Longest wait before a retry; a longer Retry-After fails at once. Default 30,000. */
  maxRetryDelayMs?: number;
  /** Extra headers, e.g. a gateway's own key header. */
  headers?: Record<string, string>;
  /** The Engram model name (keys caches and collections). Default `model`. */
  name?: string;
}

/**
 * An `Embedder` over an OpenAI-compatible or Ollama embeddings endpoint, with Node's global
 * fetch: inputs split into batches, each with a timeout and retries; every response checked
 * (one vector per input, all of one dimension, finite numbers) before anything is returned.
 */
export class HttpEmbedder implements Embedder {
  readonly model: string;
  readonly provider: Provider;
  readonly #protocol: Protocol;
  readonly #endpoint: Endpoint;
  readonly #serverModel: string;
  readonly #headers: Record<string, string>;
  readonly #dimensions: number | undefined;
  readonly #batch: number;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  #dimension: number | undefined;
  readonly #stats = { requests: 0, texts: 0 };

  constructor(options: HttpEmbedderOptions) {
    if (typeof options !== 'object' || options === null) throw configError('options are required: { baseUrl, model }', 'options');
    this.provider = options.provider ?? 'openai';
    this.#protocol = protocolFor(this.provider);
    this.#endpoint = endpointFor(options.baseUrl, this.#protocol.path);
    if (typeof options.model !== 'string' || options.model.length === 0) throw configError('model is required (the server\'s model id, e.g. "nomic-embed-text")', 'model');
    this.#serverModel = options.model;
    const name = options.name ?? options.model;
    if (typeof name !== 'string' || name.length === 0) throw configError('name must be a non-empty string', 'name');
    this.model = name;
    this.#dimensions = optionalCount(options.dimensions, 'dimensions', 1);
    this.#dimension = optionalCount(options.dimension, 'dimension', 1) ?? this.#dimensions;
    if (this.#dimensions !== undefined && this.#dimension !== this.#dimensions) throw configError('dimension and dimensions differ; pass only one', 'dimension');
    this.#batch = optionalCount(options.maxBatchSize, 'maxBatchSize', 1) ?? 96;
    this.#concurrency = optionalCount(options.concurrency, 'concurrency', 1) ?? 2;
    this.#timeoutMs = optionalCount(options.timeoutMs, 'timeoutMs', 1) ?? 30_000;
    this.#retry = {
      maxRetries: optionalCount(options.maxRetries, 'maxRetries', 0) ?? 3,
      baseDelayMs: optionalCount(options.retryBaseDelayMs, 'retryBaseDelayMs', 0) ?? 500,
      maxDelayMs: optionalCount(options.maxRetryDelayMs, 'maxRetryDelayMs', 0) ?? 30_000,
    };
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.headers ?? {})) {
      if (typeof value !== 'string') throw configError('headers must map names to strings', 'headers');
      headers[key.toLowerCase()] = value;
    }
    if (options.apiKey !== undefined) {
      if (typeof options.apiKey !== 'string' || options.apiKey.length === 0) throw configError('apiKey must be a non-empty string', 'apiKey');
      headers.authorization = `Bearer ${options.apiKey}`;
    }
    this.#headers = headers;
  }

  /**
   * The vector length. Known from the options, or after the first response (`ready()`):
   * a `VectorStore` needs it when constructed.
   */
  get dimension(): number {
    if (this.#dimension === undefined) {
      throw new MemoryError(
        ErrorCode.CONFIG_ERROR,
        `the dimension of "${this.model}" is not known yet: pass { dimension } or await embedder.ready() (one small request) before using it`,
        { details: { field: 'dimension' } },
      );
    }
    return this.#dimension;
  }

  get stats(): { requests: number; texts: number; dimension: number | undefined } {
    return { ...this.#stats, dimension: this.#dimension };
  }

  /** Resolves to the dimension, sending one one-word request if it is not known yet. */
  async ready(): Promise<number> {
    if (this.#dimension === undefined) await this.embed(['dimension probe']);
    return this.#dimension as number;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw invalidArgument('texts must be an array of strings', { field: 'texts' });
    texts.forEach((text, i) => {
      if (typeof text !== 'string') throw invalidArgument(`texts[${i}] must be a string`, { field: `texts[${i}]` });
    });
    const batches: Array<{ start: number; input: string[] }> = [];
    for (let start = 0; start < texts.length; start += this.#batch) batches.push({ start, input: texts.slice(start, start + this.#batch) });
    const out = new Array<Float32Array>(texts.length);
    // The first failure cancels the batches still in flight: the caller gets one error, fast.
    const cancel = new AbortController();
    let next = 0;
    const worker = async () => {
      while (next < batches.length && !cancel.signal.aborted) {
        const { start, input } = batches[next++] as { start: number; input: string[] };
        const vectors = await this.#request(input, cancel.signal);
        vectors.forEach((v, i) => (out[start + i] = v));
      }
    };
    const workers = Array.from({ length: Math.min(this.#concurrency, batches.length) }, () =>
      worker().catch((error: unknown) => {
        cancel.abort();
        throw error;
      }),
    );
    const settled = await Promise.allSettled(workers);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && !isCancellation(s.reason));
    const anyFailed = failed ?? settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (anyFailed) throw anyFailed.reason;
    return out;
  }

  async #request(input: string[], signal: AbortSignal): Promise<Float32Array[]> {
    this.#stats.requests++;
    const json = await postJson({
      endpoint: this.#endpoint,
      headers: this.#headers,
      body: this.#protocol.body(this.#serverModel, input, this.#dimensions),
      timeoutMs: this.#timeoutMs,
      retry: this.#retry,
      signal,
    });
    const vectors = this.#protocol.vectors(json, input.length);
    if (typeof vectors === 'string') throw this.#badResponse(vectors);
    const checked = vectors.map((v, i) => this.#checked(v, i));
    this.#stats.texts += input.length;
    return checked;
  }

  #checked(vector: number[], i: number): Float32Array {
    const expected = this.#dimension ?? vector.length;
    if (vector.length === 0) throw this.#badResponse(`embedding ${i} is empty`);
    if (vector.length !== expected) {
      throw this.#badResponse(`embedding ${i} has ${vector.length} dimensions, expected ${expected}`, { expected, actual: vector.length });
    }
    const out = new Float32Array(vector.length);
    for (let j = 0; j < vector.length; j++) {
      const x = vector[j];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw this.#badResponse(`embedding ${i} has a non-finite or non-numeric component at ${j}`);
      out[j] = x;
    }
    this.#dimension = expected;
    return out;
  }

  #badResponse(what: string, extra: Record<string, unknown> = {}): MemoryError {
    return new MemoryError(
      ErrorCode.VECTOR_DB_ERROR,
      `${this.#endpoint.label} returned an unusable embeddings response (${what}): check provider ('${this.provider}'), model and dimension`,
      { details: { endpoint: this.#endpoint.label, model: this.model, ...extra } },
    );
  }
}

function isCancellation(error: unknown): boolean {
  return error instanceof MemoryError && error.details?.cancelled === true;
}

function configError(message: string, field: string): MemoryError {
  return new MemoryError(ErrorCode.CONFIG_ERROR, message, { details: { field } });
}

function optionalCount(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw configError(`${field} must be a whole number of at least ${min}`, field);
  return value;
}
