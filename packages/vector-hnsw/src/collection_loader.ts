import { join } from 'node:path';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import type { CollectionSpec, StoredMetadata } from '@engram/vector-core';
import { corruptError, manifestPath, readManifest, removeStaleFiles, type Manifest } from './collection_files.js';
import { ContextTable } from './context_table.js';
import { HnswCollection } from './hnsw_collection.js';
import { SPACE, loadIndex } from './hnsw_native.js';
import type { HnswOptions } from './hnsw_options.js';
import { readIndexVectors } from './index_file.js';
import { LabelTable } from './label_table.js';

/** A collection and the generation of its files on disk (0: never persisted). */
export interface LoadedCollection {
  collection: HnswCollection;
  generation: number;
}

export function dimensionMismatch(spec: CollectionSpec, stored: number): MemoryError {
  return new MemoryError(
    ErrorCode.CONFIG_ERROR,
    `collection "${spec.name}" in storageDir holds ${stored}-dimensional vectors but this store embeds ${spec.dimension}; ` +
      'use the embedder the collection was built with, another collection name, or another storageDir',
    { details: { collection: spec.name, expected: stored, actual: spec.dimension } },
  );
}

/**
 * Opens a collection from storageDir, or creates it empty when it has no files there. The vectors
 * are read back from the index file itself; every label the manifest names must be live in the
 * index and every other label deleted, or the pair is refused as corrupt.
 */
export async function loadCollection(dir: string | undefined, spec: CollectionSpec, options: HnswOptions): Promise<LoadedCollection> {
  const manifest = dir ? await readManifest(dir, spec.name) : undefined;
  if (!dir || !manifest) return { collection: new HnswCollection(spec, options), generation: 0 };
  if (manifest.dimension !== spec.dimension) throw dimensionMismatch(spec, manifest.dimension);
  const where = manifestPath(dir, spec.name);
  if (manifest.space !== SPACE) throw corruptError(where, `written with space "${manifest.space}"`);
  await removeStaleFiles(dir, spec.name, manifest.indexFile);
  if (manifest.used === 0) return { collection: new HnswCollection(spec, options), generation: manifest.generation };
  if (!manifest.indexFile) throw corruptError(where, 'the manifest names no index file');
  return { collection: await restore(join(dir, manifest.indexFile), where, spec, options, manifest), generation: manifest.generation };
}

async function restore(indexPath: string, where: string, spec: CollectionSpec, options: HnswOptions, manifest: Manifest): Promise<HnswCollection> {
  const dim = spec.dimension;
  let index;
  try {
    index = await loadIndex(indexPath, dim);
  } catch (error) {
    throw corruptError(where, 'hnswlib could not read the index file', error);
  }
  const capacity = index.getMaxElements();
  if (index.getCurrentCount() !== manifest.used || capacity < manifest.used) throw corruptError(where, 'the index and the manifest disagree on the element count');
  const table = new LabelTable(dim, capacity);
  // 0: not in the file, 1: deleted, 2: live.
  const state = new Uint8Array(manifest.used);
  let header;
  try {
    header = await readIndexVectors(indexPath, dim, (label, deleted, vector) => {
      if (label >= manifest.used || state[label] !== 0) throw new Error('label out of range or repeated');
      state[label] = deleted ? 1 : 2;
      if (!deleted) table.vectors.set(vector, label * dim);
    });
  } catch (error) {
    throw corruptError(where, 'the index file is malformed', error);
  }
  const contexts = new ContextTable();
  let records = 0;
  for (const c of manifest.contexts) {
    if (c.ids.length === 0) continue;
    const entry = contexts.getOrCreate(c.name);
    for (let i = 0; i < c.ids.length; i++) {
      const label = c.labels[i] as number;
      const id = c.ids[i] as string;
      if (!(label >= 0 && label < manifest.used) || state[label] !== 2 || !table.isFree(label) || entry.labels.has(id)) {
        throw corruptError(where, 'a record points at a missing, deleted or shared label');
      }
      table.set(label, id, entry.ordinal, undefined, c.metadata[i] as StoredMetadata);
      entry.labels.set(id, label);
      records++;
    }
  }
  let liveInFile = 0;
  for (const s of state) if (s === 2) liveInFile++;
  if (liveInFile !== records) throw corruptError(where, 'the index holds live vectors the manifest does not name');
  table.restoreUsed(manifest.used);
  return new HnswCollection(spec, options, { index, table, contexts, graph: { M: header.M, efConstruction: header.efConstruction } });
}
