import { describeMemoryContract } from '@engram/memory-core/testing';
import { InProcessMemory } from '../src/index.js';

describeMemoryContract('in-process', { create: () => new InProcessMemory() });

// A sweep every 50 ms runs alongside the suite's reads and writes (and its 1.3 s TTL waits).
describeMemoryContract('in-process (sweeping)', { create: () => new InProcessMemory({ sweepIntervalMs: 50 }), numRuns: 30 });
