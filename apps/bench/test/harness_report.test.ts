import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNs, formatRatio, redactUrl } from '../src/format.js';
import { compare, median, percentile, roundOrder, roundRatio, summarize } from '../src/harness.js';
import { renderMarkdown, ratioCell, rowCells } from '../src/report.js';
import { atLeast, atMost, notEvaluated, type BenchResults, type ResultRow } from '../src/results.js';
import { renderRecallQpsChart } from '../src/svg_chart.js';

const finite = fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 200 });

describe('harness math', () => {
  it('median of odd and even counts, percentile by nearest rank', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 1, 9], 99)).toBe(9);
    expect(percentile([7, 1, 9], 50)).toBe(7);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('median and p99 are values between min and max, p99 never below the median', () => {
    fc.assert(
      fc.property(finite, (values) => {
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        const m = median(values);
        const p99 = percentile(values, 99);
        expect(m).toBeGreaterThanOrEqual(lo);
        expect(m).toBeLessThanOrEqual(hi);
        expect(values).toContain(p99);
        expect(p99).toBeGreaterThanOrEqual(percentile(values, 50));
      }),
    );
  });

  it('the ratio is the median of per-round ratios, not a ratio of medians', () => {
    expect(roundRatio([2, 4, 6], [1, 1, 3])).toBe(2);
    // a is 3× slower in the two calm rounds; a ratio of medians (10 / 10) would say 1×.
    expect(roundRatio([3, 30, 10], [1, 10, 20])).toBe(3);
    expect(roundRatio([2, 4, 6, 99], [1, 1, 3])).toBe(2);
    const t = summarize([100, 200, 300], 'batch');
    expect(t.medianNs).toBe(200);
    expect(t.opsPerSec).toBe(5e6);
  });

  it('every subject goes first equally often', () => {
    const subjects = ['a', 'b', 'c'];
    const firsts = Array.from({ length: 6 }, (_, r) => roundOrder(subjects, r)[0]);
    expect(firsts).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(new Set(roundOrder(subjects, 4))).toEqual(new Set(subjects));
  });

  it('no subject always follows the same one: over many rounds each is preceded by every other', () => {
    const subjects = ['m', 's', 'r', 'd'];
    const before = new Map(subjects.map((s) => [s, new Set<string>()]));
    for (let round = 0; round < 40; round++) {
      const order = roundOrder(subjects, round);
      expect([...order].sort()).toEqual([...subjects].sort());
      for (let i = 1; i < order.length; i++) before.get(order[i]!)!.add(order[i - 1]!);
    }
    for (const s of subjects) expect(before.get(s)!.size).toBe(subjects.length - 1);
    expect(roundOrder(subjects, 7)).toEqual(roundOrder(subjects, 7));
  });

  it('compare runs warm-up plus timed rounds, awaits async subjects and calls before() untimed per op', async () => {
    let syncCalls = 0;
    let asyncDone = 0;
    let befores = 0;
    const events: string[] = [];
    const result = await compare(
      [
        { name: 'sync', op: () => ++syncCalls },
        {
          name: 'async',
          before: () => {
            befores++;
            events.push('before');
          },
          op: async () => {
            await new Promise((resolve) => setImmediate(resolve));
            asyncDone++;
            events.push('op');
          },
        },
      ],
      { rounds: 3, warmupRounds: 1, opsPerRound: 5, mode: 'per-op' },
    );
    // One probe call decides sync/async, then (1 warm-up + 3 timed) × 5 operations.
    expect(syncCalls).toBe(21);
    expect(asyncDone).toBe(21);
    expect(befores).toBe(21);
    expect(events.slice(0, 4)).toEqual(['before', 'op', 'before', 'op']);
    expect(result.rounds.get('sync')).toHaveLength(3);
    expect(result.timing('async').samples).toBe(15);
    expect(result.timing('async').medianNs).toBeGreaterThan(0);
    expect(() => result.timing('missing')).toThrow(/no subject/);
  });
});

describe('report', () => {
  const timing = (ns: number) => summarize([ns, ns, ns], 'per-op');

  it('QPS rows print the throughput ratio, time rows the time ratio', () => {
    const row: ResultRow = { scenario: 's', measurement: 'm', ours: timing(10e6), raw: timing(20e6), ratio: 0.5, display: 'qps' };
    expect(ratioCell(row)).toBe('2.00× QPS');
    expect(rowCells(row)[2]).toBe('100 QPS');
    expect(ratioCell({ ...row, display: 'time' })).toBe('0.50×');
  });

  it('targets read PASS, FAIL or SKIP and are counted in the footer', () => {
    const rows: ResultRow[] = [
      { scenario: 'a', measurement: 'x', ours: timing(900), target: atMost(900, 1_000, '≤ 1 µs') },
      { scenario: 'a', measurement: 'y', value: '0.5', target: atLeast(0.5, 0.95, 'recall') },
      { scenario: 'b', measurement: 'z', value: 'n/a', target: notEvaluated('needs Redis') },
    ];
    expect(rows.map((r) => rowCells(r).at(-1))).toEqual(['PASS', 'FAIL', 'SKIP']);
    const results: BenchResults = {
      meta: {
        startedAt: 'now', quick: true, only: null, node: 'v20', platform: 'linux x64', cpu: 'cpu', cores: 2, loadAverageStart: [1, 1, 1],
        loadAverageEnd: [1, 1, 1], redis: null, annDir: null, commit: null, seconds: 1, staleDist: [], ioredisLoaded: false,
      },
      scenarios: [{ name: 'b', title: 'B', status: 'skipped', reason: 'set REDIS_URL', seconds: 0 }],
      rows,
      curves: [],
    };
    const md = renderMarkdown(results);
    expect(md).toContain('targets: 1 of 2 passed, 1 not evaluated in this run');
    expect(md).toContain('| b | skipped: set REDIS_URL | 0.0 |');
  });

  it('formats units and hides passwords', () => {
    expect(formatNs(532)).toBe('532 ns');
    expect(formatNs(43_210)).toBe('43.2 µs');
    expect(formatNs(12_300_000)).toBe('12.3 ms');
    expect(formatRatio(1.234)).toBe('1.23×');
    expect(formatRatio(0.0049)).toBe('0.0049×');
    expect(redactUrl('redis://user:s3cret@host:6379/0')).toBe('redis://user:***@host:6379/0');
    expect(redactUrl('redis://:s3cret@host')).not.toContain('s3cret');
  });

  it('the chart draws one line per set and engine, and escapes names', () => {
    const svg = renderRecallQpsChart([
      { set: 'a<b', engine: 'engram', efSearch: 16, recall: 0.95, qps: 20_000 },
      { set: 'a<b', engine: 'engram', efSearch: 64, recall: 0.99, qps: 9_000 },
      { set: 'a<b', engine: 'raw', efSearch: 16, recall: 0.95, qps: 25_000 },
    ]);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('a&lt;b');
    expect(svg).not.toContain('a<b');
  });
});
