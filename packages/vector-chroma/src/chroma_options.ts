import { ErrorCode, MemoryError } from '@engram/memory-core';
import type { VectorBackendOptions } from '@engram/vector-core';

/** `backendOptions` of `new VectorStore({ vectorDbType: 'chroma', … })`. */
export interface ChromaBackendOptions {
  /** Server URL. Default `http://localhost:8000` (what `chroma run` listens on). */
  url?: string;
  /** Token for a server with token auth; sent in `authHeader`, never logged. */
  apiKey?: string;
  /** `x-chroma-token` (default) or `authorization` (sent as `Bearer <apiKey>`). */
  authHeader?: 'x-chroma-token' | 'authorization';
  tenant?: string;
  database?: string;
  /**
   * Default false: one collection per embedding space, the context a metadata field. `true`
   * gives every context its own collection; a list gives only those contexts (a few large
   * tenants) their own.
   */
  collectionPerContext?: boolean | readonly string[];
  /** Records per upsert request; capped by the server's max batch size. Default 1,000. */
  batchSize?: number;
  /** HNSW settings, used when a collection is created. */
  hnsw?: { efSearch?: number; efConstruction?: number; maxNeighbors?: number };
}

export interface ResolvedChromaOptions {
  host: string;
  port: number;
  ssl: boolean;
  /** For stats and messages: scheme, host and port only (no credentials, no path). */
  displayUrl: string;
  headers: Record<string, string>;
  tenant: string | undefined;
  database: string | undefined;
  collectionPerContext: boolean | ReadonlySet<string>;
  batchSize: number;
  hnsw: { ef_search?: number; ef_construction?: number; max_neighbors?: number };
}

export const DEFAULT_BATCH_SIZE = 1_000;

function configError(field: string, problem: string): MemoryError {
  return new MemoryError(ErrorCode.CONFIG_ERROR, `chroma backend: ${field} ${problem}`, { details: { field } });
}

function positiveInt(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1) throw configError(field, 'must be a whole number of at least 1');
  return value as number;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw configError(field, 'must be a non-empty string');
  return value;
}

/**
 * Reads the factory options: `apiUrl`/`apiKey` from the store options win over the same names
 * in `backendOptions`. Throws CONFIG_ERROR naming the field; never echoes the key.
 */
export function resolveChromaOptions(options: VectorBackendOptions = {}): ResolvedChromaOptions {
  const extra = (options.backendOptions ?? {}) as Record<string, unknown>;
  const rawUrl = optionalString(options.apiUrl ?? extra.url, 'apiUrl') ?? 'http://localhost:8000';
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw configError('apiUrl', 'must be a URL such as http://localhost:8000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError('apiUrl', 'must start with http:// or https://');
  if (url.pathname !== '/' || url.search || url.hash) throw configError('apiUrl', 'must be the server root (scheme, host and port only)');
  if (url.username || url.password) throw configError('apiUrl', 'must not hold credentials: pass the token as apiKey');
  const ssl = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : ssl ? 443 : 80;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');

  const apiKey = options.apiKey ?? extra.apiKey;
  if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey.length === 0)) throw configError('apiKey', 'must be a non-empty string');
  const authHeader = extra.authHeader ?? 'x-chroma-token';
  if (authHeader !== 'x-chroma-token' && authHeader !== 'authorization') {
    throw configError('backendOptions.authHeader', 'must be "x-chroma-token" or "authorization"');
  }
  const headers: Record<string, string> = {};
  if (typeof apiKey === 'string') {
    if (authHeader === 'authorization') headers.Authorization = `Bearer ${apiKey}`;
    else headers['x-chroma-token'] = apiKey;
  }

  const perContext = extra.collectionPerContext ?? false;
  let collectionPerContext: boolean | ReadonlySet<string>;
  if (typeof perContext === 'boolean') collectionPerContext = perContext;
  else if (Array.isArray(perContext) && perContext.every((c) => typeof c === 'string' && c.length > 0)) collectionPerContext = new Set(perContext);
  else throw configError('backendOptions.collectionPerContext', 'must be true, false or an array of context ids');

  const hnswIn = extra.hnsw ?? {};
  if (typeof hnswIn !== 'object' || hnswIn === null || Array.isArray(hnswIn)) throw configError('backendOptions.hnsw', 'must be an object');
  const h = hnswIn as Record<string, unknown>;
  const hnsw: ResolvedChromaOptions['hnsw'] = {};
  const efSearch = positiveInt(h.efSearch, 'backendOptions.hnsw.efSearch');
  const efConstruction = positiveInt(h.efConstruction, 'backendOptions.hnsw.efConstruction');
  const maxNeighbors = positiveInt(h.maxNeighbors, 'backendOptions.hnsw.maxNeighbors');
  if (efSearch !== undefined) hnsw.ef_search = efSearch;
  if (efConstruction !== undefined) hnsw.ef_construction = efConstruction;
  if (maxNeighbors !== undefined) hnsw.max_neighbors = maxNeighbors;

  return {
    host,
    port,
    ssl,
    displayUrl: `${url.protocol}//${url.host}`,
    headers,
    tenant: optionalString(extra.tenant, 'backendOptions.tenant'),
    database: optionalString(extra.database, 'backendOptions.database'),
    collectionPerContext,
    batchSize: positiveInt(extra.batchSize, 'backendOptions.batchSize') ?? DEFAULT_BATCH_SIZE,
    hnsw,
  };
}
