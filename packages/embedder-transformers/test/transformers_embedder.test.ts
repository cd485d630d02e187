import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { VectorStore } from '@engram/vector-core';
import { TransformersEmbedder, requiredFiles } from '../src/index.js';
import { importTransformers } from '../src/transformers_runtime.js';
import { writeTinyModel, type TinyModel } from './support/tiny_model.js';

const DOCS = [
  'Machine learning is a subset of artificial intelligence that enables systems to learn from data',
  'Natural language processing helps computers understand and generate human language',
  'Computer vision enables machines to interpret and understand visual information from the world',
  'Deep learning uses neural networks with many layers to model complex patterns',
];
const QUERY = 'How do computers understand human language?';
const WORDS = [...new Set([...DOCS, QUERY].join(' ').toLowerCase().match(/[a-z]+/g) ?? [])];

let root: string;
let tiny: TinyModel;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'engram-transformers-'));
  tiny = await writeTinyModel(join(root, 'engram', 'tiny-gather'), WORDS);
  // Wider rows, fewer hash collisions: enough for the lexical ranking of the documented example.
  await writeTinyModel(join(root, 'engram', 'tiny-gather-256'), WORDS, 256);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** What mean pooling + normalise must give for a text: its tokens' rows, [CLS] and [SEP] included. */
function expected(text: string): Float32Array {
  const tokens = ['[CLS]', ...(text.toLowerCase().match(/[a-z]+|[^\sa-z]/g) ?? []), '[SEP]'];
  const sum = new Float64Array(tiny.dimension);
  for (const t of tokens) tiny.row(t).forEach((x, j) => (sum[j] = (sum[j] as number) + x));
  const norm = Math.hypot(...sum);
  return Float32Array.from(sum, (x) => x / norm);
}
const close = (a: Float32Array | undefined, b: Float32Array) => {
  expect(a).toHaveLength(b.length);
  a!.forEach((x, j) => expect(x).toBeCloseTo(b[j] as number, 5));
};

describe('with a real (tiny) ONNX model from a local folder', () => {
  it('loads it, learns the dimension, and mean-pools + normalises the token vectors', async () => {
    const embedder = new TransformersEmbedder({ modelPath: root, model: 'engram/tiny-gather' });
    expect(() => embedder.dimension).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_ERROR }));
    expect(await embedder.ready()).toBe(32);
    expect(embedder.model).toBe('engram/tiny-gather');
    const [v] = await embedder.embed(['Natural language processing']);
    close(v, expected('Natural language processing'));
    expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
    await embedder.close();
  });

  it('maps unknown words to [UNK] as the tokenizer says', async () => {
    const embedder = new TransformersEmbedder({ modelPath: root, model: 'engram/tiny-gather', dimension: 32 });
    const [v] = await embedder.embed(['zorblax language']);
    const sum = [tiny.row('[CLS]'), tiny.row('[UNK]'), tiny.row('language'), tiny.row('[SEP]')].reduce((s, r) => s.map((x, j) => x + (r[j] as number)), new Float32Array(32));
    close(v, Float32Array.from(sum, (x) => x / Math.hypot(...sum)));
  });

  it('embeds a padded batch exactly as one text at a time (the attention mask keeps padding out)', async () => {
    const embedder = new TransformersEmbedder({ modelPath: root, model: 'engram/tiny-gather', batchSize: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.constantFrom(...WORDS, 'unknownword'), { minLength: 0, maxLength: 9 }).map((w) => w.join(' ')), { maxLength: 9 }), async (texts) => {
        const together = await embedder.embed(texts);
        expect(together).toHaveLength(texts.length);
        for (const [i, text] of texts.entries()) {
          const [alone] = await embedder.embed([text]);
          close(together[i], alone!);
          close(alone, expected(text));
        }
      }),
      { numRuns: 25 },
    );
    await embedder.close();
  });

  it('works as a VectorStore embedder: the documented example ranks the NLP document first', async () => {
    const embedder = new TransformersEmbedder({ modelPath: root, model: 'engram/tiny-gather-256' });
    expect(await embedder.ready()).toBe(256);
    const store = new VectorStore({ embedder });
    await store.storeVectors(DOCS.map((text, i) => ({ text, metadata: { topic: ['ml', 'nlp', 'cv', 'dl'][i] as string } })));
    const [best] = await store.searchVectors(QUERY, { k: 2 });
    expect(best?.metadata.topic).toBe('nlp');
    await store.close();
    await embedder.close();
  });

  it('cls pooling takes the [CLS] vector, and the name records it', async () => {
    const embedder = new TransformersEmbedder({ modelPath: root, model: 'engram/tiny-gather', pooling: 'cls' });
    const [a, b] = await embedder.embed(['language', 'vision']);
    const cls = tiny.row('[CLS]');
    close(a, Float32Array.from(cls, (x) => x / Math.hypot(...cls)));
    expect(b).toEqual(a);
    expect(embedder.model).toBe('engram/tiny-gather-cls');
    await embedder.close();
  });

  it('checks the answer against a given dimension', async () => {
    const embedder = new TransformersEmbedder({ modelPath: root, model: 'engram/tiny-gather', dimension: 384 });
    await expect(embedder.embed(['language'])).rejects.toMatchObject({ code: ErrorCode.VECTOR_DB_ERROR, details: { expected: 384, actual: 32 } });
  });

  it('never reaches for the network: remote models are off and files are local-only', async () => {
    await new TransformersEmbedder({ modelPath: root, model: 'engram/tiny-gather' }).ready();
    const runtime = await importTransformers();
    expect(runtime.env.allowRemoteModels).toBe(false);
    expect(runtime.env.localModelPath).toBe(`${root}/`);
    // Straight to transformers.js with a hub id that is not on disk: it must refuse, not fetch.
    await expect(runtime.pipeline('feature-extraction', 'Xenova/all-MiniLM-L6-v2', { local_files_only: true, dtype: 'fp32' })).rejects.toThrow(/not found locally|local_files_only/);
  });
});

