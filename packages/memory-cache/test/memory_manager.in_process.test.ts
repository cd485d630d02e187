import { InProcessMemory } from '../src/index.js';
import { describeManagerSuite } from './manager_suite.js';

describeManagerSuite('in-process', () => new InProcessMemory(), { numRuns: 100 });
