/** Human units for figures in the table, the markdown and the chart. */

export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns < 1e3) return `${ns.toFixed(ns < 10 ? 1 : 0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** Queries per second from nanoseconds per query. */
export function formatQps(nsPerQuery: number): string {
  if (!Number.isFinite(nsPerQuery) || nsPerQuery <= 0) return '–';
  const qps = 1e9 / nsPerQuery;
  return `${qps >= 100 ? Math.round(qps).toLocaleString('en-US') : qps.toFixed(1)} QPS`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  if (ratio < 0.1) return `${ratio.toPrecision(2)}×`;
  return `${ratio >= 100 ? Math.round(ratio) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

export function formatBytes(bytes: number): string {
  return bytes < 10_000 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`: a URL may carry a password. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@').replace(/\/\/([^:@/]+)@/, '//***@');
}
