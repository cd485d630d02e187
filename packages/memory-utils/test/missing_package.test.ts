import { describe, expect, it } from 'vitest';
import { isMissingPackage } from '../src/index.js';

describe('isMissingPackage', () => {
  it('recognises the package itself missing, as Node reports it', async () => {
    const error = await import('@engram/definitely-not-installed' as string).catch((e: unknown) => e);
    expect(isMissingPackage(error, '@engram/definitely-not-installed')).toBe(true);
  });

  it('does not blame the package when one of its own dependencies is missing', () => {
    const error = Object.assign(new Error("Cannot find package 'ioredis' imported from /app/node_modules/@engram/memory-redis/dist/index.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    expect(isMissingPackage(error, '@engram/memory-redis')).toBe(false);
    expect(isMissingPackage(error, 'ioredis')).toBe(true);
    expect(isMissingPackage(new Error('boom'), 'ioredis')).toBe(false);
  });
});
