import { ErrorCode, MemoryError } from '@engram/memory-core';
import { checkFlatIpCodec } from './flat_ip_codec.js';

/*
 * The part of faiss-node 0.5.1 this package uses, typed here rather than imported from
 * faiss-node's .d.ts: faiss-node is an optional dependency, so its types may be absent and the
 * package must still typecheck and build.
 */

export interface FaissSearchResult {
  distances: number[];
  labels: number[];
}

export interface FaissIndex {
  ntotal(): number;
  getDimension(): number;
  /** Aborts the process when k is 0 and throws when k exceeds ntotal(): callers must keep 1 ≤ k ≤ ntotal. */
  search(query: number[], k: number): FaissSearchResult;
  add(vectors: number[]): void;
  mergeFrom(other: FaissIndex): void;
  toBuffer(): Buffer;
}

export interface FaissIndexFlatIPClass {
  new (dimension: number): FaissIndex;
  fromBuffer(buffer: Buffer): FaissIndex;
}

export interface FaissModule {
  IndexFlatIP: FaissIndexFlatIPClass;
}

/** How the binding is imported; a seam so the "not installed" path can be tested on a machine that has it. */
export type FaissImporter = () => Promise<unknown>;

const defaultImporter: FaissImporter = () => import(/* @vite-ignore */ 'faiss-node');

export const INSTALL_HINT =
  'install the FAISS system libraries and rebuild the binding: `apt-get install -y libfaiss-dev libopenblas-dev` ' +
  'then `pnpm rebuild faiss-node` (in the Engram repository `node tools/setup/ensure-faiss.mjs` does both); ' +
  'or use vectorDbType "memory" or "hnsw", which need no system libraries';

/** Which of the usual failures happened, in words that hold no paths or values. */
function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : '';
  if ((e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && /faiss-node['"]/.test(message)) {
    return 'the optional dependency faiss-node is not installed';
  }
  if (/Could not locate the bindings file/i.test(message)) return 'faiss-node is installed but its native binding was never built';
  if (/cannot open shared object file|libfaiss|libopenblas|undefined symbol/i.test(message)) {
    return 'the native binding is built but the FAISS system libraries cannot be loaded';
  }
  return 'the native binding failed to load';
}

function asModule(loaded: unknown): FaissModule | undefined {
  const candidates = [loaded, (loaded as { default?: unknown } | undefined)?.default];
  for (const c of candidates) {
    const flat = (c as { IndexFlatIP?: FaissIndexFlatIPClass } | undefined)?.IndexFlatIP;
    if (typeof flat === 'function' && typeof flat.fromBuffer === 'function') return c as FaissModule;
  }
  return undefined;
}

let cached: Promise<FaissModule> | undefined;

/**
 * Imports faiss-node on first use, never at module load, so `import '@engram/vector-faiss'`
 * works on machines without the FAISS libraries. Throws MemoryError(VECTOR_DB_ERROR) with the
 * install steps when the binding is missing or unusable.
 */
export function loadFaiss(importer?: FaissImporter): Promise<FaissModule> {
  if (importer) return load(importer);
  cached ??= load(defaultImporter).catch((error: unknown) => {
    // A later call (after installing the libraries in a long-lived process) may try again.
    cached = undefined;
    throw error;
  });
  return cached;
}

async function load(importer: FaissImporter): Promise<FaissModule> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `the faiss vector backend cannot start: ${reasonOf(error)}; ${INSTALL_HINT}`, {
      cause: error,
      details: { backend: 'faiss', package: 'faiss-node' },
    });
  }
  const faiss = asModule(loaded);
  if (!faiss) {
    throw new MemoryError(
      ErrorCode.VECTOR_DB_ERROR,
      'faiss-node loaded but has no IndexFlatIP with fromBuffer; install faiss-node 0.5.1 as pinned by @engram/vector-faiss',
      { details: { backend: 'faiss', package: 'faiss-node' } },
    );
  }
  checkFlatIpCodec(faiss);
  return faiss;
}

/** For tests and setup scripts: whether the binding loads here, and why not. */
export async function faissAvailability(importer?: FaissImporter): Promise<{ available: true } | { available: false; reason: string }> {
  try {
    await loadFaiss(importer);
    return { available: true };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
}
