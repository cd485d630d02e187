import { ErrorCode, MemoryError } from '@engram/memory-core';

/**
 * Where requests go, and how to name it in errors: origin and path only. User info and the
 * query string can hold credentials (`?api-key=` on some gateways), so they never appear.
 */
export interface Endpoint {
  url: URL;
  label: string;
}

export function endpointFor(baseUrl: unknown, path: string): Endpoint {
  if (typeof baseUrl !== 'string' || baseUrl.length === 0) {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, 'baseUrl is required, e.g. "https://api.openai.com/v1" or "http://127.0.0.1:11434"', {
      details: { field: 'baseUrl' },
    });
  }
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch (cause) {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, 'baseUrl is not a valid URL: give an absolute http(s) URL such as "http://127.0.0.1:11434"', {
      cause,
      details: { field: 'baseUrl' },
    });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, 'baseUrl must start with http:// or https://', { details: { field: 'baseUrl' } });
  }
  // Resolve relative to the base's path: "https://host/v1" + "embeddings" → "https://host/v1/embeddings".
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${path}`;
  return { url, label: `${url.origin}${url.pathname}` };
}
