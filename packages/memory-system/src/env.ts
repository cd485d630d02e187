import { ErrorCode, MemoryError } from '@engram/memory-core';
import { resolveConfig, type EngramConfig, type EngramConfigInput } from './config.js';

type Kind = 'string' | 'int' | 'bool' | 'ttl';

/** Field → (kind, names). `ENGRAM_<NAME>` wins over the documented plain name. */
const ENV_FIELDS: Record<keyof EngramConfig, [Kind, string]> = {
  storage: ['string', 'MEMORY_BACKEND'],
  redisUrl: ['string', 'REDIS_URL'],
  redisClusterNodes: ['string', 'REDIS_CLUSTER_NODES'],
  redisUsername: ['string', 'REDIS_USERNAME'],
  redisPassword: ['string', 'REDIS_PASSWORD'],
  redisDb: ['int', 'REDIS_DB'],
  redisTls: ['bool', 'REDIS_TLS'],
  redisKeyPrefix: ['string', 'REDIS_KEY_PREFIX'],
  redisPoolSize: ['int', 'REDIS_POOL_SIZE'],
  commandTimeoutMs: ['int', 'REDIS_COMMAND_TIMEOUT_MS'],
  circuitBreaker: ['bool', 'REDIS_CIRCUIT_BREAKER'],
  circuitBreakerThreshold: ['int', 'REDIS_CIRCUIT_BREAKER_THRESHOLD'],
  circuitBreakerCooldownMs: ['int', 'REDIS_CIRCUIT_BREAKER_COOLDOWN_MS'],
  invalidationBus: ['bool', 'INVALIDATION_BUS'],
  busDownMaxStalenessMs: ['int', 'BUS_DOWN_MAX_STALENESS_MS'],
  distributedLocks: ['bool', 'DISTRIBUTED_LOCKS'],
  sqlitePath: ['string', 'SQLITE_PATH'],
  maxValueBytes: ['int', 'MAX_VALUE_BYTES'],
  defaultTtl: ['ttl', 'DEFAULT_TTL'],
  cacheTtl: ['int', 'CACHE_TTL'],
  temporaryTtl: ['int', 'TEMPORARY_TTL'],
  persistentTtl: ['int', 'PERSISTENT_TTL'],
  cacheSize: ['int', 'CACHE_SIZE'],
  cacheCleanupInterval: ['int', 'CACHE_CLEANUP_INTERVAL'],
  vectorDbType: ['string', 'VECTOR_DB_TYPE'],
  vectorDbUrl: ['string', 'VECTOR_DB_URL'],
  vectorDbApiKey: ['string', 'VECTOR_DB_API_KEY'],
  vectorStorageDir: ['string', 'VECTOR_STORAGE_DIR'],
};

/** The environment variable names read for each field, for docs and error messages. */
export const envNames = (field: keyof EngramConfig): [string, string] => [`ENGRAM_${ENV_FIELDS[field][1]}`, ENV_FIELDS[field][1]];

function parse(field: string, kind: Kind, raw: string, source: string): unknown {
  const bad = (what: string) =>
    new MemoryError(ErrorCode.CONFIG_ERROR, `config.${field} must be ${what} (from ${source})`, {
      details: { field, source },
    });
  switch (kind) {
    case 'string':
      return raw;
    case 'int':
      if (!/^\d+$/.test(raw.trim())) throw bad('a whole number');
      return Number(raw.trim());
    case 'ttl':
      if (['none', 'never', 'null'].includes(raw.trim().toLowerCase())) return null;
      if (!/^\d+$/.test(raw.trim())) throw bad('a whole number of seconds or "never"');
      return Number(raw.trim());
    case 'bool': {
      const value = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(value)) return false;
      throw bad('true or false');
    }
  }
}

/**
 * Reads the configuration from environment variables (empty values count as unset),
 * then applies `overrides`, then validates. Errors name the field and the variable.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: EngramConfigInput = {}): EngramConfig {
  const input: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [field, [kind]] of Object.entries(ENV_FIELDS) as Array<[keyof EngramConfig, [Kind, string]]>) {
    for (const name of envNames(field)) {
      const raw = env[name];
      if (raw === undefined || raw === '') continue;
      const source = `env ${name}`;
      input[field] = parse(field, kind, raw, field === 'redisPassword' || field === 'vectorDbApiKey' ? `env ${name}` : `${source}=${JSON.stringify(raw)}`);
      sources[field] = source;
      break;
    }
  }
  for (const field of Object.keys(overrides)) delete sources[field];
  return resolveConfig({ ...(input as EngramConfigInput), ...overrides }, sources);
}
