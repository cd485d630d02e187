import type { Embedder } from '@engram/vector-core';

/**
 * The embedder of the vector benchmarks: every call passes its vector, so embedding must never
 * happen; if it does, the figures would include an embedder, so fail loudly instead.
 */
export function givenVectorsOnly(dimension: number): Embedder {
  return {
    model: 'bench-given-vectors',
    dimension,
    embed: () => Promise.reject(new Error('the bench passes every vector; the embedder must not be called')),
  };
}
