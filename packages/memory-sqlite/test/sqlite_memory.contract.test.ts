import { describeMemoryContract } from '@engram/memory-core/testing';
import { afterAll } from 'vitest';
import { SqliteMemory } from '../src/index.js';
import { tempDirs } from './temp_dirs.js';

const dirs = tempDirs('contract');
afterAll(() => dirs.removeAll());

// A short sweep interval so the timer runs alongside the suite's reads and writes.
describeMemoryContract('sqlite (file)', { create: () => new SqliteMemory({ path: dirs.dbPath(), sweepIntervalMs: 200 }) });

describeMemoryContract('sqlite (:memory:)', { create: () => new SqliteMemory({ path: ':memory:' }) });
