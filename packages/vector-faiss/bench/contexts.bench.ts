/*
 * Cost of many small contexts (one per user/session/agent): 10,000 contexts x 4 vectors x 384-d,
 * on the faiss backend and, for comparison, vector-core's memory backend. Each backend runs in
 * its own child process so memory figures do not mix. Run from packages/vector-faiss:
 *   npx tsx bench/contexts.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryBackend, parseFilter, type CollectionSpec, type VectorBackend } from '@engram/vector-core';
import { FaissBackend, loadFaiss } from '../src/index.js';

const CONTEXTS = 10_000;
const PER_CONTEXT = 4;
const DIMENSION = 384;
const c: CollectionSpec = { name: 'contexts', model: 'bench', dimension: DIMENSION };
const matchAll = parseFilter(undefined);

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function memory(): { rss: number; js: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.external };
}

function unit(seed: number): Float32Array {
  let s = seed * 2654435761 || 1;
  const v = new Float32Array(DIMENSION);
  let norm = 0;
  for (let i = 0; i < DIMENSION; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    v[i] = s / 0x7fffffff - 0.5;
    norm += (v[i] as number) ** 2;
  }
  return v.map((x) => x / Math.sqrt(norm));
}

async function make(kind: string, storageDir: string): Promise<VectorBackend> {
  return kind === 'faiss' ? new FaissBackend({ storageDir, binding: await loadFaiss() }) : new MemoryBackend({ storageDir });
}

/** Writes the contexts and persists them to `dir`; reports ingest, memory, search and persist figures. */
async function write(kind: string, dir: string): Promise<Record<string, string | number>> {
  if (kind === 'faiss') await loadFaiss();
  const base = memory();
  const backend = await make(kind, dir);
  await backend.open(c);
  let start = performance.now();
  for (let ctx = 0; ctx < CONTEXTS; ctx++) {
    const records = Array.from({ length: PER_CONTEXT }, (_, i) => ({ id: `m${i}`, vector: unit(ctx * PER_CONTEXT + i + 1), metadata: { text: `memory ${i}` } }));
    await backend.upsert(c, `user-${ctx}`, records);
  }
  const ingestMs = performance.now() - start;
  const loaded = memory();
  start = performance.now();
  for (let i = 0; i < 2_000; i++) await backend.search(c, `user-${(i * 7919) % CONTEXTS}`, unit(i + 99_999_999), { k: 3, filter: matchAll });
  const searchUs = ((performance.now() - start) / 2_000) * 1000;
  start = performance.now();
  await backend.persist?.();
  const persistMs = performance.now() - start;
  await backend.close();
  let fileBytes = 0;
  for (const f of await readdir(dir)) fileBytes += (await stat(join(dir, f))).size;
  const raw = CONTEXTS * PER_CONTEXT * DIMENSION * 4;
  return {
    backend: kind,
    rawVectorMB: mb(raw),
    ingestMs: Math.round(ingestMs),
    rssMB: mb(loaded.rss - base.rss),
    jsHeapAndBuffersMB: mb(loaded.js - base.js),
    perContextKB: ((loaded.rss - base.rss) / CONTEXTS / 1024).toFixed(1),
    searchUs: searchUs.toFixed(0),
    persistMs: Math.round(persistMs),
    fileMB: mb(fileBytes),
  };
}

/** Opens what `write` persisted, in a fresh process, and answers one search. */
async function reopen(kind: string, dir: string): Promise<Record<string, string | number>> {
  if (kind === 'faiss') await loadFaiss();
  const base = memory();
  const start = performance.now();
  const backend = await make(kind, dir);
  await backend.open(c);
  await backend.search(c, 'user-42', unit(5), { k: 3, filter: matchAll });
  const openMs = performance.now() - start;
  const after = memory();
  const count = await backend.count(c);
  await backend.close();
  return { openMs: Math.round(openMs), openRssMB: mb(after.rss - base.rss), reopenedVectors: count };
}

function runChild(file: string, ...args: string[]): Record<string, string | number> {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{')) throw new Error(`child ${args.join(' ')} failed (status ${result.status}, signal ${result.signal}, ${result.error?.message ?? "no spawn error"}): ${result.stdout}`);
  return JSON.parse(line) as Record<string, string | number>;
}

const [phase, kind, dir] = process.argv.slice(2);
if (phase && kind && dir) {
  console.log(JSON.stringify(phase === 'write' ? await write(kind, dir) : await reopen(kind, dir)));
} else {
  const file = fileURLToPath(import.meta.url);
  const rows: Record<string, string | number>[] = [];
  for (const backend of ['faiss', 'memory']) {
    const storageDir = await mkdtemp(join(tmpdir(), `engram-contexts-${backend}-`));
    try {
      rows.push({ ...runChild(file, 'write', backend, storageDir), ...runChild(file, 'open', backend, storageDir) });
    } finally {
      await rm(storageDir, { recursive: true, force: true });
    }
  }
  const keys = Object.keys(rows[0] as object);
  console.log(`${CONTEXTS} contexts x ${PER_CONTEXT} vectors x ${DIMENSION}-d, each phase in a fresh process (rss/js: growth over the empty process)`);
  console.log(`| ${keys.join(' | ')} |`);
  console.log(`|${keys.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${keys.map((k) => row[k]).join(' | ')} |`);
}
