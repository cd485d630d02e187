import { ErrorCode, MemoryError } from '@engram/memory-core';
import type { FaissModule } from './faiss_binding.js';

/*
 * faiss's own serialisation of an IndexFlatIP (faiss 1.7.x `write_index`), little-endian:
 *   "IxFI" | i32 d | i64 ntotal | i64 2^20 | i64 2^20 | u8 is_trained | i32 metric (0 = inner product)
 *   | u64 ntotal*d | ntotal*d float32
 * faiss-node's `add` takes a JS number[] and converts element by element (10 s for 100k x 384
 * here), while `fromBuffer` of this layout is a memcpy. So rows enter faiss as encoded blocks,
 * and the persisted file holds blocks faiss itself can read. `checkFlatIpCodec` compares this
 * encoder with faiss's writer whenever the binding loads, so a faiss with another layout is
 * refused instead of misread.
 */

export const FLAT_IP_HEADER_BYTES = 45;
const FOURCC = 'IxFI';
const DUMMY = 1n << 20n;

if (new Uint8Array(new Float32Array([1]).buffer)[3] !== 0x3f) {
  throw new MemoryError(ErrorCode.CONFIG_ERROR, 'the faiss vector backend needs a little-endian CPU (faiss files are little-endian)');
}

export function flatIpHeader(dimension: number, count: number): Buffer {
  const header = Buffer.alloc(FLAT_IP_HEADER_BYTES);
  header.write(FOURCC, 0, 'latin1');
  header.writeInt32LE(dimension, 4);
  header.writeBigInt64LE(BigInt(count), 8);
  header.writeBigInt64LE(DUMMY, 16);
  header.writeBigInt64LE(DUMMY, 24);
  header.writeUInt8(1, 32);
  header.writeInt32LE(0, 33);
  header.writeBigUInt64LE(BigInt(count * dimension), 37);
  return header;
}

/** One buffer faiss reads as an IndexFlatIP holding `vectors` (count × dimension floats). */
export function encodeFlatIp(dimension: number, vectors: Float32Array): Buffer {
  const count = vectors.length / dimension;
  const out = Buffer.allocUnsafe(FLAT_IP_HEADER_BYTES + vectors.byteLength);
  flatIpHeader(dimension, count).copy(out, 0);
  out.set(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength), FLAT_IP_HEADER_BYTES);
  return out;
}

/** Why a block is not an IndexFlatIP of this dimension, or undefined when it is one. */
export function flatIpProblem(block: Uint8Array, dimension: number): string | undefined {
  if (block.length < FLAT_IP_HEADER_BYTES) return 'block shorter than an index header';
  const b = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
  if (b.toString('latin1', 0, 4) !== FOURCC) return 'not an IndexFlatIP block';
  if (b.readInt32LE(4) !== dimension) return 'block dimension differs from the collection';
  if (b.readUInt8(32) !== 1 || b.readInt32LE(33) !== 0) return 'block is not a trained inner-product index';
  const count = b.readBigInt64LE(8);
  const floats = b.readBigUInt64LE(37);
  if (count < 0n || floats !== count * BigInt(dimension)) return 'block row count and size disagree';
  if (BigInt(block.length) !== BigInt(FLAT_IP_HEADER_BYTES) + floats * 4n) return 'block length differs from its header';
  return undefined;
}

/** The rows of a block, copied into an aligned Float32Array (call `flatIpProblem` first). */
export function decodeFlatIp(block: Uint8Array, dimension: number): Float32Array {
  const problem = flatIpProblem(block, dimension);
  if (problem) throw new Error(problem);
  const vectors = new Float32Array((block.length - FLAT_IP_HEADER_BYTES) / 4);
  new Uint8Array(vectors.buffer).set(block.subarray(FLAT_IP_HEADER_BYTES));
  return vectors;
}

/** Refuses a faiss whose IndexFlatIP layout is not the one this file writes. */
export function checkFlatIpCodec(faiss: FaissModule): void {
  const dimension = 3;
  const rows = [0.6, 0.8, 0, 0, 0, 1];
  const reference = new faiss.IndexFlatIP(dimension);
  reference.add(rows);
  const ours = encodeFlatIp(dimension, Float32Array.from(rows));
  const theirs = reference.toBuffer();
  const roundTrip = faiss.IndexFlatIP.fromBuffer(ours);
  const hit = roundTrip.search([0, 0, 1], 1);
  if (!theirs.equals(ours) || roundTrip.ntotal() !== 2 || hit.labels[0] !== 1) {
    throw new MemoryError(
      ErrorCode.VECTOR_DB_ERROR,
      'the installed faiss serialises IndexFlatIP differently from faiss 1.7.x; build faiss-node against Debian libfaiss-dev 1.7.3 as @engram/vector-faiss documents',
      { details: { backend: 'faiss' } },
    );
  }
}
