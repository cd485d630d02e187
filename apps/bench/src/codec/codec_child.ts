/**
 * A child process for the codec measurement, so its conditions are known: argv[2] is JSON
 * `{ rounds, opsPerRound, loadIoredis }`. With `loadIoredis`, ioredis is imported first, as in
 * any process that uses Redis (see codec.ts for why that matters). Sends CodecFigures back.
 */
import { measureCodec } from './codec_measure.js';

const { rounds, opsPerRound, loadIoredis } = JSON.parse(process.argv[2] ?? '{}') as { rounds: number; opsPerRound: number; loadIoredis: boolean };
if (loadIoredis) await import('ioredis');
const figures = await measureCodec({ rounds, opsPerRound });
process.send!(figures, undefined, undefined, () => process.disconnect());
