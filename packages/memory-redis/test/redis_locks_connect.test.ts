import { describe, expect, it } from 'vitest';
import { RedisLocks, getConnectionManager } from '../src/index.js';

describe('RedisLocks.connect', () => {
  it('locks on a managed connection and gives it back on close', async () => {
    const url = 'redis://127.0.0.1:6379/3';
    // A fixed prefix: the fencing counter is persistent by design, so runs reuse one key.
    const keyPrefix = 't-locks-connect';
    const locks = RedisLocks.connect({ url }, { keyPrefix });
    const count = () => getConnectionManager().pools().filter((p) => p.target.endsWith('/3')).length;
    expect(count()).toBe(1);
    const first = await locks.acquire('job', { ttlMs: 2_000, waitMs: 0 });
    await expect(locks.acquire('job', { ttlMs: 2_000, waitMs: 100 })).rejects.toMatchObject({ code: 'LOCK_ERROR' });
    await first.release();
    const second = await locks.acquire('job', { ttlMs: 2_000, waitMs: 0 });
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    await second.release();
    await locks.close();
    await locks.close();
    expect(count()).toBe(0);
  });
});
