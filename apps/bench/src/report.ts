import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatNs, formatQps, formatRatio } from './format.js';
import type { Timing } from './harness.js';
import type { BenchResults, ResultRow } from './results.js';
import { renderRecallQpsChart } from './svg_chart.js';

export const CHART_FILE = 'vector-recall-qps.svg';

const HEADERS = ['scenario', 'measurement', 'Engram (median · p99)', 'baseline', 'baseline (median)', 'ours/raw', 'target', 'result'];

function figure(timing: Timing | undefined, display: ResultRow['display']): string {
  if (!timing) return '';
  if (display === 'qps') return formatQps(timing.medianNs);
  return timing.samples > 1 ? `${formatNs(timing.medianNs)} · ${formatNs(timing.p99Ns)}` : formatNs(timing.medianNs);
}

/** ours/raw as printed: a time ratio, or for QPS rows the QPS ratio (its inverse), marked as such. */
export function ratioCell(row: ResultRow): string {
  if (row.ratio === undefined) return '';
  return row.display === 'qps' ? `${formatRatio(1 / row.ratio)} QPS` : formatRatio(row.ratio);
}

/** The cells of one row, in HEADERS order. */
export function rowCells(row: ResultRow): string[] {
  const ours = row.value !== undefined ? [row.value, figure(row.ours, row.display)].filter(Boolean).join(' · ') : figure(row.ours, row.display);
  return [
    row.scenario,
    row.measurement,
    ours,
    row.baseline ?? '',
    row.raw === undefined ? '' : row.display === 'qps' ? formatQps(row.raw.medianNs) : formatNs(row.raw.medianNs),
    ratioCell(row),
    row.target?.text ?? '',
    row.target === undefined ? '' : row.target.skipped ? 'SKIP' : row.target.pass ? 'PASS' : 'FAIL',
  ];
}

const width = (text: string) => [...text].length;
const pad = (text: string, n: number) => text + ' '.repeat(Math.max(0, n - width(text)));

/** A plain-text table for the terminal; PASS/FAIL coloured when `color`. */
export function renderTable(results: BenchResults, color = false): string {
  const body = results.rows.map(rowCells);
  const widths = HEADERS.map((h, c) => Math.max(width(h), ...body.map((cells) => width(cells[c]!))));
  const paint = (text: string) => {
    if (!color) return text;
    if (text.startsWith('PASS')) return `\x1b[32m${text}\x1b[0m`;
    if (text.startsWith('FAIL')) return `\x1b[31m${text}\x1b[0m`;
    return text;
  };
  const line = (cells: string[]) => cells.map((cell, c) => paint(pad(cell, widths[c]!))).join('  ').trimEnd();
  const out = [line(HEADERS), widths.map((w) => '─'.repeat(w)).join('  ')];
  let previous = '';
  for (const cells of body) {
    // The scenario name once per group keeps the table readable.
    const shown = cells[0] === previous ? ['', ...cells.slice(1)] : cells;
    previous = cells[0]!;
    out.push(line(shown));
  }
  out.push('', ...footer(results));
  return out.join('\n');
}

function footer(results: BenchResults): string[] {
  const lines: string[] = [];
  const targets = results.rows.filter((r) => r.target && !r.target.skipped);
  const passed = targets.filter((r) => r.target!.pass).length;
  const skipped = results.rows.filter((r) => r.target?.skipped).length;
  lines.push(`targets: ${passed} of ${targets.length} passed${skipped > 0 ? `, ${skipped} not evaluated in this run` : ''}`);
  for (const s of results.scenarios.filter((s) => s.status !== 'ran')) lines.push(`${s.name}: ${s.status}: ${s.reason ?? ''}`);
  for (const r of results.rows.filter((r) => r.note)) lines.push(`note (${r.scenario} / ${r.measurement}): ${r.note}`);
  lines.push(
    'ours/raw = time per operation, Engram ÷ baseline, median of per-round ratios (below 1× = Engram faster); "QPS" ratios are throughput (above 1× = Engram faster).',
  );
  return lines;
}

const mdEscape = (text: string) => text.replace(/\|/g, '\\|');

export function renderMarkdown(results: BenchResults): string {
  const { meta } = results;
  const out: string[] = [
    `# Engram bench${meta.quick ? ' (--quick)' : ''}`,
    '',
    `${meta.startedAt} · node ${meta.node} · ${meta.platform} · ${meta.cpu} × ${meta.cores} · load average ${meta.loadAverageStart.map((l) => l.toFixed(2)).join(' ')} at start, ${meta.loadAverageEnd.map((l) => l.toFixed(2)).join(' ')} at end · ${meta.seconds.toFixed(0)} s${meta.commit ? ` · commit ${meta.commit}` : ''}`,
    '',
    `Redis: ${meta.redis ?? 'not set (REDIS_URL): Redis scenarios skipped'} · ioredis ${meta.ioredisLoaded ? 'loaded in this process' : 'not loaded'} · ANN sets: ${meta.annDir ?? 'not found'}${meta.only ? ` · only: ${meta.only.join(', ')}` : ''}`,
    '',
  ];
  if (meta.staleDist.length > 0) out.push(`Built dist older than sources (rebuild before trusting these): ${meta.staleDist.join(', ')}`, '');
  out.push(`| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`);
  for (const row of results.rows) out.push(`| ${rowCells(row).map(mdEscape).join(' | ')} |`);
  out.push('', ...footer(results).map((l) => `- ${mdEscape(l)}`));
  if (results.curves.length > 0) {
    out.push('', '## Vector recall / QPS', '', `![recall@10 against QPS](${CHART_FILE})`, '', '| set | engine | efSearch | recall@10 | QPS |', '|---|---|---|---|---|');
    for (const p of results.curves) out.push(`| ${p.set} | ${p.engine} | ${p.efSearch} | ${p.recall.toFixed(3)} | ${Math.round(p.qps)} |`);
  }
  out.push('', '## Scenarios', '', '| scenario | status | seconds |', '|---|---|---|');
  for (const s of results.scenarios) out.push(`| ${s.name} | ${s.status}${s.reason ? `: ${mdEscape(s.reason)}` : ''} | ${s.seconds.toFixed(1)} |`);
  return `${out.join('\n')}\n`;
}

/** Writes latest.json, latest.md and the chart into `dir`; returns the paths written. */
export async function writeReports(results: BenchResults, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    ['latest.json', `${JSON.stringify(results, null, 2)}\n`],
    ['latest.md', renderMarkdown(results)],
  ];
  if (results.curves.length > 0) files.push([CHART_FILE, renderRecallQpsChart(results.curves)]);
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
