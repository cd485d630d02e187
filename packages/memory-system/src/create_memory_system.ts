import type { BaseMemory, BaseVectorStore } from '@engram/memory-core';
import { MemoryManager } from '@engram/memory-cache';
import { resolveConfig, type EngramConfig, type EngramConfigInput } from './config.js';
import { configFromEnv } from './env.js';
import { importOptional } from './optional_import.js';

/** The stack built from one config. `close()` closes everything it opened, once. */
export interface MemorySystem {
  readonly config: EngramConfig;
  readonly manager: MemoryManager;
  readonly primary: BaseMemory;
  readonly vectors: BaseVectorStore | undefined;
  /** The configured named TTLs in seconds, for `save(…, { ttl: system.ttl.persistent })`. */
  readonly ttl: { readonly temporary: number; readonly cache: number; readonly default: number | null; readonly persistent: number };
  close(): Promise<void>;
}

/**
 * Builds store, L1 manager and (when configured or installed) vector store.
 * With no argument the configuration is read from the environment (`configFromEnv`).
 */
export async function createMemorySystem(input?: EngramConfigInput): Promise<MemorySystem> {
  const config = input === undefined ? configFromEnv() : resolveConfig(input);
  const primary = await createPrimary(config);
  let vectors: BaseVectorStore | undefined;
  try {
    vectors = await createVectorStore(config);
  } catch (error) {
    await primary.close();
    throw error;
  }
  const manager = new MemoryManager(primary, vectors, {
    cacheSize: config.cacheSize,
    cacheTtl: config.cacheTtl,
    memoryTtl: config.defaultTtl,
    cacheCleanupIntervalMs: config.cacheCleanupInterval * 1000,
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    manager,
    primary,
    vectors,
    ttl: Object.freeze({
      temporary: config.temporaryTtl,
      cache: config.cacheTtl,
      default: config.defaultTtl,
      persistent: config.persistentTtl,
    }),
    close: () => (closing ??= manager.close()),
  };
}

async function createPrimary(config: EngramConfig): Promise<BaseMemory> {
  switch (config.storage) {
    case 'redis': {
      const { RedisMemory } = await importOptional('@engram/memory-redis', 'storage "redis"', () => import('@engram/memory-redis'));
      return new RedisMemory({
        url: config.redisUrl,
        username: config.redisUsername,
        password: config.redisPassword,
        db: config.redisDb,
        tls: config.redisTls || undefined,
        keyPrefix: config.redisKeyPrefix,
        poolSize: config.redisPoolSize,
        commandTimeout: config.commandTimeoutMs,
        defaultTtl: config.defaultTtl,
      });
    }
    case 'sqlite': {
      const { SqliteMemory } = await importOptional('@engram/memory-sqlite', 'storage "sqlite"', () => import('@engram/memory-sqlite'));
      return new SqliteMemory({ path: config.sqlitePath, defaultTtl: config.defaultTtl });
    }
    case 'in-process': {
      const { InProcessMemory } = await import('@engram/memory-cache');
      return new InProcessMemory({ defaultTtl: config.defaultTtl });
    }
  }
}

async function createVectorStore(config: EngramConfig): Promise<BaseVectorStore | undefined> {
  let vectorCore: typeof import('@engram/vector-core');
  try {
    vectorCore = await importOptional('@engram/vector-core', `vectorDbType "${config.vectorDbType}"`, () => import('@engram/vector-core'));
  } catch (error) {
    if (config.vectorDbType === undefined) return undefined; // vectors are opt-in by installing vector-core
    throw error;
  }
  return new vectorCore.VectorStore({
    vectorDbType: config.vectorDbType ?? 'memory',
    apiUrl: config.vectorDbUrl,
    apiKey: config.vectorDbApiKey,
    storageDir: config.vectorStorageDir,
  });
}
