import type { MemorySystem } from '@engram/memory-system';
import { section, step } from './print.js';

/** Filled in by the vector issue; until then the demo says why it is skipped. */
export async function vectorSearch({ vectors }: MemorySystem): Promise<void> {
  section('Vector search');
  if (!vectors) {
    step('skipped: install @engram/vector-core to search memories by meaning');
    return;
  }
}
