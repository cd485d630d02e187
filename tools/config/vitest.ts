import { defineConfig } from 'vitest/config';

/** One test shape for every package; servers are shared, so files run one at a time per package. */
export function packageTest(extra: { testTimeout?: number; setupFiles?: string[] } = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: extra.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      setupFiles: extra.setupFiles ?? [],
      pool: 'forks',
      fileParallelism: false,
    },
  });
}
