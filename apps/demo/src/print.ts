import { inspect } from 'node:util';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

export const section = (title: string) => console.log(`\n${paint(1, `== ${title}`)}`);
export const step = (text: string) => console.log(`  ${text}`);
export const show = (label: string, value: unknown) =>
  console.log(`  ${paint(36, label)} → ${inspect(value, { depth: 4, colors: color, breakLength: 100, compact: 3 })}`);
export const ms = (start: bigint) => `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(2)} ms`;
