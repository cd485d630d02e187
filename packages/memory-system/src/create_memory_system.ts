import type { BaseMemory, BaseVectorStore, DistributedLocks, EngramLogger, InvalidationBus } from '@engram/memory-core';
import { MemoryManager } from '@engram/memory-cache';
import { resolveConfig, type EngramConfig, type EngramConfigInput } from './config.js';
import { configFromEnv } from './env.js';
import { importOptional } from './optional_import.js';
import { rejectLoggerInConfig, resolveSystemOptions, type MemorySystemOptions } from './system_options.js';

/** The stack built from one config. `close()` closes everything it opened, once. */
export interface MemorySystem {
  readonly config: EngramConfig;
  readonly manager: MemoryManager;
  readonly primary: BaseMemory;
  readonly vectors: BaseVectorStore | undefined;
  /** Cross-process L1 invalidation (Redis storage). */
  readonly bus: InvalidationBus | undefined;
  /** Locks behind `withCache(…, { distributed: true })` (Redis storage). */
  readonly locks: DistributedLocks | undefined;
  /** The configured named TTLs in seconds, for `save(…, { ttl: system.ttl.persistent })`. */
  readonly ttl: { readonly temporary: number; readonly cache: number; readonly default: number | null; readonly persistent: number };
  close(): Promise<void>;
}

/**
 * Builds store, L1 manager and (when configured or installed) vector store.
 * With no config (`undefined`) the configuration is read from the environment (`configFromEnv`).
 * `options.logger` goes to every component that logs: manager, Redis or SQLite store, vector store.
 */
export async function createMemorySystem(input?: EngramConfigInput, options?: MemorySystemOptions): Promise<MemorySystem> {
  rejectLoggerInConfig(input);
  const { logger } = resolveSystemOptions(options);
  const config = input === undefined ? configFromEnv() : resolveConfig(input);
  const primary = await createPrimary(config, logger);
  let vectors: BaseVectorStore | undefined;
  let coherence: Coherence = {};
  try {
    vectors = await createVectorStore(config, logger);
    coherence = await createCoherence(config);
  } catch (error) {
    await Promise.allSettled([primary.close(), vectors?.close(), coherence.bus?.close(), coherence.locks?.close()]);
    throw error;
  }
  const manager = new MemoryManager(primary, vectors, {
    cacheSize: config.cacheSize,
    cacheTtl: config.cacheTtl,
    memoryTtl: config.defaultTtl,
    cacheCleanupIntervalMs: config.cacheCleanupInterval * 1000,
    bus: coherence.bus,
    busDownMaxStalenessMs: config.busDownMaxStalenessMs,
    locks: coherence.locks,
    logger,
  });
  const closeAll = async () => {
    // The manager closes store, vector store and bus; the locks' connection is ours to give back.
    const results = await Promise.allSettled([manager.close(), coherence.locks?.close()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
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
    bus: coherence.bus,
    locks: coherence.locks,
    close: () => (closing ??= closeAll()),
  };
}

// InProcessMemory, RedisInvalidationBus and RedisLocks take no logger: bus state and lost locks
// reach the log through the manager's events.
async function createPrimary(config: EngramConfig, logger: EngramLogger | undefined): Promise<BaseMemory> {
  switch (config.storage) {
    case 'redis': {
      const { RedisMemory } = await importOptional('@engram/memory-redis', 'storage "redis"', () => import('@engram/memory-redis'));
      const cluster = config.redisClusterNodes;
      return new RedisMemory({
        ...(cluster
          ? { cluster: { nodes: cluster }, username: config.redisUsername, password: config.redisPassword, tls: config.redisTls || undefined }
          : { ...redisConnection(config), poolSize: config.redisPoolSize }),
        commandTimeout: config.commandTimeoutMs,
        keyPrefix: config.redisKeyPrefix,
        defaultTtl: config.defaultTtl,
        maxValueBytes: config.maxValueBytes,
        circuitBreaker: config.circuitBreaker
          ? { failureThreshold: config.circuitBreakerThreshold, cooldownMs: config.circuitBreakerCooldownMs }
          : false,
        logger,
      });
    }
    case 'sqlite': {
      const { SqliteMemory } = await importOptional('@engram/memory-sqlite', 'storage "sqlite"', () => import('@engram/memory-sqlite'));
      return new SqliteMemory({ path: config.sqlitePath, defaultTtl: config.defaultTtl, maxValueBytes: config.maxValueBytes, logger });
    }
    case 'in-process': {
      const { InProcessMemory } = await import('@engram/memory-cache');
      return new InProcessMemory({ defaultTtl: config.defaultTtl, maxValueBytes: config.maxValueBytes });
    }
  }
}

interface Coherence {
  bus?: InvalidationBus;
  locks?: DistributedLocks & { close(): Promise<void> };
}

const redisConnection = (config: EngramConfig) => ({
  url: config.redisUrl,
  username: config.redisUsername,
  password: config.redisPassword,
  db: config.redisDb,
  tls: config.redisTls || undefined,
  commandTimeout: config.commandTimeoutMs,
});

/** Bus and locks for single-server Redis; on a Cluster, pass your own to MemoryManager. */
async function createCoherence(config: EngramConfig): Promise<Coherence> {
  if (config.storage !== 'redis' || config.redisClusterNodes) return {};
  if (!config.invalidationBus && !config.distributedLocks) return {};
  const { RedisInvalidationBus, RedisLocks } = await importOptional('@engram/memory-redis', 'storage "redis"', () => import('@engram/memory-redis'));
  const bus = config.invalidationBus ? new RedisInvalidationBus({ ...redisConnection(config), keyPrefix: config.redisKeyPrefix }) : undefined;
  try {
    const locks = config.distributedLocks ? RedisLocks.connect(redisConnection(config), { keyPrefix: config.redisKeyPrefix }) : undefined;
    return { bus, locks };
  } catch (error) {
    await bus?.close();
    throw error;
  }
}

async function createVectorStore(config: EngramConfig, logger: EngramLogger | undefined): Promise<BaseVectorStore | undefined> {
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
    logger,
  });
}
