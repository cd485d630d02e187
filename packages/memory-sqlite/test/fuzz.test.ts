import { describeMemoryFuzz } from '@engram/memory-core/testing';
import { SqliteMemory } from '../src/index.js';

// :memory: keeps each case cheap (no fsync); the SQL is the same as for a file.
describeMemoryFuzz('sqlite (:memory:)', { create: () => new SqliteMemory({ path: ':memory:' }), numRuns: 2_000 });
