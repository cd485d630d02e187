import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { MATCH_ALL, parseFilter, type BackendRecord, type CollectionSpec } from '@engram/vector-core';
import {
  CONTEXT_KEY,
  DEFAULT_EF_SEARCH,
  FIELDS_KEY,
  ID_KEY,
  checkCollectionInfo,
  contextCollectionName,
  countRequest,
  createCollectionRequest,
  decodePayload,
  deleteByFilterRequest,
  deletePointsRequest,
  encodePayload,
  existingPointIds,
  fieldKey,
  fieldName,
  hitsFromPoints,
  pointId,
  retrieveRequest,
  searchRequest,
  tenantIndexRequest,
  upsertRequests,
  uuidV5,
} from '../src/index.js';

const spec: CollectionSpec = { name: 'engram_m_4', model: 'm', dimension: 4 };
const record = (id: string, text = id): BackendRecord => ({ id, vector: Float32Array.from([1, 0, 0, 0]), metadata: { text } });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('qdrant collection requests', () => {
  it('a shared collection: cosine vectors of the dimension, no global graph, per-tenant graphs', () => {
    expect(createCollectionRequest(spec, {}, true)).toEqual({ vectors: { size: 4, distance: 'Cosine' }, hnsw_config: { m: 0, payload_m: 16 } });
    expect(createCollectionRequest(spec, { m: 32, payloadM: 8, efConstruct: 200 }, true)).toEqual({
      vectors: { size: 4, distance: 'Cosine' },
      hnsw_config: { m: 32, payload_m: 8, ef_construct: 200 },
    });
  });

  it('a collection of one context gets an ordinary graph', () => {
    expect(createCollectionRequest(spec, {}, false)).toEqual({ vectors: { size: 4, distance: 'Cosine' }, hnsw_config: { m: 16 } });
  });

  it('indexes the context field as a keyword tenant key', () => {
    expect(tenantIndexRequest()).toEqual({ wait: true, field_name: CONTEXT_KEY, field_schema: { type: 'keyword', is_tenant: true } });
  });

  it('names per-context collections after the shared one plus a hash of the context', () => {
    const a = contextCollectionName('engram_m_4', 'a');
    expect(a).toMatch(/^engram_m_4-ctx-[0-9a-f]{32}$/);
    expect(contextCollectionName('engram_m_4', 'a')).toBe(a);
    expect(contextCollectionName('engram_m_4', 'ab')).not.toBe(a);
  });

  it('accepts an existing collection of the same shape and refuses any other with CONFIG_ERROR', () => {
    const info = (vectors: unknown, payload_schema: Record<string, unknown> = { [CONTEXT_KEY]: {} }) =>
      ({ config: { params: { vectors } }, payload_schema }) as never;
    expect(checkCollectionInfo(info({ size: 4, distance: 'Cosine' }), spec, 'c')).toEqual({ needsTenantIndex: false });
    expect(checkCollectionInfo(info({ size: 4, distance: 'Cosine' }, {}), spec, 'c')).toEqual({ needsTenantIndex: true });
    for (const bad of [{ size: 8, distance: 'Cosine' }, { size: 4, distance: 'Dot' }, { named: { size: 4, distance: 'Cosine' } }]) {
      let error: unknown;
      try {
        checkCollectionInfo(info(bad), spec, 'c');
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(bad)).toBeInstanceOf(MemoryError);
      expect((error as MemoryError).code).toBe(ErrorCode.CONFIG_ERROR);
    }
  });
});

describe('qdrant point ids', () => {
  it('implements UUIDv5 (RFC 9562 test vector)', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('are deterministic UUIDs, distinct per (context, id), even where concatenation would collide', () => {
    expect(pointId('ctx', 'id')).toMatch(UUID);
    expect(pointId('ctx', 'id')).toBe(pointId('ctx', 'id'));
    expect(pointId('a', 'bc')).not.toBe(pointId('ab', 'c'));
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (c1, i1, c2, i2) => {
        fc.pre(c1 !== c2 || i1 !== i2);
        expect(pointId(c1, i1)).not.toBe(pointId(c2, i2));
        expect(pointId(c1, i1)).toMatch(UUID);
      }),
    );
  });
});

describe('qdrant payload', () => {
  it('field keys are Qdrant-safe, injective and reversible', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'binary' }), fc.string({ minLength: 1, unit: 'binary' }), (a, b) => {
        expect(fieldKey(a)).toMatch(/^m_[A-Za-z0-9_]+$/);
        expect(fieldName(fieldKey(a))).toBe(a);
        if (a !== b) expect(fieldKey(a)).not.toBe(fieldKey(b));
      }),
    );
    expect(fieldName('engram_ctx')).toBeUndefined();
    expect(fieldName('m_bad_zz')).toBeUndefined();
  });

  it('round-trips every metadata shape, including __proto__, and ignores points not written by Engram', () => {
    const metadata = JSON.parse('{"text":"t","s":"","n":-3.25,"big":4503599627370496,"b":false,"z":null,"arr":["b","a","a",""],"empty":[],"__proto__":"p","a.b":"d"}');
    const payload = encodePayload('ctx', 'id', metadata);
    expect(payload[CONTEXT_KEY]).toBe('ctx');
    expect(payload[ID_KEY]).toBe('id');
    expect(payload[FIELDS_KEY]).toEqual(['text', 's', 'n', 'big', 'b', 'arr', 'empty', '__proto__', 'a.b']);
    const decoded = decodePayload(JSON.parse(JSON.stringify(payload)))!;
    expect(decoded).toMatchObject({ contextId: 'ctx', id: 'id' });
    expect(decoded.metadata).toEqual(metadata);
    expect(Object.hasOwn(decoded.metadata, '__proto__')).toBe(true);
    expect(decodePayload({ other: 1 })).toBeUndefined();
    expect(decodePayload(null)).toBeUndefined();
  });
});

