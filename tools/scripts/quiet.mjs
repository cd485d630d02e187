#!/usr/bin/env node
// Runs a command with its output held back; prints it only if the command fails.
// Keeps `pnpm demo` readable while still building what the demo needs.
import { spawnSync } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const label = process.env.QUIET_LABEL ?? [command, ...args].join(' ');
process.stdout.write(`${label} …`);
const started = Date.now();
const result = spawnSync(command, args, { encoding: 'utf8', shell: false, maxBuffer: 256 * 1024 * 1024 });
if (result.status === 0) {
  process.stdout.write(` done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
} else {
  process.stdout.write(' failed:\n');
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? (result.error ? String(result.error) : ''));
  process.exit(result.status ?? 1);
}
