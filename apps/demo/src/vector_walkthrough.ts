import type { MemorySystem } from '@engram/memory-system';
import { section, show, step } from './print.js';

const DOCUMENTS = [
  { text: 'Machine learning is a subset of artificial intelligence that enables systems to learn from data', topic: 'ml' },
  { text: 'Natural language processing helps computers understand and generate human language', topic: 'nlp' },
  { text: 'Computer vision enables machines to interpret and understand visual information from the world', topic: 'vision' },
  { text: 'Deep learning uses neural networks with many layers to model complex patterns', topic: 'deep-learning' },
];
const CONTEXT = 'agent-researcher';

/** The documented vector walkthrough: four AI documents, a plain and a filtered search. */
export async function vectorSearch({ manager, vectors }: MemorySystem): Promise<void> {
  section('Vector search: memories searched by meaning');
  if (!vectors) {
    step('skipped: install @engram/vector-core to search memories by meaning');
    return;
  }
  await manager.clear(CONTEXT, { clearVectors: true });
  for (const [i, doc] of DOCUMENTS.entries()) {
    await manager.storeVector(doc.text, { category: 'ai', topic: doc.topic, year: 2020 + i }, { contextId: CONTEXT });
  }
  step(`stored ${DOCUMENTS.length} documents in context "${CONTEXT}"`);

  const query = 'How do computers understand human language?';
  const results = await manager.searchVectors(query, { k: 3, contextId: CONTEXT });
  step(`searchVectors(${JSON.stringify(query)}, { k: 3 }):`);
  for (const r of results) step(`  ${r.score.toFixed(3)}  [${r.metadata.topic}] ${r.metadata.text}`);

  const filtered = await manager.searchVectors('neural networks and learning', {
    k: 3,
    contextId: CONTEXT,
    filter: { $and: [{ category: 'ai' }, { year: { $gte: 2022 } }] },
  });
  step("filtered by { category: 'ai', year >= 2022 }:");
  for (const r of filtered) step(`  ${r.score.toFixed(3)}  [${r.metadata.topic}, ${r.metadata.year}] ${r.metadata.text}`);
  show('another context sees none of them', await manager.searchVectors(query, { k: 3, contextId: 'agent-other' }));
  await manager.clear(CONTEXT, { clearVectors: true });
}
