import { ErrorCode, MemoryError } from '@engram/memory-core';

export type Provider = 'openai' | 'ollama';

/** How one provider's embeddings endpoint is called and answered. */
export interface Protocol {
  path: string;
  body(model: string, input: readonly string[], dimensions: number | undefined): Record<string, unknown>;
  /** The vectors in input order, or a sentence saying what is wrong with the response. */
  vectors(json: unknown, count: number): number[][] | string;
}

const openai: Protocol = {
  path: 'embeddings',
  body: (model, input, dimensions) => (dimensions === undefined ? { model, input } : { model, input, dimensions }),
  vectors(json, count) {
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) return 'it has no "data" array';
    if (data.length !== count) return `it has ${data.length} embeddings for ${count} inputs`;
    const out = new Array<number[]>(count);
    for (const [position, item] of data.entries()) {
      const embedding = (item as { embedding?: unknown } | null)?.embedding;
      // `index` says which input an item belongs to; servers that omit it answer in order.
      const index = (item as { index?: unknown } | null)?.index ?? position;
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count || out[index as number]) {
        return `data[${position}].index is missing, out of range or repeated`;
      }
      if (!Array.isArray(embedding)) return `data[${position}].embedding is not an array of numbers (request float embeddings)`;
      out[index as number] = embedding as number[];
    }
    return out;
  },
};

const ollama: Protocol = {
  path: 'api/embed',
  body: (model, input, dimensions) => (dimensions === undefined ? { model, input } : { model, input, dimensions }),
  vectors(json, count) {
    const embeddings = (json as { embeddings?: unknown } | null)?.embeddings;
    if (!Array.isArray(embeddings)) return 'it has no "embeddings" array (is this an Ollama /api/embed endpoint?)';
    if (embeddings.length !== count) return `it has ${embeddings.length} embeddings for ${count} inputs`;
    for (const [i, e] of embeddings.entries()) if (!Array.isArray(e)) return `embeddings[${i}] is not an array of numbers`;
    return embeddings as number[][];
  },
};

export function protocolFor(provider: unknown): Protocol {
  if (provider === 'openai') return openai;
  if (provider === 'ollama') return ollama;
  throw new MemoryError(ErrorCode.CONFIG_ERROR, "provider must be 'openai' (POST {baseUrl}/embeddings) or 'ollama' (POST {baseUrl}/api/embed)", {
    details: { field: 'provider' },
  });
}
