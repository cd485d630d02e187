import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('../../packages', import.meta.url));

/**
 * One test shape for every package. Tests import sibling packages from source, so a
 * test run never waits for (or races with) a build. Servers are shared: files run
 * one at a time within a package.
 */
export function packageTest(extra: { testTimeout?: number; setupFiles?: string[] } = {}) {
  return defineConfig({
    resolve: {
      alias: [
        { find: /^@engram\/test-servers$/, replacement: `${packagesDir}/../tools/test-servers/src/index.ts` },
        { find: /^@engram\/([\w-]+)\/testing$/, replacement: `${packagesDir}/$1/src/testing.ts` },
        { find: /^@engram\/([\w-]+)$/, replacement: `${packagesDir}/$1/src/index.ts` },
      ],
    },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: extra.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      setupFiles: extra.setupFiles ?? [],
      reporters: ['default', 'json'],
      outputFile: { json: 'test-results/vitest.json' },
      pool: 'forks',
      fileParallelism: false,
    },
  });
}
