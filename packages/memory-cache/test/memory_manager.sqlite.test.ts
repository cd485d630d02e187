import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMemory } from '@engram/memory-sqlite';
import { afterAll } from 'vitest';
import { describeManagerSuite } from './manager_suite.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-cache-sqlite-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeManagerSuite('sqlite (temp file)', () => new SqliteMemory({ path: join(dir, `manager-${++files}.db`) }));