describe('qdrant upsert requests', () => {
  it('batches points, waits for each write, and sends plain arrays', () => {
    const records = Array.from({ length: 7 }, (_, i) => record(`r${i}`));
    const requests = upsertRequests('ctx', records, 3);
    expect(requests.map((r) => r.points.length)).toEqual([3, 3, 1]);
    for (const r of requests) expect(r.wait).toBe(true);
    const first = requests[0]!.points[0]!;
    expect(first.id).toBe(pointId('ctx', 'r0'));
    expect(first.vector).toEqual([1, 0, 0, 0]);
    expect(Array.isArray(first.vector)).toBe(true);
    expect(first.payload).toEqual(encodePayload('ctx', 'r0', { text: 'r0' }));
    expect(upsertRequests('ctx', [], 3)).toEqual([]);
  });

  it('an id named twice keeps the last record', () => {
    const [request] = upsertRequests('ctx', [record('a', 'first'), record('b'), record('a', 'second')], 10);
    expect(request!.points).toHaveLength(2);
    expect(request!.points.find((p) => p.id === pointId('ctx', 'a'))!.payload).toMatchObject({ [fieldKey('text')]: 'second' });
  });
});

describe('qdrant search requests', () => {
  const query = Float32Array.from([0.5, 0.5, 0.5, 0.5]);

  it('queries the vector with the context filter, the payload, and ef at least k', () => {
    expect(searchRequest('ctx', query, 5, MATCH_ALL)).toEqual({
      query: [0.5, 0.5, 0.5, 0.5],
      filter: { must: [{ key: CONTEXT_KEY, match: { value: 'ctx' } }] },
      limit: 5,
      with_payload: true,
      with_vector: false,
      params: { hnsw_ef: DEFAULT_EF_SEARCH },
    });
    expect(searchRequest('ctx', query, 500, MATCH_ALL)!.params.hnsw_ef).toBe(500);
    expect(searchRequest('ctx', query, 5, MATCH_ALL, 300)!.params.hnsw_ef).toBe(300);
    expect(searchRequest('ctx', query, 5, parseFilter({ category: 'ai' }))!.filter).toEqual({
      must: [{ key: CONTEXT_KEY, match: { value: 'ctx' } }, { key: fieldKey('category'), match: { value: 'ai' } }],
    });
  });

  it('sends nothing when the filter cannot match', () => {
    expect(searchRequest('ctx', query, 5, parseFilter({ a: { $in: [] } }))).toBeUndefined();
  });

  it('turns points into hits: scores clamped to [-1, 1], other contexts and foreign points dropped', () => {
    const point = (ctx: string, id: string, score: number) => ({ id: pointId(ctx, id), version: 1, score, payload: encodePayload(ctx, id, { text: id }) });
    const hits = hitsFromPoints(
      [point('ctx', 'a', 1.0000001), point('ctx', 'b', 0.25), point('other', 'c', 0.2), { id: 1, version: 1, score: 0.1, payload: { x: 1 } }, point('ctx', 'd', -1.0000002)],
      'ctx',
    );
    expect(hits).toEqual([
      { id: 'a', score: 1, metadata: { text: 'a' } },
      { id: 'b', score: 0.25, metadata: { text: 'b' } },
      { id: 'd', score: -1, metadata: { text: 'd' } },
    ]);
  });
});

describe('qdrant delete, count and clear requests', () => {
  it('reads which ids exist by point id, keeping only points of the context', () => {
    expect(retrieveRequest('ctx', ['a', 'b', 'a'])).toEqual({ ids: [pointId('ctx', 'a'), pointId('ctx', 'b')], with_payload: [CONTEXT_KEY], with_vector: false });
    const found = [
      { id: pointId('ctx', 'a'), payload: { [CONTEXT_KEY]: 'ctx' } },
      { id: pointId('ctx', 'b'), payload: { [CONTEXT_KEY]: 'elsewhere' } },
    ];
    expect(existingPointIds(found, 'ctx')).toEqual([pointId('ctx', 'a')]);
    expect(deletePointsRequest([pointId('ctx', 'a')])).toEqual({ wait: true, points: [pointId('ctx', 'a')] });
  });

  it('counts and clears one context by its keyword, or every point Engram wrote', () => {
    expect(countRequest('ctx')).toEqual({ filter: { must: [{ key: CONTEXT_KEY, match: { value: 'ctx' } }] }, exact: true });
    expect(countRequest()).toEqual({ filter: { must_not: [{ is_empty: { key: CONTEXT_KEY } }] }, exact: true });
    expect(deleteByFilterRequest('ctx')).toEqual({ wait: true, filter: { must: [{ key: CONTEXT_KEY, match: { value: 'ctx' } }] } });
    expect(deleteByFilterRequest()).toEqual({ wait: true, filter: { must_not: [{ is_empty: { key: CONTEXT_KEY } }] } });
  });
});
