import { pack, unpack } from 'msgpackr';
import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';
import { deserializeData, serializeData } from '@engram/memory-utils';
import { agentRecord } from '../fixtures/agent_record.js';
import { compare, type Timing } from '../harness.js';

/** What one codec measurement sends back: plain data, so it crosses a process boundary. */
export interface CodecFigures {
  timings: Record<string, Timing>;
  /** `a/b` → time ratio a ÷ b (median of per-round ratios). */
  ratios: Record<string, number>;
  bytes: { engram: number; msgpack: number; msgpackr: number; json: number };
}

export interface CodecRun {
  rounds: number;
  opsPerRound: number;
}

const RATIOS = [
  ['engram', 'json-bytes'],
  ['engram', 'json-string'],
  ['engram', 'msgpackr'],
  ['engram', 'msgpack'],
  ['engram-encode', 'json-encode'],
  ['engram-decode', 'json-decode'],
] as const;

/**
 * serializeData/deserializeData against JSON (to and from UTF-8 bytes, as a store keeps them;
 * and on strings alone), msgpackr and @msgpack/msgpack, on the ~300-byte agent record: round
 * trips, then encode and decode alone.
 */
export async function measureCodec({ rounds, opsPerRound }: CodecRun): Promise<CodecFigures> {
  const record = agentRecord();
  const ours = serializeData(record);
  const json = Buffer.from(JSON.stringify(record), 'utf8');
  const options = { rounds, warmupRounds: 3, opsPerRound, mode: 'batch' as const };
  const roundTrip = await compare(
    [
      { name: 'engram', op: () => deserializeData(serializeData(record)) },
      { name: 'json-bytes', op: () => JSON.parse(Buffer.from(JSON.stringify(record), 'utf8').toString('utf8')) },
      { name: 'json-string', op: () => JSON.parse(JSON.stringify(record)) },
      { name: 'msgpackr', op: () => unpack(pack(record)) },
      { name: 'msgpack', op: () => msgpackDecode(msgpackEncode(record)) },
    ],
    options,
  );
  const halves = await compare(
    [
      { name: 'engram-encode', op: () => serializeData(record) },
      { name: 'json-encode', op: () => Buffer.from(JSON.stringify(record), 'utf8') },
      { name: 'engram-decode', op: () => deserializeData(ours) },
      { name: 'json-decode', op: () => JSON.parse(json.toString('utf8')) },
    ],
    options,
  );
  const timings: Record<string, Timing> = {};
  for (const c of [roundTrip, halves]) for (const [name, t] of c.timings) timings[name] = t;
  const ratios: Record<string, number> = {};
  for (const [a, b] of RATIOS) ratios[`${a}/${b}`] = (roundTrip.timings.has(a) ? roundTrip : halves).ratio(a, b);
  return {
    timings,
    ratios,
    bytes: { engram: ours.length, msgpack: msgpackEncode(record).length, msgpackr: pack(record).length, json: json.length },
  };
}
