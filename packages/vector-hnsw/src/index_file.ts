import { open } from 'node:fs/promises';

/*
 * Reads the vectors back out of an hnswlib index file (hnswlib 0.8, as vendored by hnswlib-node
 * 3.0.0, which this package pins exactly). Reloading them through `getPoint` costs one native call
 * and one JS array per label; reading the level-0 block of the file is one sequential read.
 *
 * Layout written by HierarchicalNSW::saveIndex (little-endian, size_t = 8 bytes):
 *   offsetLevel0, maxElements, count, sizeDataPerElement, labelOffset, offsetData  (6 × u64)
 *   maxLevel (i32), entryPoint (u32), maxM, maxM0, M (3 × u64), mult (f64), efConstruction (u64)
 *   then `count` elements of sizeDataPerElement bytes: level-0 links (u16 count, u8 flags with
 *   0x01 = deleted, u8 unused, maxM0 × u32), the vector (dim × f32), the label (u64);
 *   then the upper-layer links, which this reader does not need.
 */
const HEADER_BYTES = 96;
const DELETE_MARK = 0x01;
const CHUNK_BYTES = 16 * 1024 * 1024;

export interface IndexFileHeader {
  maxElements: number;
  count: number;
  sizeDataPerElement: number;
  labelOffset: number;
  offsetData: number;
  M: number;
  efConstruction: number;
}

export class IndexFileError extends Error {}

function u64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new IndexFileError('a header field is out of range');
  return Number(value);
}

export function parseHeader(buffer: Buffer, dimension: number): IndexFileHeader {
  if (buffer.length < HEADER_BYTES) throw new IndexFileError('the file is shorter than an hnswlib header');
  const header: IndexFileHeader = {
    maxElements: u64(buffer, 8),
    count: u64(buffer, 16),
    sizeDataPerElement: u64(buffer, 24),
    labelOffset: u64(buffer, 32),
    offsetData: u64(buffer, 40),
    M: u64(buffer, 72),
    efConstruction: u64(buffer, 88),
  };
  const offsetLevel0 = u64(buffer, 0);
  const coherent =
    offsetLevel0 === 0 &&
    header.count <= header.maxElements &&
    header.labelOffset - header.offsetData === dimension * 4 &&
    header.sizeDataPerElement === header.labelOffset + 8 &&
    header.offsetData % 4 === 0;
  if (!coherent) throw new IndexFileError(`the header does not describe a ${dimension}-dimensional hnswlib index`);
  return header;
}

/** Calls `visit(label, deleted, vector)` for every element; `vector` is a view valid only during the call. */
export async function readIndexVectors(
  file: string,
  dimension: number,
  visit: (label: number, deleted: boolean, vector: Float32Array) => void,
): Promise<IndexFileHeader> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEADER_BYTES, 0);
    const header = parseHeader(head.subarray(0, bytesRead), dimension);
    const size = header.sizeDataPerElement;
    const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / size));
    // A buffer of its own (byteOffset 0) so Float32Array views over it are 4-byte aligned.
    const chunk = Buffer.from(new ArrayBuffer(perChunk * size));
    for (let first = 0; first < header.count; first += perChunk) {
      const n = Math.min(perChunk, header.count - first);
      const want = n * size;
      const read = await handle.read(chunk, 0, want, HEADER_BYTES + first * size);
      if (read.bytesRead !== want) throw new IndexFileError('the file ends inside its element block');
      for (let i = 0; i < n; i++) {
        const base = i * size;
        const label = u64(chunk, base + header.labelOffset);
        const deleted = ((chunk[base + 2] as number) & DELETE_MARK) !== 0;
        visit(label, deleted, new Float32Array(chunk.buffer, chunk.byteOffset + base + header.offsetData, dimension));
      }
    }
    return header;
  } finally {
    await handle.close();
  }
}

/** Header of a file just written, to catch a silently short write (hnswlib does not check its stream). */
export async function readIndexHeader(file: string, dimension: number): Promise<IndexFileHeader & { fileSize: number }> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEADER_BYTES, 0);
    const header = parseHeader(head.subarray(0, bytesRead), dimension);
    const { size } = await handle.stat();
    // Level 0 plus at least the 4-byte upper-layer length of every element.
    if (size < HEADER_BYTES + header.count * (header.sizeDataPerElement + 4)) throw new IndexFileError('the file is truncated');
    return { ...header, fileSize: size };
  } finally {
    await handle.close();
  }
}
