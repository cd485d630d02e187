import { describe, expect, it } from 'vitest';
import { pingRedis, startRedis } from '../src/index.js';

describe('startRedis', () => {
  it('starts a private Redis with its arguments, survives kill -9 + restart with AOF, and stops', async () => {
    const server = await startRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    try {
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      expect(server.port).not.toBe(6379);
      expect(await pingRedis(server.port)).toBe(true);
      await server.kill();
      expect(await pingRedis(server.port)).toBe(false);
      await server.restart();
      expect(await pingRedis(server.port)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(await pingRedis(server.port)).toBe(false);
  });
});
