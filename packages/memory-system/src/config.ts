import { ErrorCode, MemoryError, type Ttl } from '@engram/memory-core';
import { DEFAULT_MAX_VALUE_BYTES, ExpirationPolicy } from '@engram/memory-utils';

export type StorageBackend = 'sqlite' | 'redis' | 'in-process';
export type VectorDbType = 'memory' | 'hnsw' | 'faiss' | 'qdrant' | 'chroma';

/** Everything needed to build a memory system. Every field has a default; see `defaultConfig`. */
export interface EngramConfig {
  /** Where memories live. Default: `redis` when `redisUrl` is set, else the embedded `sqlite`. */
  storage: StorageBackend;
  redisUrl: string | undefined;
  /** `host:port` seed nodes of a Redis Cluster (instead of `redisUrl`). */
  redisClusterNodes: string[] | undefined;
  redisUsername: string | undefined;
  redisPassword: string | undefined;
  redisDb: number | undefined;
  redisTls: boolean;
  redisKeyPrefix: string;
  redisPoolSize: number;
  commandTimeoutMs: number;
  /** Fail fast while Redis is down: open after `circuitBreakerThreshold` failures, retry after the cooldown. */
  circuitBreaker: boolean;
  circuitBreakerThreshold: number;
  circuitBreakerCooldownMs: number;
  /** Redis pub/sub so every process drops stale L1 entries after a write (single-server Redis only). */
  invalidationBus: boolean;
  /** While the bus is disconnected, L1 answers for at most this long. */
  busDownMaxStalenessMs: number;
  /** Redlock-based locks for `withCache(…, { distributed: true })` (single-server Redis only). */
  distributedLocks: boolean;
  sqlitePath: string;
  /** Largest encoded value any store accepts. */
  maxValueBytes: number;
  /** Seconds; `null` = never expires. Used when a save gives no ttl. */
  defaultTtl: Ttl;
  cacheTtl: number;
  temporaryTtl: number;
  persistentTtl: number;
  /** L1 entries kept in process. */
  cacheSize: number;
  /** Seconds between sweeps of expired L1 entries. */
  cacheCleanupInterval: number;
  /** `undefined`: no vector store unless @engram/vector-core is installed, then `memory`. */
  vectorDbType: VectorDbType | undefined;
  vectorDbUrl: string | undefined;
  vectorDbApiKey: string | undefined;
  vectorStorageDir: string | undefined;
}

export type EngramConfigInput = Partial<EngramConfig>;

export const defaultConfig: Readonly<Omit<EngramConfig, 'storage'>> = Object.freeze({
  redisUrl: undefined,
  redisClusterNodes: undefined,
  redisUsername: undefined,
  redisPassword: undefined,
  redisDb: undefined,
  redisTls: false,
  redisKeyPrefix: 'engram',
  redisPoolSize: 1,
  commandTimeoutMs: 5_000,
  circuitBreaker: true,
  circuitBreakerThreshold: 5,
  circuitBreakerCooldownMs: 1_000,
  invalidationBus: true,
  busDownMaxStalenessMs: 1_000,
  distributedLocks: true,
  sqlitePath: './.engram/memory.db',
  maxValueBytes: DEFAULT_MAX_VALUE_BYTES,
  defaultTtl: ExpirationPolicy.DEFAULT,
  cacheTtl: ExpirationPolicy.CACHE,
  temporaryTtl: ExpirationPolicy.TEMPORARY,
  persistentTtl: ExpirationPolicy.PERSISTENT,
  cacheSize: 1_000,
  cacheCleanupInterval: 60,
  vectorDbType: undefined,
  vectorDbUrl: undefined,
  vectorDbApiKey: undefined,
  vectorStorageDir: undefined,
});

const configError = (field: string, problem: string, source?: string) =>
  new MemoryError(ErrorCode.CONFIG_ERROR, `config.${field} ${problem}${source ? ` (from ${source})` : ''}`, {
    details: { field, ...(source ? { source } : {}) },
  });

const positiveInt = (field: string, value: unknown, source?: string, max = Number.MAX_SAFE_INTEGER): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
    throw configError(field, `must be a positive whole number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`, source);
  }
  return value;
};

const optionalString = (field: string, value: unknown, source?: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw configError(field, 'must be a non-empty string', source);
  return value;
};

const oneOf = <T extends string>(field: string, value: unknown, allowed: readonly T[], source?: string): T => {
  if (!allowed.includes(value as T)) throw configError(field, `must be one of ${allowed.join(', ')}`, source);
  return value as T;
};

/**
 * Fills defaults and checks every field; a bad field throws `MemoryError(CONFIG_ERROR)` whose
 * message and `details.field` name it. `sources` maps fields to where they came from (env names).
 */
