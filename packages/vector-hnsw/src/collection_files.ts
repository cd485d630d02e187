import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { deserializeData, serializeData } from '@engram/memory-utils';
import type { StoredMetadata } from '@engram/vector-core';
import { IndexFileError, readIndexHeader } from './index_file.js';
import type { NativeIndex } from './hnsw_native.js';

/*
 * Files of collection `c` in storageDir (collection names are [a-z0-9_], safe as file names):
 *   c.hnsw-manifest   ids, contexts and metadata per label, plus the name of the index file;
 *   c.<gen>.hnsw      the hnswlib index (writeIndex), a new generation per persist.
 * A persist writes the new index file, then the manifest (temp file, fsync, rename): the rename is
 * the commit, so a crash at any point leaves the old manifest naming the old, intact index file.
 * Files of other generations are removed after the commit and on load.
 */
export const MANIFEST_FORMAT = 'engram-hnsw';
export const MANIFEST_VERSION = 1;

export interface ManifestContext {
  name: string;
  ids: string[];
  labels: Int32Array;
  metadata: StoredMetadata[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  name: string;
  model: string;
  dimension: number;
  space: string;
  generation: number;
  /** Index file name inside storageDir; null when the collection was empty. */
  indexFile: string | null;
  /** hnswlib's element count: live labels plus deleted ones waiting for reuse. */
  used: number;
  contexts: ManifestContext[];
}

export const manifestPath = (dir: string, name: string) => join(dir, `${name}.hnsw-manifest`);
const indexFileName = (name: string, generation: number) => `${name}.${generation}.hnsw`;
const OWN_FILE = /^([a-z0-9_]+)\.(\d+)\.hnsw(\..+\.tmp)?$|^([a-z0-9_]+)\.hnsw-manifest\..+\.tmp$/;

export function storageError(message: string, cause?: unknown, file?: string): MemoryError {
  return new MemoryError(ErrorCode.VECTOR_DB_ERROR, message, { cause, details: file ? { file } : undefined });
}

export function corruptError(file: string, problem: string, cause?: unknown): MemoryError {
  return storageError(`the HNSW files for ${file} are unreadable (${problem}); move them away to start empty, or restore a backup`, cause, file);
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the renames durable too (a no-op where directories cannot be opened). */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

const tempSuffix = () => `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

export async function readManifest(dir: string, name: string): Promise<Manifest | undefined> {
  const file = manifestPath(dir, name);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storageError(`could not read ${file}; check the permissions of storageDir`, error, file);
  }
  let manifest: Manifest;
  try {
    manifest = deserializeData(bytes) as Manifest;
  } catch (error) {
    throw corruptError(file, 'undecodable manifest', error);
  }
  const ok =
    manifest !== null &&
    typeof manifest === 'object' &&
    manifest.format === MANIFEST_FORMAT &&
    manifest.version === MANIFEST_VERSION &&
    Number.isInteger(manifest.dimension) &&
    Number.isInteger(manifest.used) &&
    Array.isArray(manifest.contexts) &&
    manifest.contexts.every((c) => Array.isArray(c?.ids) && c.labels instanceof Int32Array && c.labels.length === c.ids.length && c.metadata?.length === c.ids.length);
  if (!ok) throw corruptError(file, 'not an Engram HNSW manifest of a known version');
  return manifest;
}

/** Writes the index (when it holds anything) and then commits the manifest that names it. */
export async function writeCollectionFiles(
  dir: string,
  index: NativeIndex,
  manifest: Omit<Manifest, 'indexFile' | 'generation'>,
  previousGeneration: number,
): Promise<number> {
  const generation = previousGeneration + 1;
  const indexFile = manifest.used > 0 ? indexFileName(manifest.name, generation) : null;
  try {
    await mkdir(dir, { recursive: true });
    if (indexFile) {
      const temp = join(dir, indexFile + tempSuffix());
      try {
        await index.writeIndex(temp);
        // hnswlib neither checks its stream nor syncs it: a short write must not become the commit.
        const header = await readIndexHeader(temp, manifest.dimension);
        if (header.count !== manifest.used) throw new IndexFileError('the written index holds another element count');
        await fsyncFile(temp);
        await rename(temp, join(dir, indexFile));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    }
    const bytes = serializeData({ ...manifest, generation, indexFile } satisfies Manifest);
    const target = manifestPath(dir, manifest.name);
    const temp = target + tempSuffix();
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await fsyncDir(dir);
  } catch (error) {
    if (error instanceof MemoryError) throw error;
    throw storageError(`could not persist the HNSW collection to ${dir}; check that storageDir is writable and has space`, error);
  }
  await removeStaleFiles(dir, manifest.name, indexFile);
  return generation;
}

/** Deletes this collection's index files other than `keep`, and temp files left by a crash. */
export async function removeStaleFiles(dir: string, name: string, keep: string | null): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const doomed = entries.filter((file) => {
    if (file === keep) return false;
    const m = OWN_FILE.exec(file);
    return m !== null && (m[1] ?? m[4]) === name;
  });
  await Promise.all(doomed.map((file) => rm(join(dir, file), { force: true })));
}
