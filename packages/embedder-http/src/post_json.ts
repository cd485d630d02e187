import { ErrorCode, MemoryError } from '@engram/memory-core';
import type { Endpoint } from './endpoint.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry_policy.js';

export interface PostRequest {
  endpoint: Endpoint;
  headers: Record<string, string>;
  body: unknown;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Aborts the request and its retries (a sibling batch failed). */
  signal: AbortSignal;
}

interface Failure {
  error: MemoryError;
  retryable: boolean;
  /** The server's own Retry-After, when it gave one. */
  waitMs?: number;
}

/**
 * POSTs JSON and returns the parsed answer, retrying 429, 5xx, timeouts and connection
 * failures with backoff (Retry-After first). Errors name the endpoint by origin and path, the
 * HTTP status and the server's error code, never the key, the inputs or the server's message.
 */
export async function postJson(request: PostRequest): Promise<unknown> {
  const { endpoint, retry } = request;
  for (let attempt = 0; ; attempt++) {
    const failure = await attemptOnce(request, attempt + 1);
    if ('json' in failure) return failure.json;
    if (request.signal.aborted) throw failure.error;
    if (!failure.retryable || attempt >= retry.maxRetries) throw failure.error;
    if (failure.waitMs !== undefined && failure.waitMs > retry.maxDelayMs) {
      throw new MemoryError(
        ErrorCode.BACKEND_ERROR,
        `${endpoint.label} asked to retry after ${Math.ceil(failure.waitMs / 1_000)} s, longer than maxRetryDelayMs (${retry.maxDelayMs}): ` +
          'wait and try again, check your quota, or raise maxRetryDelayMs',
        { cause: failure.error, details: { ...failure.error.details, retryAfterMs: failure.waitMs } },
      );
    }
    await sleep(failure.waitMs ?? backoffDelay(retry, attempt), request.signal);
  }
}

async function attemptOnce(request: PostRequest, attempts: number): Promise<{ json: unknown } | Failure> {
  const { endpoint } = request;
  const details = { endpoint: endpoint.label, attempts };
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...request.headers },
      body: JSON.stringify(request.body),
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]),
    });
    const text = await response.text();
    if (!response.ok) {
      const failure = statusFailure(response.status, errorCode(text), { ...details, status: response.status });
      if (failure.retryable) {
        const waitMs = parseRetryAfter(response.headers.get('retry-after'));
        if (waitMs !== undefined) failure.waitMs = waitMs;
      }
      return failure;
    }
    try {
      return { json: JSON.parse(text) as unknown };
    } catch (cause) {
      const error = new MemoryError(
        ErrorCode.VECTOR_DB_ERROR,
        `${endpoint.label} answered HTTP ${response.status} with a body that is not JSON: check that baseUrl points at the embeddings API (not a web page or proxy)`,
        { cause, details: { ...details, status: response.status } },
      );
      return { error, retryable: false };
    }
  } catch (cause) {
    if (request.signal.aborted) {
      const error = new MemoryError(ErrorCode.BACKEND_ERROR, `request to ${endpoint.label} was cancelled because another batch failed`, {
        cause,
        details: { ...details, cancelled: true },
      });
      return { error, retryable: false };
    }
    if ((cause as Error | undefined)?.name === 'TimeoutError') {
      const error = new MemoryError(
        ErrorCode.TIMEOUT,
        `${endpoint.label} did not answer within ${request.timeoutMs} ms (attempt ${attempts}): check that the server is up and not overloaded, or raise timeoutMs / lower maxBatchSize`,
        { cause, details: { ...details, timeoutMs: request.timeoutMs } },
      );
      return { error, retryable: true };
    }
    const code = networkCode(cause);
    const error = new MemoryError(
      ErrorCode.CONNECTION_ERROR,
      `could not reach ${endpoint.label}${code ? ` (${code})` : ''}: check that the server is running and that baseUrl is right`,
      { cause, details: { ...details, ...(code ? { cause: code } : {}) } },
    );
    return { error, retryable: true };
  }
}

function statusFailure(status: number, serverCode: string | undefined, details: Record<string, unknown>): Failure {
  const tag = serverCode ? `HTTP ${status}, ${serverCode}` : `HTTP ${status}`;
  const at = String(details.endpoint);
  const all = { ...details, ...(serverCode ? { serverCode } : {}) };
  if (status === 401 || status === 403) {
    return { error: new MemoryError(ErrorCode.CONFIG_ERROR, `${at} refused the credentials (${tag}): check apiKey`, { details: all }), retryable: false };
  }
  if (status === 404) {
    const message = `${at} was not found or does not know the model (${tag}): check baseUrl (OpenAI-compatible APIs usually end in /v1), provider and model (Ollama: \`ollama pull <model>\`)`;
    return { error: new MemoryError(ErrorCode.CONFIG_ERROR, message, { details: all }), retryable: false };
  }
  if (status === 429) {
    const message = `${at} is rate limiting (${tag}) and still was after ${String(details.attempts)} attempts: slow down, check your quota, or raise maxRetries`;
    return { error: new MemoryError(ErrorCode.BACKEND_ERROR, message, { details: all }), retryable: true };
  }
  if (isRetryableStatus(status)) {
    const message = `${at} failed (${tag}) and still did after ${String(details.attempts)} attempts: check the server's logs and health`;
    return { error: new MemoryError(ErrorCode.BACKEND_ERROR, message, { details: all }), retryable: true };
  }
  const message = `${at} refused the request (${tag}): check the model name, whether it supports \`dimensions\`, and the input length (lower maxBatchSize for large inputs)`;
  return { error: new MemoryError(ErrorCode.BACKEND_ERROR, message, { details: all }), retryable: false };
}

/**
 * The server's machine-readable error code (OpenAI: `error.code` or `error.type`), only when
 * it looks like an identifier: messages can echo inputs or a partly masked key.
 */
function errorCode(body: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = (json as { error?: unknown } | null)?.error;
  const candidate = typeof error === 'object' && error !== null ? ((error as { code?: unknown }).code ?? (error as { type?: unknown }).type) : undefined;
  return typeof candidate === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(candidate) ? candidate : undefined;
}

function networkCode(error: unknown): string | undefined {
  const code = ((error as { cause?: { code?: unknown } } | undefined)?.cause?.code ?? (error as { code?: unknown } | undefined)?.code) as unknown;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
