import { readFile } from 'node:fs/promises';

/** TEXMEX .fvecs/.ivecs: per row an int32 dimension, then that many float32 or int32 values. */
export async function readVecs(file: string, kind: 'f' | 'i'): Promise<{ dim: number; rows: Array<Float32Array | Int32Array> }> {
  const buffer = await readFile(file);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const rows: Array<Float32Array | Int32Array> = [];
  let dim = 0;
  for (let offset = 0; offset < buffer.length; ) {
    dim = view.getInt32(offset, true);
    const row = kind === 'f' ? new Float32Array(dim) : new Int32Array(dim);
    for (let i = 0; i < dim; i++) row[i] = kind === 'f' ? view.getFloat32(offset + 4 + i * 4, true) : view.getInt32(offset + 4 + i * 4, true);
    rows.push(row);
    offset += 4 + dim * 4;
  }
  return { dim, rows };
}
