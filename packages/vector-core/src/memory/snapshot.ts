import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { writeFileAtomic } from '../atomic_file.js';
import { frameHeader, readFramedHeader } from '../framed_file.js';
import type { StoredMetadata } from '../filter_compiler.js';

/*
 * One file holds every collection and context, so opening 10,000 contexts is one read, not
 * 10,000. Layout: MAGIC, u32 header length, u32 header CRC, header (codec-encoded), zero
 * padding to a 4-byte boundary, then each context's vectors as little-endian float32 rows in
 * header order. Each block's CRC is in the header, so a torn or corrupted file is refused.
 */
const MAGIC = Buffer.from('ENGRAMV1', 'latin1');
const FORMAT_VERSION = 1;

export interface SnapshotContext {
  contextId: string;
  ids: readonly string[];
  metadata: readonly StoredMetadata[];
  /** count × dimension floats. */
  vectors: Float32Array;
}

export interface SnapshotCollection {
  name: string;
  model: string;
  dimension: number;
  contexts: SnapshotContext[];
}

interface Header {
  version: number;
  collections: Array<{
    name: string;
    model: string;
    dimension: number;
    contexts: Array<{ contextId: string; ids: string[]; metadata: StoredMetadata[]; crc: number }>;
  }>;
}

function bytesOf(vectors: Float32Array): Uint8Array {
  return new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
}

if (new Uint8Array(new Float32Array([1]).buffer)[3] !== 0x3f) {
  // Snapshots store the in-memory layout; every platform Node supports today is little-endian.
  throw new MemoryError(ErrorCode.CONFIG_ERROR, 'the memory vector backend snapshots need a little-endian CPU');
}

/** Writes atomically: a temp file in the same directory, fsync, then rename over the old snapshot. */
export async function writeSnapshot(file: string, collections: readonly SnapshotCollection[]): Promise<void> {
  const header: Header = {
    version: FORMAT_VERSION,
    collections: collections.map((c) => ({
      name: c.name,
      model: c.model,
      dimension: c.dimension,
      contexts: c.contexts.map((ctx) => ({
        contextId: ctx.contextId,
        ids: [...ctx.ids],
        metadata: [...ctx.metadata],
        crc: crc32(bytesOf(ctx.vectors)),
      })),
    })),
  };
  const { prefix, headerBytes } = frameHeader(MAGIC, header);
  const padding = (4 - ((prefix.length + headerBytes.length) % 4)) % 4;

  await writeFileAtomic(
    file,
    async (put) => {
      await put(prefix);
      await put(headerBytes);
      await put(new Uint8Array(padding));
      for (const c of collections) for (const ctx of c.contexts) await put(bytesOf(ctx.vectors));
    },
    (cause) =>
      new MemoryError(ErrorCode.VECTOR_DB_ERROR, 'could not write the vector snapshot; check that storageDir is writable and has space', {
        cause,
      }),
  );
}

function corrupt(file: string, problem: string, cause?: unknown): MemoryError {
  return new MemoryError(
    ErrorCode.VECTOR_DB_ERROR,
    `the vector snapshot ${file} is unreadable (${problem}); move it away to start empty, or restore a backup`,
    { cause, details: { file } },
  );
}

/** Reads a snapshot, or returns undefined when there is none yet. */
export async function readSnapshot(file: string): Promise<SnapshotCollection[] | undefined> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `could not read the vector snapshot ${file}; check its permissions`, { cause: error });
  }
  const frame = readFramedHeader(buffer, MAGIC, 'Engram vector snapshot', (problem, cause) => corrupt(file, problem, cause));
  const header = frame.header as Header;
  if (header?.version !== FORMAT_VERSION || !Array.isArray(header.collections)) throw corrupt(file, 'unknown format version');

  let offset = frame.offset;
  offset += (4 - (offset % 4)) % 4;
  const out: SnapshotCollection[] = [];
  for (const c of header.collections) {
    const contexts: SnapshotContext[] = [];
    for (const ctx of c.contexts) {
      const byteLength = ctx.ids.length * c.dimension * 4;
      if (offset + byteLength > buffer.length) throw corrupt(file, 'truncated vectors');
      const bytes = buffer.subarray(offset, offset + byteLength);
      if (crc32(bytes) !== ctx.crc) throw corrupt(file, 'vector checksum mismatch');
      const vectors = new Float32Array(ctx.ids.length * c.dimension);
      new Uint8Array(vectors.buffer).set(bytes);
      contexts.push({ contextId: ctx.contextId, ids: ctx.ids, metadata: ctx.metadata, vectors });
      offset += byteLength;
    }
    out.push({ name: c.name, model: c.model, dimension: c.dimension, contexts });
  }
  return out;
}
