/**
 * Engram demo: the documented usage, end to end. No configuration → the embedded SQLite
 * store under ./.engram; REDIS_URL=redis://127.0.0.1:6379 → Redis.
 */
import { createMemorySystem, type MemorySystem } from '@engram/memory-system';
import { section, show, step } from './print.js';
import { basicOperations, bulkOperations, errorHandling, expensiveCalls, restarts, ttlExpiry } from './walkthrough.js';
import { vectorSearch } from './vector_walkthrough.js';

async function main(): Promise<void> {
  const system: MemorySystem = await createMemorySystem();
  const { config } = system;
  section('Engram demo');
  step(
    config.storage === 'redis'
      ? `store: Redis at ${redact(config.redisUrl!)} (prefix "${config.redisKeyPrefix}")`
      : `store: ${config.storage === 'sqlite' ? `embedded SQLite at ${config.sqlitePath}` : 'in-process'} (set REDIS_URL to use Redis)`,
  );
  try {
    await restarts(system);
    await basicOperations(system);
    await bulkOperations(system);
    await expensiveCalls(system);
    await ttlExpiry(system);
    await errorHandling(system);
    await vectorSearch(system);
    section('Stats');
    show('manager.getStats()', await system.manager.getStats());
  } finally {
    await system.close();
  }
  section('Done: every step above ran against the real store.');
}

const redact = (url: string) => url.replace(/\/\/([^@/]*)@/, '//***@');

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
