import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HashingEmbedder } from '@engram/vector-core';

/**
 * A real, tiny feature-extraction model written from scratch, since no npm package ships one
 * and nothing can be downloaded here: a BERT WordPiece tokenizer over a small vocabulary and an
 * ONNX graph with one Gather (token id → row of an embedding table), giving
 * `last_hidden_state` [batch, tokens, dimension]. The rows are vector-core's HashingEmbedder
 * vectors of each vocabulary word, so the model is lexical but its output is known exactly:
 * mean pooling + normalise of `[CLS] words [SEP]` = the normalised sum of their rows.
 */
export const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

export interface TinyModel {
  vocabulary: string[];
  dimension: number;
  /** The embedding table row of a token. */
  row(token: string): Float32Array;
}

export async function writeTinyModel(directory: string, words: readonly string[], dimension = 32): Promise<TinyModel> {
  const vocabulary = [...SPECIAL, ...new Set(words.map((w) => w.toLowerCase()))];
  const hashing = new HashingEmbedder({ dimension });
  // [PAD] stays zero (masked out anyway); the others get their own rows, like a trained model.
  const table = new Float32Array(vocabulary.length * dimension);
  vocabulary.forEach((token, i) => {
    if (token !== '[PAD]') table.set(hashing.embedOne(token), i * dimension);
  });
  const index = new Map(vocabulary.map((t, i) => [t, i]));
  await mkdir(join(directory, 'onnx'), { recursive: true });
  await writeFile(join(directory, 'onnx', 'model.onnx'), onnxGatherModel(table, vocabulary.length, dimension));
  await writeFile(join(directory, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dimension, vocab_size: vocabulary.length }));
  await writeFile(join(directory, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocabulary)));
  await writeFile(
    join(directory, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]' }),
  );
  return {
    vocabulary,
    dimension,
    row: (token) => table.slice((index.get(token) ?? 1) * dimension, ((index.get(token) ?? 1) + 1) * dimension),
  };
}

function tokenizerJson(vocabulary: string[]): unknown {
  const special = (id: number) => ({ id, content: vocabulary[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const cls = { SpecialToken: { id: '[CLS]', type_id: 0 } };
  const sep = (type_id: number) => ({ SpecialToken: { id: '[SEP]', type_id } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [0, 1, 2, 3].map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [cls, { Sequence: { id: 'A', type_id: 0 } }, sep(0)],
      pair: [cls, { Sequence: { id: 'A', type_id: 0 } }, sep(0), { Sequence: { id: 'B', type_id: 1 } }, sep(1)],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocabulary.map((w, i) => [w, i])) },
  };
}

// A minimal protobuf writer for the few ONNX messages the model needs (onnx.proto3 field numbers).
const utf8 = new TextEncoder();
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 127) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const intField = (field: number, n: number) => [...varint(field << 3), ...varint(n)];
function bytesField(field: number, value: string | Uint8Array | number[]): number[] {
  const bytes = typeof value === 'string' ? [...utf8.encode(value)] : [...value];
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** ValueInfoProto with a tensor type; string dims are symbolic (batch, tokens). */
function valueInfo(name: string, elemType: number, dims: Array<string | number>): number[] {
  const shape = dims.flatMap((d) => bytesField(1, typeof d === 'string' ? bytesField(2, d) : intField(1, d)));
  const tensorType = [...intField(1, elemType), ...bytesField(2, shape)];
  return [...bytesField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

function onnxGatherModel(table: Float32Array, rows: number, dimension: number): Uint8Array {
  const FLOAT = 1;
  const INT64 = 7;
  const initializer = [...intField(1, rows), ...intField(1, dimension), ...intField(2, FLOAT), ...bytesField(8, 'embeddings'), ...bytesField(9, new Uint8Array(table.buffer.slice(0)))];
  const node = [...bytesField(1, 'embeddings'), ...bytesField(1, 'input_ids'), ...bytesField(2, 'last_hidden_state'), ...bytesField(3, 'lookup'), ...bytesField(4, 'Gather')];
  const graph = [
    ...bytesField(1, node),
    ...bytesField(2, 'tiny'),
    ...bytesField(5, initializer),
    ...bytesField(11, valueInfo('input_ids', INT64, ['batch', 'tokens'])),
    ...bytesField(12, valueInfo('last_hidden_state', FLOAT, ['batch', 'tokens', dimension])),
  ];
  const opset = [...bytesField(1, ''), ...intField(2, 13)];
  return new Uint8Array([...intField(1, 8), ...bytesField(2, 'engram-test'), ...bytesField(7, graph), ...bytesField(8, opset)]);
}
