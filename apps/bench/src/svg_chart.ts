import type { CurvePoint } from './results.js';

/*
 * recall@10 (x) against QPS (y, log scale), one colour per vector set; Engram solid, raw
 * hnswlib dashed, points labelled with efSearch. Hand-written SVG: the bench has no chart
 * dependency and the file renders anywhere (GitHub, a browser).
 */

const W = 760;
const H = 460;
const M = { left: 70, right: 230, top: 40, bottom: 56 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Ticks at 1, 2, 5 × powers of ten inside [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= lo && t <= hi) ticks.push(t);
    }
  }
  return ticks;
}

const qpsLabel = (q: number) => (q >= 1000 ? `${q / 1000}k` : String(q));

export function renderRecallQpsChart(points: readonly CurvePoint[]): string {
  const usable = points.filter((p) => Number.isFinite(p.recall) && p.qps > 0);
  if (usable.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30">no vector results in this run</text></svg>\n`;
  const sets = [...new Set(usable.map((p) => p.set))];
  // The x range starts at the worst recall seen (rounded down to 0.02) and leaves a little room
  // right of 1.0, where the high-efSearch points of every set gather.
  const xMin = Math.max(0, Math.min(0.98, ...usable.map((p) => Math.floor(p.recall * 50) / 50)));
  const xMax = 1 + (1 - xMin) * 0.03;
  const qs = usable.map((p) => p.qps);
  const yLo = 10 ** Math.floor(Math.log10(Math.min(...qs)));
  const yHi = 10 ** Math.ceil(Math.log10(Math.max(...qs)));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (recall: number) => M.left + ((recall - xMin) / (xMax - xMin)) * plotW;
  const y = (qps: number) => M.top + (1 - (Math.log10(qps) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * plotH;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${M.left}" y="22" font-size="15" font-weight="bold">HNSW: recall@10 against single-query QPS (k = 10)</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const r = xMin + ((1 - xMin) * i) / 5;
    out.push(`<line x1="${x(r)}" y1="${M.top}" x2="${x(r)}" y2="${M.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${x(r)}" y="${M.top + plotH + 18}" text-anchor="middle">${r.toFixed(3)}</text>`);
  }
  for (const t of logTicks(yLo, yHi)) {
    out.push(`<line x1="${M.left}" y1="${y(t)}" x2="${M.left + plotW}" y2="${y(t)}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 8}" y="${y(t) + 4}" text-anchor="end">${qpsLabel(t)}</text>`);
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${M.left + plotW / 2}" y="${H - 14}" text-anchor="middle">recall@10 against exact ground truth</text>`,
    `<text x="18" y="${M.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 18 ${M.top + plotH / 2})">queries per second (log scale)</text>`,
  );

  sets.forEach((set, s) => {
    const color = COLORS[s % COLORS.length]!;
    for (const engine of ['raw', 'engram'] as const) {
      const curve = usable.filter((p) => p.set === set && p.engine === engine).sort((a, b) => a.efSearch - b.efSearch);
      if (curve.length === 0) continue;
      const dash = engine === 'raw' ? ' stroke-dasharray="5 4"' : '';
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${curve.map((p) => `${x(p.recall).toFixed(1)},${y(p.qps).toFixed(1)}`).join(' ')}"/>`);
      for (const p of curve) {
        const cx = x(p.recall).toFixed(1);
        const cy = y(p.qps).toFixed(1);
        out.push(
          engine === 'engram'
            ? `<circle cx="${cx}" cy="${cy}" r="3.5" fill="${color}"><title>${esc(`${set} Engram ef=${p.efSearch}: recall ${p.recall.toFixed(3)}, ${Math.round(p.qps)} QPS`)}</title></circle>`
            : `<rect x="${Number(cx) - 3}" y="${Number(cy) - 3}" width="6" height="6" fill="#fff" stroke="${color}"><title>${esc(`${set} raw hnswlib ef=${p.efSearch}: recall ${p.recall.toFixed(3)}, ${Math.round(p.qps)} QPS`)}</title></rect>`,
        );
        if (engine === 'engram') out.push(`<text x="${Number(cx) + 5}" y="${Number(cy) - 5}" font-size="10" fill="${color}">${p.efSearch}</text>`);
      }
    }
    const ly = M.top + 10 + s * 50;
    const lx = W - M.right + 16;
    out.push(
      `<text x="${lx}" y="${ly}" fill="${color}" font-weight="bold">${esc(set)}</text>`,
      `<line x1="${lx}" y1="${ly + 12}" x2="${lx + 26}" y2="${ly + 12}" stroke="${color}" stroke-width="2"/><text x="${lx + 32}" y="${ly + 16}">Engram HnswBackend</text>`,
      `<line x1="${lx}" y1="${ly + 24}" x2="${lx + 26}" y2="${ly + 24}" stroke="${color}" stroke-width="2" stroke-dasharray="5 4"/><text x="${lx + 32}" y="${ly + 28}">raw hnswlib-node</text>`,
    );
  });
  out.push(`<text x="${M.left}" y="${M.top - 6}" font-size="10" fill="#555">labels: efSearch</text>`, '</svg>');
  return `${out.join('\n')}\n`;
}
