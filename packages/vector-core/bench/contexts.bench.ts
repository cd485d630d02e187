/**
 * The cost of many small contexts in the memory backend: memory, snapshot size, open time.
 * Run: node --expose-gc --import tsx bench/contexts.bench.ts [contexts] [vectorsPerContext] [dimension]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MATCH_ALL } from '../src/filter.js';
import { DEFAULT_SNAPSHOT_FILE, MemoryBackend } from '../src/memory/memory_backend.js';
import type { CollectionSpec } from '../src/vector_backend.js';
import { normalizedCopy } from '../src/vector_math.js';
import { seededRandom } from '../src/testing/synthetic.js';

const contexts = Number(process.argv[2] ?? 10_000);
const perContext = Number(process.argv[3] ?? 10);
const dim = Number(process.argv[4] ?? 384);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const used = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'engram-contexts-bench-'));
  const c: CollectionSpec = { name: 'bench', model: 'synthetic', dimension: dim };
  const random = seededRandom(9);
  const vector = () => normalizedCopy(Array.from({ length: dim }, () => random() - 0.5), dim);
  try {
    const base = used();
    const backend = new MemoryBackend({ storageDir: dir });
    let t = performance.now();
    for (let ctx = 0; ctx < contexts; ctx++) {
      const records = Array.from({ length: perContext }, (_, i) => ({ id: `m${i}`, vector: vector(), metadata: { text: `memory ${i} of user ${ctx}`, turn: i } }));
      await backend.upsert(c, `user-${ctx}`, records);
    }
    const insertMs = performance.now() - t;
    const raw = contexts * perContext * dim * 4;
    const total = used() - base;
    console.log(`${contexts} contexts x ${perContext} vectors x ${dim} dims: inserted in ${(insertMs / 1000).toFixed(2)} s`);
    console.log(`memory ${mib(total)} for ${mib(raw)} of raw vectors: ${((total - raw) / contexts / 1024).toFixed(1)} KiB overhead per context (ids, metadata, maps, growth headroom)`);
    t = performance.now();
    await backend.persist();
    const size = (await stat(join(dir, DEFAULT_SNAPSHOT_FILE))).size;
    console.log(`snapshot written in ${(performance.now() - t).toFixed(0)} ms, ${mib(size)}`);
    await backend.close();

    t = performance.now();
    const reopened = new MemoryBackend({ storageDir: dir });
    await reopened.open(c);
    const openMs = performance.now() - t;
    const query = vector();
    t = performance.now();
    const searches = 1_000;
    for (let i = 0; i < searches; i++) await reopened.search(c, `user-${(i * 7919) % contexts}`, query, { k: 5, filter: MATCH_ALL });
    const searchMs = (performance.now() - t) / searches;
    console.log(`reopened in ${openMs.toFixed(0)} ms (memory then ${mib(used() - base)}); a search in one context takes ${(searchMs * 1000).toFixed(0)} µs`);
    await reopened.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
