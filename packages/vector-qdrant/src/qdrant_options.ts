import { ErrorCode, MemoryError } from '@engram/memory-core';
import type { VectorBackendOptions } from '@engram/vector-core';

/** `backendOptions` of `new VectorStore({ vectorDbType: 'qdrant', … })`. */
export interface QdrantBackendOptions {
  /** Server URL. Default `http://localhost:6333`. */
  url?: string;
  /** Sent as the `api-key` header, never logged. */
  apiKey?: string;
  /**
   * Default false: one collection per embedding space, the context a tenant-indexed payload
   * field. `true` gives every context its own collection; a list gives only those contexts (a
   * few large tenants) their own. Qdrant Cloud caps a cluster at 1,000 collections.
   */
  collectionPerContext?: boolean | readonly string[];
  /** Points per upsert request. Default 256. */
  batchSize?: number;
  /** HNSW settings used when a collection is created, and `efSearch` per query. */
  hnsw?: { m?: number; efConstruct?: number; payloadM?: number; efSearch?: number };
  /** Request timeout in ms. Default 30,000. */
  timeoutMs?: number;
}

export interface ResolvedQdrantOptions {
  /** Scheme, host and port; like Qdrant's clients, a URL without a port means 6333. */
  url: string;
  /** Path under which a proxy serves the API, or undefined. */
  prefix: string | undefined;
  /** For stats and messages: scheme, host and port only. */
  displayUrl: string;
  apiKey: string | undefined;
  collectionPerContext: boolean | ReadonlySet<string>;
  batchSize: number;
  hnsw: { m?: number; efConstruct?: number; payloadM?: number; efSearch?: number };
  timeoutMs: number;
}

export const DEFAULT_BATCH_SIZE = 256;

function configError(field: string, problem: string): MemoryError {
  return new MemoryError(ErrorCode.CONFIG_ERROR, `qdrant backend: ${field} ${problem}`, { details: { field } });
}

function wholeNumber(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < min) throw configError(field, `must be a whole number of at least ${min}`);
  return value as number;
}

/**
 * Reads the factory options: `apiUrl`/`apiKey` from the store options win over the same names
 * in `backendOptions`. Throws CONFIG_ERROR naming the field; never echoes the key.
 */
export function resolveQdrantOptions(options: VectorBackendOptions = {}): ResolvedQdrantOptions {
  const extra = (options.backendOptions ?? {}) as Record<string, unknown>;
  const rawUrl = options.apiUrl ?? extra.url ?? 'http://localhost:6333';
  let url: URL;
  try {
    if (typeof rawUrl !== 'string') throw new TypeError();
    url = new URL(rawUrl);
  } catch {
    throw configError('apiUrl', 'must be a URL such as http://localhost:6333');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError('apiUrl', 'must start with http:// or https://');
  if (url.username || url.password) throw configError('apiUrl', 'must not hold credentials: pass the key as apiKey');
  if (url.search || url.hash) throw configError('apiUrl', 'must not have a query or fragment');

  const apiKey = options.apiKey ?? extra.apiKey;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey.length === 0)) throw configError('apiKey', 'must be a non-empty string');

  const perContext = extra.collectionPerContext ?? false;
  let collectionPerContext: boolean | ReadonlySet<string>;
  if (typeof perContext === 'boolean') collectionPerContext = perContext;
  else if (Array.isArray(perContext) && perContext.every((c) => typeof c === 'string' && c.length > 0)) collectionPerContext = new Set(perContext);
  else throw configError('backendOptions.collectionPerContext', 'must be true, false or an array of context ids');

  const hnswIn = extra.hnsw ?? {};
  if (typeof hnswIn !== 'object' || hnswIn === null || Array.isArray(hnswIn)) throw configError('backendOptions.hnsw', 'must be an object');
  const h = hnswIn as Record<string, unknown>;
  const hnsw: ResolvedQdrantOptions['hnsw'] = {};
  const m = wholeNumber(h.m, 'backendOptions.hnsw.m', 0);
  const efConstruct = wholeNumber(h.efConstruct, 'backendOptions.hnsw.efConstruct', 4);
  const payloadM = wholeNumber(h.payloadM, 'backendOptions.hnsw.payloadM', 0);
  const efSearch = wholeNumber(h.efSearch, 'backendOptions.hnsw.efSearch', 1);
  if (m !== undefined) hnsw.m = m;
  if (efConstruct !== undefined) hnsw.efConstruct = efConstruct;
  if (payloadM !== undefined) hnsw.payloadM = payloadM;
  if (efSearch !== undefined) hnsw.efSearch = efSearch;

  const path = url.pathname.replace(/\/+$/, '');
  return {
    url: `${url.protocol}//${url.host}`,
    prefix: path || undefined,
    displayUrl: `${url.protocol}//${url.host}`,
    apiKey: apiKey as string | undefined,
    collectionPerContext,
    batchSize: wholeNumber(extra.batchSize, 'backendOptions.batchSize', 1) ?? DEFAULT_BATCH_SIZE,
    hnsw,
    timeoutMs: wholeNumber(extra.timeoutMs, 'backendOptions.timeoutMs', 1) ?? 30_000,
  };
}
