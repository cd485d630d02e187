import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisMemory } from '@engram/memory-redis';
import { generateMemoryKey } from '@engram/memory-utils';
import { SqliteMemory, type SqliteMemoryOptions } from '@engram/memory-sqlite';
import type { RedisTarget } from './scenario.js';

/** Seconds every bench write lives, so a run killed before its cleanup leaves nothing for long. */
export const BENCH_TTL = 3_600;

/**
 * A RedisMemory under the run's bench-only prefix (its keys are removed with the prefix at the
 * end). Imported on demand: a run without REDIS_URL never loads ioredis, like an app on the
 * embedded default (loading it slows string-heavy JS process-wide; see scenarios/codec.ts).
 */
export async function openRedisMemory(target: RedisTarget, scope: string): Promise<RedisMemory> {
  const { RedisMemory } = await import('@engram/memory-redis');
  return new RedisMemory({ url: target.url, keyPrefix: `${target.prefix}:${scope}`, defaultTtl: BENCH_TTL });
}

/**
 * The key a raw baseline uses for what `openRedisMemory(target, scope)` stores as (key, context):
 * Engram's key with its `:m:` segment made `:r:`. Same length, same hash tag, its own key, so a
 * ratio measures Engram's work and not a shorter key name (10,000 keys 15 bytes shorter make a
 * raw MGET ~10% faster on this machine).
 */
export function rawKeyLike(target: RedisTarget, scope: string, key: string, contextId: string): string {
  return generateMemoryKey(key, contextId, `${target.prefix}:${scope}`).replace(':m:{', ':r:{');
}

/** A SqliteMemory on a file in a fresh temp folder; `dispose` closes it and deletes the folder. */
export async function tempSqliteMemory(options: SqliteMemoryOptions = {}): Promise<{ store: SqliteMemory; dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'engram-bench-'));
  const store = new SqliteMemory({ path: join(dir, 'memory.db'), defaultTtl: BENCH_TTL, ...options });
  return {
    store,
    dir,
    async dispose() {
      await store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
