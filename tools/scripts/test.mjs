#!/usr/bin/env node
// The test command: build, lint and test every project through Nx, then one closing line
// with the totals of every vitest run (each writes test-results/vitest.json).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const projectDirs = ['packages', 'apps', 'tools'].flatMap((group) =>
  existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => join(root, group, name)) : [],
);
const resultFile = (dir) => join(dir, 'test-results', 'vitest.json');
for (const dir of projectDirs) rmSync(resultFile(dir), { force: true });

const nxArgs = process.argv.slice(2);
const nxBin = join(root, 'node_modules', '.bin', 'nx');
const run = spawnSync(existsSync(nxBin) ? nxBin : 'nx', [...(nxArgs.length ? nxArgs : ['run-many', '-t', 'build', 'lint', 'test']), '--output-style=stream-without-prefixes'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false' },
});

if (run.error) console.error(`could not start nx: ${run.error.message} (run \`pnpm install\` first)`);

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const dir of projectDirs) {
  if (!existsSync(resultFile(dir))) continue;
  const report = JSON.parse(readFileSync(resultFile(dir), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (report.numFailedTests) failures.push(`${dir.slice(root.length)}: ${report.numFailedTests} failed`);
}
if (failures.length) console.log(`\nfailing projects:\n  ${failures.join('\n  ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(run.status !== 0 ? (run.status ?? 1) : failed > 0 ? 1 : 0);
