import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { configFromEnv, defaultConfig, resolveConfig } from '../src/index.js';

function configError(fn: () => unknown): MemoryError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).code).toBe(ErrorCode.CONFIG_ERROR);
    return error as MemoryError;
  }
  throw new Error('expected a CONFIG_ERROR');
}

describe('resolveConfig', () => {
  it('fills the documented defaults and picks the embedded store without Redis', () => {
    const config = resolveConfig();
    expect(config.storage).toBe('sqlite');
    expect(config).toMatchObject({
      defaultTtl: 86_400,
      cacheTtl: 3_600,
      temporaryTtl: 300,
      persistentTtl: 2_592_000,
      cacheSize: 1_000,
      redisPoolSize: 1,
      sqlitePath: defaultConfig.sqlitePath,
    });
  });

  it('picks Redis when a URL is given, and accepts defaultTtl null (never expires)', () => {
    const config = resolveConfig({ redisUrl: 'redis://127.0.0.1:6379', defaultTtl: null });
    expect(config.storage).toBe('redis');
    expect(config.defaultTtl).toBeNull();
  });

  it.each([
    ['cacheSize', { cacheSize: 0 }],
    ['cacheSize', { cacheSize: 1.5 }],
    ['cacheTtl', { cacheTtl: -1 }],
    ['defaultTtl', { defaultTtl: Number.NaN }],
    ['redisPoolSize', { redisPoolSize: 1000 }],
    ['redisUrl', { redisUrl: 'http://localhost' }],
    ['redisUrl', { storage: 'redis' as const }],
    ['redisDb', { redisDb: 16 }],
    ['storage', { storage: 'mongo' as never }],
    ['vectorDbType', { vectorDbType: 'pinecone' as never }],
    ['cacheSzie', { cacheSzie: 3 } as never],
    ['redisClusterNodes', { redisClusterNodes: ['localhost'] }],
    ['redisClusterNodes', { redisClusterNodes: ['a:1'], redisUrl: 'redis://x:1' }],
    ['maxValueBytes', { maxValueBytes: 0 }],
    ['invalidationBus', { invalidationBus: 'yes' as never }],
  ])('names the bad field %s', (field, input) => {
    const error = configError(() => resolveConfig(input));
    expect(error.details?.field).toBe(field);
    expect(error.message).toContain(`config.${field}`);
  });
});

describe('configFromEnv', () => {
  it('reads documented names, prefers ENGRAM_ names, ignores empty values', () => {
    const config = configFromEnv({
      REDIS_URL: 'redis://plain:6379',
      ENGRAM_REDIS_URL: 'redis://engram:6379',
      CACHE_SIZE: '50',
      DEFAULT_TTL: 'never',
      REDIS_TLS: 'yes',
      VECTOR_DB_TYPE: 'hnsw',
      VECTOR_STORAGE_DIR: '',
    });
    expect(config).toMatchObject({
      storage: 'redis',
      redisUrl: 'redis://engram:6379',
      cacheSize: 50,
      defaultTtl: null,
      redisTls: true,
      vectorDbType: 'hnsw',
      vectorStorageDir: undefined,
    });
  });

  it('reads cluster seed nodes and the reliability switches', () => {
    const config = configFromEnv({ REDIS_CLUSTER_NODES: '127.0.0.1:7000, 127.0.0.1:7001', INVALIDATION_BUS: 'off', MAX_VALUE_BYTES: '4096' });
    expect(config).toMatchObject({ storage: 'redis', redisClusterNodes: ['127.0.0.1:7000', '127.0.0.1:7001'], invalidationBus: false, maxValueBytes: 4096 });
  });

  it('overrides win over the environment', () => {
    expect(configFromEnv({ CACHE_SIZE: '50' }, { cacheSize: 7 }).cacheSize).toBe(7);
  });

  it('names the variable and value of a bad number, but never echoes a secret', () => {
    const error = configError(() => configFromEnv({ ENGRAM_CACHE_SIZE: 'lots' }));
    expect(error.message).toBe('config.cacheSize must be a whole number (from env ENGRAM_CACHE_SIZE="lots")');
    const secret = configError(() => configFromEnv({ REDIS_PASSWORD: 's3cret', REDIS_URL: 'ftp://x' }));
    expect(secret.details?.field).toBe('redisUrl');
    expect(secret.message).not.toContain('s3cret');
  });
});