export function resolveConfig(input: EngramConfigInput = {}, sources: Record<string, string> = {}): EngramConfig {
  const known = new Set([...Object.keys(defaultConfig), 'storage']);
  for (const field of Object.keys(input)) {
    if (!known.has(field)) throw configError(field, `is not a known option; known: ${[...known].join(', ')}`);
  }
  const merged = { ...defaultConfig, ...stripUndefined(input) } as EngramConfig & Record<string, unknown>;
  const src = (field: string) => sources[field];

  const redisUrl = optionalString('redisUrl', merged.redisUrl, src('redisUrl'));
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw configError('redisUrl', 'must start with redis:// or rediss://', src('redisUrl'));
  }
  const redisClusterNodes = clusterNodes(merged.redisClusterNodes, src('redisClusterNodes'));
  if (redisClusterNodes !== undefined && redisUrl !== undefined) {
    throw configError('redisClusterNodes', 'cannot be combined with redisUrl: give one or the other', src('redisClusterNodes'));
  }
  const redisGiven = redisUrl !== undefined || redisClusterNodes !== undefined;
  const storage = oneOf('storage', merged.storage ?? (redisGiven ? 'redis' : 'sqlite'), ['sqlite', 'redis', 'in-process'] as const, src('storage'));
  if (storage === 'redis' && !redisGiven) {
    throw configError('redisUrl', 'is required when storage is "redis" (e.g. redis://127.0.0.1:6379), or give redisClusterNodes', src('redisUrl'));
  }
  for (const field of ['redisTls', 'circuitBreaker', 'invalidationBus', 'distributedLocks'] as const) {
    if (typeof merged[field] !== 'boolean') throw configError(field, 'must be true or false', src(field));
  }
  const redisDb = merged.redisDb;
  if (redisDb !== undefined && (typeof redisDb !== 'number' || !Number.isInteger(redisDb) || redisDb < 0 || redisDb > 15)) {
    throw configError('redisDb', 'must be a whole number from 0 to 15', src('redisDb'));
  }
  const defaultTtl = merged.defaultTtl === null ? null : positiveInt('defaultTtl', merged.defaultTtl, src('defaultTtl'));
  const vectorDbType =
    merged.vectorDbType === undefined
      ? undefined
      : oneOf('vectorDbType', merged.vectorDbType, ['memory', 'hnsw', 'faiss', 'qdrant', 'chroma'] as const, src('vectorDbType'));

  return {
    storage,
    redisUrl,
    redisClusterNodes,
    redisUsername: optionalString('redisUsername', merged.redisUsername, src('redisUsername')),
    redisPassword: optionalString('redisPassword', merged.redisPassword, src('redisPassword')),
    redisDb,
    redisTls: merged.redisTls,
    redisKeyPrefix: optionalString('redisKeyPrefix', merged.redisKeyPrefix, src('redisKeyPrefix')) ?? 'engram',
    redisPoolSize: positiveInt('redisPoolSize', merged.redisPoolSize, src('redisPoolSize'), 64),
    commandTimeoutMs: positiveInt('commandTimeoutMs', merged.commandTimeoutMs, src('commandTimeoutMs')),
    circuitBreaker: merged.circuitBreaker,
    circuitBreakerThreshold: positiveInt('circuitBreakerThreshold', merged.circuitBreakerThreshold, src('circuitBreakerThreshold')),
    circuitBreakerCooldownMs: positiveInt('circuitBreakerCooldownMs', merged.circuitBreakerCooldownMs, src('circuitBreakerCooldownMs')),
    invalidationBus: merged.invalidationBus,
    busDownMaxStalenessMs: positiveInt('busDownMaxStalenessMs', merged.busDownMaxStalenessMs, src('busDownMaxStalenessMs')),
    distributedLocks: merged.distributedLocks,
    maxValueBytes: positiveInt('maxValueBytes', merged.maxValueBytes, src('maxValueBytes')),
    sqlitePath: optionalString('sqlitePath', merged.sqlitePath, src('sqlitePath')) ?? defaultConfig.sqlitePath,
    defaultTtl,
    cacheTtl: positiveInt('cacheTtl', merged.cacheTtl, src('cacheTtl')),
    temporaryTtl: positiveInt('temporaryTtl', merged.temporaryTtl, src('temporaryTtl')),
    persistentTtl: positiveInt('persistentTtl', merged.persistentTtl, src('persistentTtl')),
    cacheSize: positiveInt('cacheSize', merged.cacheSize, src('cacheSize')),
    cacheCleanupInterval: positiveInt('cacheCleanupInterval', merged.cacheCleanupInterval, src('cacheCleanupInterval')),
    vectorDbType,
    vectorDbUrl: optionalString('vectorDbUrl', merged.vectorDbUrl, src('vectorDbUrl')),
    vectorDbApiKey: optionalString('vectorDbApiKey', merged.vectorDbApiKey, src('vectorDbApiKey')),
    vectorStorageDir: optionalString('vectorStorageDir', merged.vectorStorageDir, src('vectorStorageDir')),
  };
}

function clusterNodes(value: unknown, source?: string): string[] | undefined {
  if (value === undefined) return undefined;
  const nodes = typeof value === 'string' ? value.split(',').map((n) => n.trim()).filter(Boolean) : value;
  if (!Array.isArray(nodes) || nodes.length === 0 || !nodes.every((n) => typeof n === 'string' && /^[^\s:@/]+:\d{1,5}$/.test(n))) {
    throw configError('redisClusterNodes', 'must be a list of host:port seed nodes, e.g. "10.0.0.1:7000,10.0.0.2:7000"', source);
  }
  return nodes as string[];
}

function stripUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
