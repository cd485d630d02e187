import { createHash } from 'node:crypto';
import type { Schemas } from '@qdrant/js-client-rest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { clampScore, type BackendHit, type BackendRecord, type CollectionSpec, type FilterNode } from '@engram/vector-core';
import { contextCondition, scopedFilter, type QdrantFilter } from './qdrant_filter.js';
import { CONTEXT_KEY, decodePayload, encodePayload } from './qdrant_payload.js';
import { pointId } from './qdrant_point_id.js';
import type { ResolvedQdrantOptions } from './qdrant_options.js';

/**
 * Every request body the backend sends, built by pure functions so the exact bodies are unit
 * tested without a server (none can be installed here) and without mocking the client.
 */

/** ef used per query unless `hnsw.efSearch` says otherwise; never below k. */
export const DEFAULT_EF_SEARCH = 128;

/** `<name>-ctx-<hash>` for a context with a collection of its own. */
export function contextCollectionName(base: string, contextId: string): string {
  return `${base}-ctx-${createHash('sha256').update(contextId).digest('hex').slice(0, 32)}`;
}

/**
 * A shared collection follows Qdrant's multitenancy guide: no global HNSW graph (`m: 0`) but one
 * per tenant (`payload_m: 16` on the tenant index), since every search filters on one context.
 * A collection of one context gets an ordinary graph.
 */
export function createCollectionRequest(spec: CollectionSpec, hnsw: ResolvedQdrantOptions['hnsw'], shared: boolean): Schemas['CreateCollection'] {
  const config: Schemas['HnswConfigDiff'] = shared ? { m: hnsw.m ?? 0, payload_m: hnsw.payloadM ?? 16 } : { m: hnsw.m ?? 16 };
  if (hnsw.efConstruct !== undefined) config.ef_construct = hnsw.efConstruct;
  return { vectors: { size: spec.dimension, distance: 'Cosine' }, hnsw_config: config };
}

/** The context field's index: a keyword, marked as the tenant key so Qdrant co-locates each context's points. */
export function tenantIndexRequest(): { wait: true; field_name: string; field_schema: Schemas['KeywordIndexParams'] } {
  return { wait: true, field_name: CONTEXT_KEY, field_schema: { type: 'keyword', is_tenant: true } };
}

/**
 * Checks an existing collection before writing into it. Returns whether the tenant index is
 * missing (a crash between creating the collection and its index); throws CONFIG_ERROR for a
 * collection of another shape.
 */
export function checkCollectionInfo(info: Schemas['CollectionInfo'], spec: CollectionSpec, name: string): { needsTenantIndex: boolean } {
  const vectors = info.config?.params?.vectors as Schemas['VectorParams'] | Record<string, Schemas['VectorParams']> | undefined;
  const single = vectors && typeof (vectors as Schemas['VectorParams']).size === 'number' ? (vectors as Schemas['VectorParams']) : undefined;
  const details = { collection: name };
  if (!single) {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, `Qdrant collection "${name}" uses named vectors; Engram needs one unnamed vector, use another collection name`, {
      details,
    });
  }
  if (single.size !== spec.dimension) {
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      `Qdrant collection "${name}" holds ${single.size}-dimensional vectors but this store embeds ${spec.dimension}; ` +
        'use the embedder the collection was built with, or another collection name',
      { details: { ...details, expected: single.size, actual: spec.dimension } },
    );
  }
  if (single.distance !== 'Cosine') {
    throw new MemoryError(ErrorCode.CONFIG_ERROR, `Qdrant collection "${name}" uses the ${single.distance} distance; Engram needs Cosine, use another collection name`, {
      details,
    });
  }
  return { needsTenantIndex: !info.payload_schema?.[CONTEXT_KEY] };
}

export interface UpsertRequest {
  wait: true;
  points: Schemas['PointStruct'][];
}

/**
 * Upsert bodies of at most `batchSize` points. `wait: true` so a search right after sees the
 * write. An id named twice keeps its last record, as separate writes would.
 */
export function upsertRequests(contextId: string, records: readonly BackendRecord[], batchSize: number): UpsertRequest[] {
  const byId = new Map<string, BackendRecord>();
  for (const r of records) byId.set(r.id, r);
  const points = [...byId.values()].map((r) => ({
    id: pointId(contextId, r.id),
    vector: Array.from(r.vector),
    payload: encodePayload(contextId, r.id, r.metadata),
  }));
  const out: UpsertRequest[] = [];
  for (let start = 0; start < points.length; start += batchSize) out.push({ wait: true, points: points.slice(start, start + batchSize) });
  return out;
}

export interface SearchRequest {
  query: number[];
  filter: QdrantFilter;
  limit: number;
  with_payload: true;
  with_vector: false;
  params: { hnsw_ef: number };
}

/** The query body, or undefined when the filter can match nothing (no request needed). */
export function searchRequest(contextId: string, query: Float32Array, k: number, filter: FilterNode, efSearch?: number): SearchRequest | undefined {
  const scoped = scopedFilter(contextId, filter);
  if (!scoped) return undefined;
  return {
    query: Array.from(query),
    filter: scoped,
    limit: k,
    with_payload: true,
    with_vector: false,
    params: { hnsw_ef: Math.max(efSearch ?? DEFAULT_EF_SEARCH, k) },
  };
}

/** Cosine collections score by cosine similarity already; rounding can step past ±1, so clamp. */
export function hitsFromPoints(points: readonly Schemas['ScoredPoint'][], contextId: string): BackendHit[] {
  const hits: BackendHit[] = [];
  for (const point of points) {
    const decoded = decodePayload(point.payload as Record<string, unknown> | null | undefined);
    // The filter already scopes the context; checking again costs nothing and guards against a server bug.
    if (!decoded || decoded.contextId !== contextId) continue;
    hits.push({ id: decoded.id, score: clampScore(point.score), metadata: decoded.metadata });
  }
  return hits;
}

/** Which of `ids` exist in the context: read by point id, context checked from the payload. */
export function retrieveRequest(contextId: string, ids: readonly string[]): { ids: string[]; with_payload: string[]; with_vector: false } {
  return { ids: [...new Set(ids.map((id) => pointId(contextId, id)))], with_payload: [CONTEXT_KEY], with_vector: false };
}

export function existingPointIds(records: readonly Schemas['Record'][], contextId: string): string[] {
  return records.filter((r) => (r.payload as Record<string, unknown> | null | undefined)?.[CONTEXT_KEY] === contextId).map((r) => String(r.id));
}

export function deletePointsRequest(ids: readonly string[]): { wait: true; points: string[] } {
  return { wait: true, points: [...ids] };
}

/** Every point of one context, or (no context) every point Engram wrote into the collection. */
export function contextFilter(contextId?: string): QdrantFilter {
  return contextId === undefined ? { must_not: [{ is_empty: { key: CONTEXT_KEY } }] } : { must: [contextCondition(contextId)] };
}

export function countRequest(contextId?: string): { filter: QdrantFilter; exact: true } {
  return { filter: contextFilter(contextId), exact: true };
}

export function deleteByFilterRequest(contextId?: string): { wait: true; filter: QdrantFilter } {
  return { wait: true, filter: contextFilter(contextId) };
}
