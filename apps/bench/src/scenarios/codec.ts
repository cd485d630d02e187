import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CodecFigures } from '../codec/codec_measure.js';
import { formatBytes } from '../format.js';
import { atMost } from '../results.js';
import { pick, type BenchContext, type Scenario } from '../scenario.js';

const CHILD = fileURLToPath(new URL('../codec/codec_child.ts', import.meta.url));

/** Runs the measurement in a fresh Node process (same loader flags as this one, e.g. tsx). */
function measureInChild(ctx: BenchContext, loadIoredis: boolean): Promise<CodecFigures> {
  const args = JSON.stringify({ rounds: pick(ctx, 25, 8), opsPerRound: pick(ctx, 4_000, 2_000), loadIoredis });
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [args], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    let figures: CodecFigures | undefined;
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('message', (message) => (figures = message as CodecFigures));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (figures) resolve(figures);
      else reject(new Error(`the codec child process exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

function record(ctx: BenchContext, f: CodecFigures, condition: string, recordSize: number): void {
  const r = ctx.recorder;
  const t = f.timings;
  r.row({
    measurement: `encode + decode, ${recordSize}-byte record, ${condition}`,
    ours: t.engram,
    baseline: 'JSON.stringify→UTF-8 / UTF-8→JSON.parse',
    raw: t['json-bytes'],
    ratio: f.ratios['engram/json-bytes'],
    target: atMost(f.ratios['engram/json-bytes']!, 1, 'encode+decode ≤ 1.0× JSON'),
  });
  for (const [name, label] of [
    ['json-string', 'JSON on strings (no bytes)'],
    ['msgpackr', 'msgpackr pack / unpack'],
    ['msgpack', '@msgpack/msgpack encode / decode'],
  ] as const) {
    r.row({ measurement: `encode + decode, ${condition}`, ours: t.engram, baseline: label, raw: t[name], ratio: f.ratios[`engram/${name}`] });
  }
  r.row({ measurement: `encode alone, ${condition}`, ours: t['engram-encode'], baseline: 'JSON.stringify→UTF-8', raw: t['json-encode'], ratio: f.ratios['engram-encode/json-encode'] });
  r.row({ measurement: `decode alone, ${condition}`, ours: t['engram-decode'], baseline: 'UTF-8→JSON.parse', raw: t['json-decode'], ratio: f.ratios['engram-decode/json-decode'] });
}

/**
 * serializeData/deserializeData (Engram's plain MessagePack) against
 * JSON and two MessagePack libraries, measured twice, each in a fresh process: once plain, once
 * after `import('ioredis')`. ioredis 6 declares `class VerbatimString extends String`, and on
 * Node 20 (V8 11.3) merely declaring a subclass of String slows String.prototype methods
 * (charCodeAt, slice, fromCharCode …) in the whole process, which JS codecs use and V8's
 * native JSON does not: an app on Redis runs its codec in the second condition.
 */
export const codecScenario: Scenario = {
  name: 'codec',
  title: 'MessagePack codec vs JSON, msgpackr, @msgpack/msgpack',
  plan: (quick) => ({ seconds: quick ? 8 : 24, steps: 3 }),
  async run(ctx) {
    ctx.step('codec: fresh process');
    const plain = await measureInChild(ctx, false);
    ctx.step('codec: fresh process with ioredis loaded');
    const withIoredis = await measureInChild(ctx, true);
    ctx.step('codec: recording');
    const { bytes } = plain;
    record(ctx, plain, 'plain process', bytes.json);
    record(ctx, withIoredis, 'process with ioredis 6 loaded', bytes.json);
    ctx.recorder.row({
      measurement: 'encoded size',
      value: formatBytes(bytes.engram),
      baseline: `@msgpack/msgpack ${formatBytes(bytes.msgpack)}; msgpackr ${formatBytes(bytes.msgpackr)}; JSON ${formatBytes(bytes.json)}`,
      target: atMost(bytes.engram, bytes.msgpack, "bytes ≤ MessagePack's"),
    });
  },
};
