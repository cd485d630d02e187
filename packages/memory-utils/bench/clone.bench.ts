/**
 * Deep copy of a typical agent record for the L1 cache.
 *   npx tsx bench/clone.bench.ts
 * Warm-up, then 25 rounds; every figure is the median round (ns per copy).
 */
import { cloneValue, deserializeData, serializeData } from '../src/index.js';
import { record } from './record.js';
import { medianMicros, printTable } from './timing.js';

const ITERATIONS = 50_000;
const ROUNDS = 25;

const candidates: Array<[string, (value: unknown) => unknown]> = [
  ['cloneValue', (v) => cloneValue(v)],
  ['structuredClone', (v) => structuredClone(v)],
  ['serializeData + deserializeData', (v) => deserializeData(serializeData(v))],
  ['JSON.parse(JSON.stringify()) (loses the Date)', (v) => JSON.parse(JSON.stringify(v))],
];

console.log(`node ${process.version}; ${ROUNDS} interleaved rounds × ${ITERATIONS} copies, medians`);
const micros = medianMicros(candidates.map(([name, copy]) => [name, () => copy(record)] as const), ITERATIONS, ROUNDS);
printTable(['copy of the record', 'ns'], candidates.map(([name]) => [name, (micros.get(name)! * 1000).toFixed(0)]));
