/**
 * Median microseconds per call for each case. Rounds are interleaved (round 1 of every case,
 * then round 2...), so load from other processes on the machine hits all cases alike.
 * One untimed round per case warms up the JIT first.
 */
export function medianMicros(cases: ReadonlyArray<readonly [string, () => unknown]>, iterations: number, rounds: number): Map<string, number> {
  let sink: unknown;
  const figures = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let r = -1; r < rounds; r++) {
    for (const [name, fn] of cases) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) sink = fn();
      if (r >= 0) figures.get(name)!.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
    }
  }
  if (sink === Symbol.for('never')) console.log(sink); // keeps the results observable to the optimiser
  return new Map([...figures].map(([name, values]) => [name, median(values)]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Prints a Markdown table, ready for the README. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}
