import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Fresh folders under the OS temp dir for one test file; `removeAll()` in afterAll cleans them up. */
export function tempDirs(label: string) {
  const made: string[] = [];
  return {
    /** A database path inside a new, empty folder. */
    dbPath(name = 'memory.db'): string {
      const dir = mkdtempSync(join(tmpdir(), `engram-sqlite-${label}-`));
      made.push(dir);
      return join(dir, name);
    },
    removeAll(): void {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
