import { ErrorCode, isMemoryError } from '@engram/memory-core';
import type { MemorySystem } from '@engram/memory-system';
import { ms, section, show, step } from './print.js';

const USER = 'user-42';
const SESSION = 'session-2024-06-01';
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/** Memory that outlives the process: a counter kept in the store. */
export async function restarts({ manager, ttl }: MemorySystem): Promise<void> {
  section('Memory survives restarts');
  const runs = (await manager.load<number>('demo-runs', 'demo', { default: 0 })) + 1;
  await manager.save('demo-runs', 'demo', runs, { ttl: ttl.persistent });
  step(`this demo has run ${runs} time(s) against this store (run it again: the count goes up)`);
}

export async function basicOperations({ manager }: MemorySystem): Promise<void> {
  section('Basic operations: save, load, mutate, save, exists, delete');
  const profile = { name: 'Ada', preferences: { language: 'en', theme: 'dark' }, interests: ['ai'] };
  await manager.save('profile', USER, profile);
  show(`load('profile', '${USER}')`, await manager.load('profile', USER));

  const loaded = (await manager.load<typeof profile>('profile', USER))!;
  loaded.interests.push('music'); // a copy: the cache is not changed until we save
  show('after mutating the loaded copy, load again', await manager.load('profile', USER));
  await manager.save('profile', USER, loaded);
  show('after save', await manager.load('profile', USER));

  show(`exists('profile', '${USER}')`, await manager.exists('profile', USER));
  show(`exists('profile', 'user-7') (other context)`, await manager.exists('profile', 'user-7'));
  show('load of a missing key with a default', await manager.load('nickname', USER, { default: 'none' }));
  show(`delete('profile', '${USER}')`, await manager.delete('profile', USER));
}

export async function bulkOperations({ manager }: MemorySystem): Promise<void> {
  section('Bulk operations: one round trip for many keys');
  await manager.bulkSave(
    { 'turn:1': { role: 'user', content: 'Hi!' }, 'turn:2': { role: 'assistant', content: 'Hello, how can I help?' } },
    SESSION,
    { ttl: 3600 },
  );
  show("bulkLoad(['turn:1', 'turn:2', 'turn:3'], { default: null })", await manager.bulkLoad(['turn:1', 'turn:2', 'turn:3'], SESSION, { default: null }));
  show(`clear('${SESSION}') removed`, await manager.clear(SESSION));
  show('bulkLoad after clear', await manager.bulkLoad(['turn:1', 'turn:2'], SESSION));
}

export async function expensiveCalls({ manager }: MemorySystem): Promise<void> {
  section('Caching an expensive call: withCache and withBulkCache');
  let calls = 0;
  const summarize = async () => {
    calls++;
    await sleep(300); // stands for an LLM call
    return { summary: 'User likes AI and music', tokens: 812 };
  };
  await manager.invalidateCache({ contextId: USER });
  await manager.delete('summary', USER);
  let start = process.hrtime.bigint();
  const first = await manager.withCache(summarize, 'summary', USER, { ttl: 600 });
  step(`first call:  ${ms(start)} (ran the function)`);
  start = process.hrtime.bigint();
  await manager.withCache(summarize, 'summary', USER, { ttl: 600 });
  step(`second call: ${ms(start)} (served from the L1 cache)`);
  start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: 100 }, () => manager.withCache(summarize, 'summary', USER, { forceRefresh: true, ttl: 600 })));
  step(`100 concurrent forceRefresh calls: ${ms(start)}; the function ran ${calls} time(s) in all`);
  show('result', first);

  const prices = await manager.withBulkCache(
    async (missing) => {
      step(`  fetching only the missing keys: ${missing.join(', ')}`);
      return Object.fromEntries(missing.map((sku) => [sku, sku.length * 10]));
    },
    ['sku-1', 'sku-22', 'sku-333'],
    'prices',
    { ttl: 60 },
  );
  show('withBulkCache', prices);
  await manager.withBulkCache(async (missing) => Object.fromEntries(missing.map((sku) => [sku, 0])), ['sku-1', 'sku-4444'], 'prices', { ttl: 60 });
  await manager.clear('prices');
}

export async function ttlExpiry({ manager }: MemorySystem): Promise<void> {
  section('TTL: expired data is never returned');
  await manager.save('otp', USER, '123456', { ttl: 1 });
  show("load('otp') right away", await manager.load('otp', USER));
  await sleep(1_200);
  show("load('otp') 1.2 s later", await manager.load('otp', USER, { default: '(expired)' }));
  await manager.save('settings', USER, { theme: 'dark' }, { ttl: null });
  step('ttl: null stores without expiry; omitted ttl uses the configured default');
}

export async function errorHandling({ manager }: MemorySystem): Promise<void> {
  section('Error handling: typed MemoryError with a stable code');
  const attempts: Array<[string, () => Promise<unknown>]> = [
    ['save with ttl 0', () => manager.save('k', USER, 1, { ttl: 0 })],
    ['save with an empty key', () => manager.save('', USER, 1)],
    ['save a function', () => manager.save('k', USER, { callback: () => 1 })],
  ];
  for (const [label, attempt] of attempts) {
    try {
      await attempt();
      step(`${label}: unexpectedly succeeded`);
    } catch (error) {
      if (!isMemoryError(error)) throw error;
      step(`${label} → ${error.code}: ${error.message}`);
    }
  }
  step(`nothing was written: exists('k') = ${await manager.exists('k', USER)}; codes are stable, e.g. ErrorCode.INVALID_ARGUMENT = '${ErrorCode.INVALID_ARGUMENT}'`);
}
