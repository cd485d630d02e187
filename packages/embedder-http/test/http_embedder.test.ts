import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { HashingEmbedder, VectorStore } from '@engram/vector-core';
import { HttpEmbedder, parseRetryAfter, type HttpEmbedderOptions } from '../src/index.js';
import { EmbeddingServer } from './support/embedding_server.js';

const API_KEY = 'sk-test-7f3a9c-do-not-leak';
const server = new EmbeddingServer({ apiKey: API_KEY });
const reference = new HashingEmbedder({ dimension: 64 });

beforeAll(() => server.start());
afterAll(() => server.close());
beforeEach(() => server.reset());

const openai = (extra: Partial<HttpEmbedderOptions> = {}) =>
  new HttpEmbedder({ baseUrl: `${server.url}/v1`, model: 'engram-hashing', apiKey: API_KEY, retryBaseDelayMs: 5, ...extra });
const ollama = (extra: Partial<HttpEmbedderOptions> = {}) =>
  new HttpEmbedder({ provider: 'ollama', baseUrl: server.url, model: 'engram-hashing', retryBaseDelayMs: 5, ...extra });

/** The error a promise rejects with, checked to be a MemoryError that does not leak the key. */
async function failure(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  expect(JSON.stringify({ message: (error as Error).message, details: (error as MemoryError).details })).not.toContain(API_KEY);
  return error as MemoryError;
}

const DOCS = [
  'Machine learning is a subset of artificial intelligence that enables systems to learn from data',
  'Natural language processing helps computers understand and generate human language',
  'Computer vision enables machines to interpret and understand visual information from the world',
  'Deep learning uses neural networks with many layers to model complex patterns',
];

describe('protocols', () => {
  it('speaks OpenAI: POST {baseUrl}/embeddings with { model, input[] } and a Bearer key; vectors in input order', async () => {
    const vectors = await openai({ dimension: 64 }).embed(DOCS);
    expect(vectors).toEqual(DOCS.map((d) => reference.embedOne(d)));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ path: '/v1/embeddings', authorization: `Bearer ${API_KEY}`, body: { model: 'engram-hashing', input: DOCS } });
    expect(server.requests[0]?.body).not.toHaveProperty('dimensions');
  });

  it('places OpenAI items by their index even when the server answers out of order', async () => {
    server.failNext({ transform: (json) => ({ ...json, data: [...(json.data as unknown[])].reverse() }) });
    expect(await openai().embed(DOCS)).toEqual(DOCS.map((d) => reference.embedOne(d)));
  });

  it('sends `dimensions` when asked and checks the answer has that length', async () => {
    const embedder = openai({ dimensions: 32 });
    expect(embedder.dimension).toBe(32);
    const [v] = await embedder.embed(['hello']);
    expect(server.requests[0]?.body.dimensions).toBe(32);
    expect(v).toEqual(new HashingEmbedder({ dimension: 32 }).embedOne('hello'));
  });

  it('speaks Ollama: POST {baseUrl}/api/embed with { model, input }, no Authorization without a key', async () => {
    const vectors = await ollama().embed(DOCS);
    expect(vectors).toEqual(DOCS.map((d) => reference.embedOne(d)));
    expect(server.requests[0]).toMatchObject({ path: '/api/embed', authorization: undefined, body: { model: 'engram-hashing', input: DOCS } });
  });

  it('works as a VectorStore embedder: the documented example ranks the NLP document first', async () => {
    const embedder = ollama();
    expect(await embedder.ready()).toBe(64);
    const store = new VectorStore({ embedder });
    await store.storeVectors(DOCS.map((text, i) => ({ text, metadata: { topic: ['ml', 'nlp', 'cv', 'dl'][i] as string } })));
    const [best] = await store.searchVectors('How do computers understand human language?', { k: 2 });
    expect(best?.metadata.topic).toBe('nlp');
    await store.close();
  });
});

