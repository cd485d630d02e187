import { createHash } from 'node:crypto';
import { ErrorCode, MemoryError } from '@engram/memory-core';

const VALID = /^[a-z0-9][a-z0-9_]{0,62}$/;

/**
 * One collection per embedding space (model + dimension), named so every server accepts it:
 * `engram_<model slug>_<dimension>`, plus a short hash of the model name when the slug had to
 * drop characters, so two models never share a collection by accident.
 */
export function collectionNameFor(model: string, dimension: number): string {
  const slug = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 36);
  const lossy = slug !== model.replace(/-/g, '_');
  const tag = lossy ? `_${createHash('sha256').update(model).digest('hex').slice(0, 8)}` : '';
  const body = slug.startsWith('engram_') ? slug.slice('engram_'.length) : slug;
  return `engram_${body || 'model'}${tag}_${dimension}`;
}

export function checkCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !VALID.test(name)) {
    throw new MemoryError(
      ErrorCode.CONFIG_ERROR,
      'collection must be 1-63 characters of lowercase letters, digits and "_", starting with a letter or digit (servers restrict names)',
      { details: { field: 'collection' } },
    );
  }
}
