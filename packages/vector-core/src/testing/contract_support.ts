import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { MemoryError } from '@engram/memory-core';
import { HashingEmbedder } from '../embedders/hashing_embedder.js';
import type { VectorBackend } from '../vector_backend.js';
import { VectorStore } from '../vector_store.js';

/** What the suite hands `create`: reuse both to reopen the same data (persistence test). */
export interface ContractBackendContext {
  /** Unique per suite run: lowercase letters, digits and `_`. Server backends prefix their collections with it. */
  namespace: string;
  /** A fresh empty directory per test, for file-backed backends. */
  storageDir: string;
}

export const CONTRACT_DIMENSION = 32;

export async function expectCode(promise: Promise<unknown>, code: string): Promise<MemoryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected MemoryError(${code})`).toBeInstanceOf(MemoryError);
  expect((error as MemoryError).code).toBe(code);
  expect((error as MemoryError).message.length).toBeGreaterThan(10);
  return error as MemoryError;
}

let sequence = 0;
export const uniqueContext = (label: string) => `${label}#${process.pid}.${Date.now()}.${++sequence}`;

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

/** A unit vector along axis `i`, optionally mixed with axis `j`. */
export function axis(i: number, j?: number, mix = 0): number[] {
  const v = new Array<number>(CONTRACT_DIMENSION).fill(0);
  v[i] = 1;
  if (j !== undefined) v[j] = mix;
  return v;
}

export class TempDirs {
  readonly #dirs: string[] = [];

  async make(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'engram-vector-contract-'));
    this.#dirs.push(dir);
    return dir;
  }

  async removeAll(): Promise<void> {
    await Promise.all(this.#dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** Stores under test see text through a small hashing embedder; most tests pass vectors directly. */
export function storeOver(backend: VectorBackend, namespace: string): VectorStore {
  return new VectorStore({
    backend,
    embedder: new HashingEmbedder({ dimension: CONTRACT_DIMENSION }),
    collection: `contract_${namespace}`.slice(0, 63),
  });
}