describe('batching and dimension', () => {
  it('splits inputs into requests of at most maxBatchSize, keeping order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 23 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 3 }), async (texts, maxBatchSize, concurrency) => {
        server.reset();
        const vectors = await openai({ maxBatchSize, concurrency }).embed(texts);
        expect(vectors).toEqual(texts.map((t) => reference.embedOne(t)));
        expect(server.requests).toHaveLength(Math.ceil(texts.length / maxBatchSize));
        expect(server.requests.every((r) => (r.body.input as string[]).length <= maxBatchSize)).toBe(true);
        expect(server.requests.flatMap((r) => r.body.input as string[]).sort()).toEqual([...texts].sort());
      }),
      { numRuns: 60 },
    );
  });

  it('learns the dimension from the first response, and until then refuses to guess', async () => {
    const embedder = openai();
    expect(() => embedder.dimension).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_ERROR }));
    expect(() => new VectorStore({ embedder })).toThrow(MemoryError);
    expect(server.requests).toHaveLength(0); // nothing is sent before it is asked for
    expect(await embedder.ready()).toBe(64);
    expect(embedder.dimension).toBe(64);
    expect(await embedder.ready()).toBe(64);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects an answer whose dimension differs from the configured or learnt one', async () => {
    const error = await failure(openai({ dimension: 128 }).embed(['a']));
    expect(error.code).toBe(ErrorCode.VECTOR_DB_ERROR);
    expect(error.details).toMatchObject({ expected: 128, actual: 64 });
    const learnt = openai();
    await learnt.ready();
    server.failNext({ transform: (json) => ({ ...json, data: (json.data as Array<{ embedding: number[] }>).map((d) => ({ ...d, embedding: d.embedding.slice(1) })) }) });
    expect((await failure(learnt.embed(['b']))).code).toBe(ErrorCode.VECTOR_DB_ERROR);
  });

  it('sends nothing for an empty list and refuses non-strings', async () => {
    expect(await openai().embed([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
    expect((await failure(openai().embed(['a', 1 as never]))).code).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});

describe('faults', () => {
  it('waits out a 429 for as long as Retry-After says, then succeeds', async () => {
    server.failNext({ status: 429, retryAfter: '1' });
    const [v] = await openai().embed(['hello']);
    expect(v).toEqual(reference.embedOne('hello'));
    expect(server.requests).toHaveLength(2);
    const waited = (server.requests[1]?.at as number) - (server.requests[0]?.at as number);
    expect(waited).toBeGreaterThanOrEqual(950); // behaviour (Retry-After honoured), not speed
  });

  it('fails at once when Retry-After exceeds maxRetryDelayMs', async () => {
    server.failNext({ status: 429, retryAfter: '120' });
    const error = await failure(openai().embed(['hello']));
    expect(error.code).toBe(ErrorCode.BACKEND_ERROR);
    expect(error.message).toMatch(/retry after 120 s/);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 500 and a 503 with backoff, then succeeds', async () => {
    server.failNext({ status: 500 }, { status: 503 });
    expect(await ollama().embed(['x', 'y'])).toEqual([reference.embedOne('x'), reference.embedOne('y')]);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with BACKEND_ERROR naming the status and attempts', async () => {
    server.failNext({ status: 502 }, { status: 502 }, { status: 502 });
    const error = await failure(openai({ maxRetries: 2 }).embed(['x']));
    expect(error.code).toBe(ErrorCode.BACKEND_ERROR);
    expect(error.details).toMatchObject({ status: 502, attempts: 3 });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry other 4xx, and reports only the server error code, never its message', async () => {
    server.failNext({ status: 400, body: JSON.stringify({ error: { message: `input too long; key ${API_KEY}`, code: 'context_length_exceeded' } }) });
    const error = await failure(openai().embed(['x']));
    expect(error.code).toBe(ErrorCode.BACKEND_ERROR);
    expect(error.message).toContain('context_length_exceeded');
    expect(server.requests).toHaveLength(1);
  });

  it('maps a wrong key to CONFIG_ERROR "check apiKey" without repeating either key', async () => {
    const error = await failure(openai({ apiKey: 'sk-wrong-key-123456' }).embed(['x']));
    expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
    expect(error.message).toMatch(/check apiKey/);
    expect(error.message).not.toContain('sk-wrong-key-123456');
    expect(server.requests).toHaveLength(1);
  });

  it('maps a wrong path to CONFIG_ERROR that says to check baseUrl', async () => {
    const error = await failure(new HttpEmbedder({ baseUrl: server.url, model: 'm', apiKey: API_KEY }).embed(['x']));
    expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
    expect(error.message).toMatch(/check baseUrl.*\/v1/);
  });

  it.each([
    ['malformed JSON', { body: '{"data": [' }],
    ['an HTML page', { body: '<html>login</html>' }],
    ['no data array', { body: '{"object":"list"}' }],
    ['one vector too few', { transform: (json: Record<string, unknown>) => ({ ...json, data: (json.data as unknown[]).slice(1) }) }],
    ['a null component', { transform: (json: Record<string, unknown>) => ({ ...json, data: (json.data as Array<{ embedding: unknown[] }>).map((d) => ({ ...d, embedding: [null, ...d.embedding.slice(1)] })) }) }],
    ['a string component', { transform: (json: Record<string, unknown>) => ({ ...json, data: (json.data as Array<{ embedding: unknown[] }>).map((d) => ({ ...d, embedding: ['1', ...d.embedding.slice(1)] })) }) }],
    ['a repeated index', { transform: (json: Record<string, unknown>) => ({ ...json, data: (json.data as Array<object>).map((d) => ({ ...d, index: 0 })) }) }],
    ['base64 instead of floats', { transform: (json: Record<string, unknown>) => ({ ...json, data: (json.data as Array<object>).map((d) => ({ ...d, embedding: 'AAAA' })) }) }],
  ] as const)('rejects %s with VECTOR_DB_ERROR, without retrying', async (_, fault) => {
    server.failNext(fault);
    const error = await failure(openai().embed(['a', 'b']));
    expect(error.code).toBe(ErrorCode.VECTOR_DB_ERROR);
    expect(error.message).toMatch(/check|not JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects a wrong count from Ollama too', async () => {
    server.failNext({ transform: (json) => ({ ...json, embeddings: [...(json.embeddings as unknown[]), [1, 2]] }) });
    expect((await failure(ollama().embed(['a']))).code).toBe(ErrorCode.VECTOR_DB_ERROR);
  });

  it('times out a slow answer with TIMEOUT, and retries it when allowed', async () => {
    server.failNext({ delayMs: 1_500 });
    const error = await failure(openai({ timeoutMs: 200, maxRetries: 0 }).embed(['slow']));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.message).toMatch(/within 200 ms/);
    server.reset();
    server.failNext({ delayMs: 1_500 });
    expect(await openai({ timeoutMs: 200, maxRetries: 1 }).embed(['slow'])).toEqual([reference.embedOne('slow')]);
    expect(server.requests).toHaveLength(2);
  });

  it('maps an unreachable server to CONNECTION_ERROR after its retries', async () => {
    const port = await closedPort();
    const embedder = new HttpEmbedder({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', apiKey: API_KEY, maxRetries: 1, retryBaseDelayMs: 1 });
    const error = await failure(embedder.embed(['x']));
    expect(error.code).toBe(ErrorCode.CONNECTION_ERROR);
    expect(error.message).toContain(`127.0.0.1:${port}/v1/embeddings`);
    expect(error.details).toMatchObject({ attempts: 2, cause: 'ECONNREFUSED' });
  });

  it('cancels the other batches when one fails, and reports the real failure', async () => {
    server.failNext({ status: 400 }, { delayMs: 1_000 }, { delayMs: 1_000 });
    const error = await failure(openai({ maxBatchSize: 1, concurrency: 3 }).embed(['a', 'b', 'c', 'd', 'e']));
    expect(error.details).toMatchObject({ status: 400 });
    expect(server.requests.length).toBeLessThanOrEqual(3);
  });
});

describe('configuration', () => {
  it.each([
    [{ model: 'm' }, 'baseUrl'],
    [{ baseUrl: 'not a url', model: 'm' }, 'baseUrl'],
    [{ baseUrl: 'ftp://host', model: 'm' }, 'baseUrl'],
    [{ baseUrl: 'http://127.0.0.1:1' }, 'model'],
    [{ baseUrl: 'http://127.0.0.1:1', model: 'm', provider: 'cohere' }, 'provider'],
    [{ baseUrl: 'http://127.0.0.1:1', model: 'm', maxBatchSize: 0 }, 'maxBatchSize'],
    [{ baseUrl: 'http://127.0.0.1:1', model: 'm', timeoutMs: 1.5 }, 'timeoutMs'],
    [{ baseUrl: 'http://127.0.0.1:1', model: 'm', dimension: 8, dimensions: 16 }, 'dimension'],
    [{ baseUrl: 'http://127.0.0.1:1', model: 'm', apiKey: '' }, 'apiKey'],
  ])('%j is a CONFIG_ERROR on %s', (options, field) => {
    expect(() => new HttpEmbedder(options as HttpEmbedderOptions)).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_ERROR, details: { field } }));
  });

  it('keeps user info and query strings (possible credentials) out of errors', async () => {
    const port = await closedPort();
    const embedder = new HttpEmbedder({ baseUrl: `http://user:hunter2@127.0.0.1:${port}/v1?api-key=secret42`, model: 'm', maxRetries: 0 });
    const error = await failure(embedder.embed(['x']));
    expect(error.message).not.toMatch(/hunter2|secret42|user:/);
  });

  it('names the vector space after the model unless told otherwise', () => {
    expect(openai().model).toBe('engram-hashing');
    expect(openai({ name: 'my-space' }).model).toBe('my-space');
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

/** A loopback port with nothing listening: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
