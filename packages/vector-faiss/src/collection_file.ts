import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { frameHeader, readFramedHeader, writeFileAtomic, type StoredMetadata } from '@engram/vector-core';
import { FLAT_IP_HEADER_BYTES, flatIpHeader, flatIpProblem } from './flat_ip_codec.js';

/*
 * One file per collection holds the index and its metadata together, so a crash can never leave
 * an index that disagrees with its sidecar, and opening 10,000 contexts is one read.
 * Layout: MAGIC | u32 header length | u32 header CRC | header (codec-encoded: ids and metadata per
 * context, each block's length and CRC) | each context's block. A block is faiss's own
 * serialisation of an IndexFlatIP (see flat_ip_codec.ts), so faiss `fromBuffer` reads it as is.
 */
const MAGIC = Buffer.from('ENGRFAI1', 'latin1');
const FORMAT_VERSION = 1;

export interface ContextRows {
  contextId: string;
  ids: readonly string[];
  metadata: readonly StoredMetadata[];
  /** ids.length × dimension floats, in label order. */
  vectors: Float32Array;
}

export interface CollectionRows {
  name: string;
  model: string;
  dimension: number;
  contexts: ContextRows[];
}

export interface LoadedContext {
  contextId: string;
  ids: string[];
  metadata: StoredMetadata[];
  /** A faiss IndexFlatIP block, checked against its CRC and header. */
  block: Buffer;
}

export interface LoadedCollection {
  name: string;
  model: string;
  dimension: number;
  contexts: LoadedContext[];
}

interface Header {
  version: number;
  name: string;
  model: string;
  dimension: number;
  contexts: Array<{ contextId: string; ids: string[]; metadata: StoredMetadata[]; bytes: number; crc: number }>;
}

function bytesOf(vectors: Float32Array): Uint8Array {
  return new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
}

/** Writes atomically: a temp file beside the target, fsync, then rename over it. */
export async function writeCollectionFile(file: string, collection: CollectionRows): Promise<void> {
  // Vectors are written from views of the live buffers (no copy of the whole index): the caller
  // holds back writes to the collection until this promise settles.
  const blocks = collection.contexts.map((ctx) => {
    const head = flatIpHeader(collection.dimension, ctx.ids.length);
    const body = bytesOf(ctx.vectors);
    return { head, body, crc: crc32(body, crc32(head)) };
  });
  const header: Header = {
    version: FORMAT_VERSION,
    name: collection.name,
    model: collection.model,
    dimension: collection.dimension,
    contexts: collection.contexts.map((ctx, i) => ({
      contextId: ctx.contextId,
      ids: [...ctx.ids],
      metadata: [...ctx.metadata],
      bytes: FLAT_IP_HEADER_BYTES + ctx.vectors.byteLength,
      crc: (blocks[i] as { crc: number }).crc,
    })),
  };
  const { prefix, headerBytes } = frameHeader(MAGIC, header);

  await writeFileAtomic(
    file,
    async (put) => {
      await put(prefix);
      await put(headerBytes);
      for (const block of blocks) {
        await put(block.head);
        await put(block.body);
      }
    },
    writeFailed,
  );
}

function writeFailed(cause: unknown): MemoryError {
  return new MemoryError(ErrorCode.VECTOR_DB_ERROR, 'could not write the faiss index file; check that storageDir is a writable directory with space', {
    cause,
    details: { backend: 'faiss' },
  });
}

export function corrupt(file: string, problem: string, cause?: unknown): MemoryError {
  return new MemoryError(
    ErrorCode.VECTOR_DB_ERROR,
    `the faiss index file ${file} is unreadable (${problem}); move it away to start that collection empty, or restore a backup`,
    { cause, details: { backend: 'faiss', file } },
  );
}

/** Reads a collection file, or returns undefined when there is none yet. Blocks are views into one buffer. */
export async function readCollectionFile(file: string): Promise<LoadedCollection | undefined> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MemoryError(ErrorCode.VECTOR_DB_ERROR, `could not read the faiss index file ${file}; check its permissions`, {
      cause: error,
      details: { backend: 'faiss', file },
    });
  }
  const frame = readFramedHeader(buffer, MAGIC, 'Engram faiss file', (problem, cause) => corrupt(file, problem, cause));
  const header = frame.header as Header;
  if (header?.version !== FORMAT_VERSION || !Array.isArray(header.contexts)) throw corrupt(file, 'unknown format version');

  let offset = frame.offset;
  const contexts: LoadedContext[] = [];
  for (const ctx of header.contexts) {
    if (offset + ctx.bytes > buffer.length) throw corrupt(file, 'truncated index block');
    const block = buffer.subarray(offset, offset + ctx.bytes);
    if (crc32(block) !== ctx.crc) throw corrupt(file, 'index block checksum mismatch');
    const problem = flatIpProblem(block, header.dimension);
    if (problem) throw corrupt(file, problem);
    if (block.length !== FLAT_IP_HEADER_BYTES + ctx.ids.length * header.dimension * 4) throw corrupt(file, 'block row count differs from its ids');
    contexts.push({ contextId: ctx.contextId, ids: ctx.ids, metadata: ctx.metadata, block });
    offset += ctx.bytes;
  }
  if (offset !== buffer.length) throw corrupt(file, 'trailing bytes after the last block');
  return { name: header.name, model: header.model, dimension: header.dimension, contexts };
}