describe('when something is missing', () => {
  it('names the missing directory, the files it needs and how to get them', async () => {
    const embedder = new TransformersEmbedder({ modelPath: root, model: 'Xenova/all-MiniLM-L6-v2' });
    const error = (await embedder.ready().catch((e: unknown) => e)) as MemoryError;
    expect(error).toBeInstanceOf(MemoryError);
    expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
    expect(error.message).toContain(join(root, 'Xenova/all-MiniLM-L6-v2'));
    expect(error.message).toMatch(/does not exist.*Nothing is downloaded.*git clone/);
    expect(error.details).toMatchObject({ missing: requiredFiles('fp32') });
  });

  it('names exactly the files a folder lacks, per dtype, and loads once they are there', async () => {
    const dir = join(root, 'partial');
    await writeTinyModel(dir, ['hello']);
    await unlink(join(dir, 'tokenizer.json'));
    const q8 = new TransformersEmbedder({ modelPath: root, model: 'partial', dtype: 'q8' });
    await expect(q8.ready()).rejects.toMatchObject({ code: ErrorCode.CONFIG_ERROR, details: { missing: ['tokenizer.json', 'onnx/model_quantized.onnx'] } });
    expect(q8.model).toBe('partial-q8');
    const fp32 = new TransformersEmbedder({ modelPath: root, model: 'partial' });
    await expect(fp32.ready()).rejects.toMatchObject({ details: { missing: ['tokenizer.json'] } });
    await writeTinyModel(dir, ['hello']); // fixed: the failed load was not kept
    expect(await fp32.ready()).toBe(32);
    await fp32.close();
  });

  it('reports a corrupt ONNX file as a model that could not load', async () => {
    const dir = join(root, 'corrupt');
    await writeTinyModel(dir, ['hello']);
    await writeFile(join(dir, 'onnx', 'model.onnx'), 'not a protobuf');
    const embedder = new TransformersEmbedder({ modelPath: root, model: 'corrupt' });
    await expect(embedder.embed(['hello'])).rejects.toMatchObject({ code: ErrorCode.CONFIG_ERROR, message: expect.stringMatching(/could not load the model/) });
  });

  it('says which package to install when the optional peer dependency is absent', async () => {
    const error = (await importTransformers('@engram/no-such-transformers-package').catch((e: unknown) => e)) as MemoryError;
    expect(error).toBeInstanceOf(MemoryError);
    expect(error.code).toBe(ErrorCode.CONFIG_ERROR);
    expect(error.message).toContain('pnpm add @huggingface/transformers');
  });

  it.each([
    [{ model: 'm' }, 'modelPath'],
    [{ modelPath: '/x' }, 'model'],
    [{ modelPath: '/x', model: '../escape' }, 'model'],
    [{ modelPath: '/x', model: '/abs' }, 'model'],
    [{ modelPath: '/x', model: 'm', dtype: 'fp64' }, 'dtype'],
    [{ modelPath: '/x', model: 'm', pooling: 'max' }, 'pooling'],
    [{ modelPath: '/x', model: 'm', batchSize: 0 }, 'batchSize'],
    [{ modelPath: '/x', model: 'm', dimension: -1 }, 'dimension'],
  ])('%j is a CONFIG_ERROR on %s', (options, field) => {
    expect(() => new TransformersEmbedder(options as never)).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_ERROR, details: { field } }));
  });

  it('refuses non-string texts and sends nothing for an empty list', async () => {
    const embedder = new TransformersEmbedder({ modelPath: join(root, 'nowhere'), model: 'm' });
    expect(await embedder.embed([])).toEqual([]);
    await expect(embedder.embed([1 as never])).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
  });
});
