/**
 * Scores of the documented example's four documents for the language query and for
 * paraphrases sharing no word with their target: wink-nlp's plain average vs the SIF vector.
 * Run: node --expose-gc --import tsx bench/spread.ts   (loads the word vectors once: ~5-11 s, ~1 GB peak)
 */
import { WinkEmbedder } from '../src/index.js';
import { DOCS, DOCS_2, DOCUMENTED_QUERY, PARAPHRASES, PARAPHRASES_2, TOPICS } from '../test/support/queries.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

async function main(): Promise<void> {
  const started = performance.now();
  const sif = new WinkEmbedder();
  const load = await sif.ready();
  console.log(`load: ${load.loadMs} ms (${load.words} words), first ready() returned after ${Math.round(performance.now() - started)} ms`);
  const mean = new WinkEmbedder({ pooling: 'mean' });
  const cases: Array<readonly [string, number]> = [[DOCUMENTED_QUERY, 1], ...PARAPHRASES];
  console.log(`\n| query (target) | pooling | ${TOPICS.join(' | ')} | gap |`);
  console.log(`|---|---|${TOPICS.map(() => '---|').join('')}---|`);
  const gaps: Record<string, number[]> = { mean: [], sif: [] };
  for (const [name, embedder] of [['mean', mean], ['sif', sif]] as const) {
    const docs = await embedder.embed(DOCS);
    for (const [query, target] of cases) {
      const [q] = await embedder.embed([query]);
      const scores = docs.map((d) => dot(q as Float32Array, d));
      const gap = (scores[target] as number) - Math.max(...scores.filter((_, i) => i !== target));
      gaps[name]?.push(gap);
      const cells = scores.map((s, i) => (i === target ? `**${s.toFixed(3)}**` : s.toFixed(3)));
      console.log(`| ${query} (${TOPICS[target]}) | ${name} | ${cells.join(' | ')} | ${gap >= 0 ? '+' : ''}${gap.toFixed(3)} |`);
    }
  }
  for (const [name, g] of Object.entries(gaps)) {
    const right = g.filter((x) => x > 0).length;
    console.log(`${name}: ${right}/${g.length} ranked right, mean gap ${(g.reduce((s, x) => s + x, 0) / g.length).toFixed(3)}, smallest ${Math.min(...g).toFixed(3)}`);
  }
  console.log('\nsecond set (8 documents, 16 queries sharing no content word with their target):');
  for (const [name, embedder] of [['mean', mean], ['sif', sif]] as const) {
    const docs = await embedder.embed(DOCS_2);
    const g: number[] = [];
    for (const [query, target] of PARAPHRASES_2) {
      const [q] = await embedder.embed([query]);
      const scores = docs.map((d) => dot(q as Float32Array, d));
      g.push((scores[target] as number) - Math.max(...scores.filter((_, i) => i !== target)));
    }
    const right = g.filter((x) => x > 0).length;
    console.log(`${name}: ${right}/${g.length} ranked right, mean gap ${(g.reduce((s, x) => s + x, 0) / g.length).toFixed(3)}, smallest ${Math.min(...g).toFixed(3)}`);
  }
  const t0 = performance.now();
  const n = 2_000;
  await sif.embed(Array.from({ length: n }, (_, i) => `${DOCS[i % 4]} ${i}`));
  console.log(`embed: ${((performance.now() - t0) / n).toFixed(3)} ms per sentence (batch of ${n})`);
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  console.log(`memory after load: rss ${(m.rss / 2 ** 20).toFixed(0)} MiB, heap ${(m.heapUsed / 2 ** 20).toFixed(0)} MiB, arrayBuffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)} MiB`);
}

void main();
