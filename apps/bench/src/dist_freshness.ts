import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The bench imports the @engram packages as installed, i.e. their built dist. In a checkout
 * where sources moved on since the last build, the figures describe old code: say so in the
 * report rather than silently measuring it.
 */

const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The packages among `names` (e.g. `@engram/memory-redis`) whose dist is missing or older than their src. */
export function staleDists(names: readonly string[]): string[] {
  const stale: string[] = [];
  for (const name of names) {
    const dir = join(packagesDir, name.replace(/^@engram\//, ''));
    const built = join(dir, 'dist', 'index.js');
    if (!existsSync(join(dir, 'src'))) continue;
    if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(join(dir, 'src'))) stale.push(name);
  }
  return stale;
}
