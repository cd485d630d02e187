import { defineConfig, type Options } from 'tsup';

/** One build shape for every package: ESM + CJS + .d.ts, Node 20. */
export function packageBuild(entry: string[] = ['src/index.ts'], extra: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    // Entries share one chunk, so `./testing` and `.` use the same MemoryError class (instanceof holds).
    splitting: true,
    treeshake: true,
    ...extra,
  });
}
