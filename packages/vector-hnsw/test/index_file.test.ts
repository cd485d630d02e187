import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIndex, toArray } from '../src/hnsw_native.js';
import { DEFAULT_HNSW_OPTIONS } from '../src/index.js';
import { IndexFileError, readIndexVectors } from '../src/index_file.js';
import { dataset, tempDirs } from './support.js';

const tempDir = tempDirs();

describe('reading vectors back from an hnswlib index file', () => {
  for (const [dim, M] of [
    [16, 16],
    [25, 5],
    [384, 32],
  ] as const) {
    it(`returns exactly what getPoint returns, and the deleted marks (dim ${dim}, M ${M})`, async () => {
      const { vectors } = dataset(300, dim, 41);
      const index = createIndex(dim, 512, { ...DEFAULT_HNSW_OPTIONS, M });
      vectors.forEach((v, label) => index.addPoint(toArray(v), label));
      for (let label = 0; label < 300; label += 7) index.markDelete(label);
      const file = join(await tempDir(), 'x.hnsw');
      await index.writeIndex(file);

      const seen = new Map<number, { deleted: boolean; vector: number[] }>();
      const header = await readIndexVectors(file, dim, (label, deleted, vector) => seen.set(label, { deleted, vector: Array.from(vector) }));
      expect(header).toMatchObject({ count: 300, maxElements: 512, M, efConstruction: DEFAULT_HNSW_OPTIONS.efConstruction });
      expect(seen.size).toBe(300);
      for (let label = 0; label < 300; label++) {
        expect(seen.get(label)!.deleted).toBe(label % 7 === 0);
        // hnswlib hides deleted points from getPoint; their bytes are still the vector that was added.
        if (label % 7 !== 0) expect(seen.get(label)!.vector).toEqual(index.getPoint(label));
        else expect(seen.get(label)!.vector).toEqual(Array.from(vectors[label]!));
      }
    });
  }

  it('refuses a file of another dimension or a foreign file', async () => {
    const { vectors } = dataset(10, 16, 42);
    const index = createIndex(16, 16, DEFAULT_HNSW_OPTIONS);
    vectors.forEach((v, label) => index.addPoint(toArray(v), label));
    const dir = await tempDir();
    await index.writeIndex(join(dir, 'x.hnsw'));
    await expect(readIndexVectors(join(dir, 'x.hnsw'), 17, () => undefined)).rejects.toBeInstanceOf(IndexFileError);
    await writeFile(join(dir, 'y.hnsw'), Buffer.alloc(200, 7));
    await expect(readIndexVectors(join(dir, 'y.hnsw'), 16, () => undefined)).rejects.toBeInstanceOf(IndexFileError);
  });
});
