import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HashingEmbedder } from '@engram/vector-core';

/** What the next request gets instead of a normal answer. */
export type Fault =
  | { status: number; retryAfter?: string; body?: string }
  | { delayMs: number }
  | { body: string }
  | { transform: (json: Record<string, unknown>) => unknown };

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: { model?: unknown; input?: unknown; dimensions?: unknown };
  at: number;
}

/**
 * A real HTTP server on 127.0.0.1 speaking the two embeddings protocols: OpenAI's
 * `POST /v1/embeddings` and Ollama's `POST /api/embed`. Its vectors are real: vector-core's
 * HashingEmbedder at the requested `dimensions` (default 64). Faults queued with `failNext`
 * answer the next requests in order; every request is recorded. Like the real servers, only
 * the OpenAI route checks a Bearer key (Ollama has no authentication).
 */
export class EmbeddingServer {
  readonly requests: RecordedRequest[] = [];
  readonly #faults: Fault[] = [];
  readonly #server: Server;
  readonly #apiKey: string | undefined;
  #url = '';

  constructor(options: { apiKey?: string } = {}) {
    this.#apiKey = options.apiKey;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Origin, e.g. `http://127.0.0.1:41234`; OpenAI clients use `${url}/v1`. */
  get url(): string {
    return this.#url;
  }

  failNext(...faults: Fault[]): void {
    this.#faults.push(...faults);
  }

  reset(): void {
    this.requests.length = 0;
    this.#faults.length = 0;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: RecordedRequest['body'];
    try {
      body = JSON.parse(raw) as RecordedRequest['body'];
    } catch {
      return send(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body, at: performance.now() });
    const openai = req.method === 'POST' && req.url === '/v1/embeddings';
    const ollama = req.method === 'POST' && req.url === '/api/embed';
    if (!openai && !ollama) return send(res, 404, { error: { message: 'no such route', type: 'not_found' } });
    if (openai && this.#apiKey !== undefined && req.headers.authorization !== `Bearer ${this.#apiKey}`) {
      // Like OpenAI, echo a masked key in the message: the client must not repeat it.
      return send(res, 401, { error: { message: `Incorrect API key provided: ${String(req.headers.authorization)}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    const fault = this.#faults.shift();
    if (fault && 'status' in fault) {
      if (fault.retryAfter !== undefined) res.setHeader('retry-after', fault.retryAfter);
      res.writeHead(fault.status, { 'content-type': 'application/json' });
      res.end(fault.body ?? JSON.stringify({ error: { message: 'scripted failure', type: 'server_error' } }));
      return;
    }
    if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault && 'body' in fault) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(fault.body);
      return;
    }
    const input = body.input;
    const texts = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string') || typeof body.model !== 'string') {
      return send(res, 400, { error: { message: "'input' must be a string or an array of strings", type: 'invalid_request_error' } });
    }
    const dimension = typeof body.dimensions === 'number' ? body.dimensions : 64;
    const embedder = new HashingEmbedder({ dimension });
    const vectors = texts.map((t) => Array.from(embedder.embedOne(t as string)));
    let json: Record<string, unknown> = openai
      ? {
          object: 'list',
          data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
          model: body.model,
          usage: { prompt_tokens: 0, total_tokens: 0 },
        }
      : { model: body.model, embeddings: vectors };
    if (fault && 'transform' in fault) json = fault.transform(json) as Record<string, unknown>;
    if (!res.destroyed) send(res, 200, json);
  }
}

function send(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
}
