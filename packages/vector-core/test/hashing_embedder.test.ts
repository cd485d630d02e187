import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { HashingEmbedder } from '../src/index.js';
import { stem, tokenize } from '../src/embedders/english.js';

const DOCS = [
  'Machine learning is a subset of artificial intelligence that enables systems to learn from data',
  'Natural language processing helps computers understand and generate human language',
  'Computer vision enables machines to interpret and understand visual information from the world',
  'Deep learning uses neural networks with many layers to model complex patterns',
];

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

describe('HashingEmbedder', () => {
  const embedder = new HashingEmbedder();
  const docs = DOCS.map((d) => embedder.embedOne(d));
  const scores = (query: string) => docs.map((d) => dot(embedder.embedOne(query), d));
  const best = (query: string) => {
    const s = scores(query);
    return s.indexOf(Math.max(...s));
  };

  it('ranks the NLP document first for the documented language query, by a clear margin', () => {
    const s = scores('How do computers understand human language?');
    expect(best('How do computers understand human language?')).toBe(1);
    const others = s.filter((_, i) => i !== 1);
    expect(s[1]! - Math.max(...others)).toBeGreaterThan(0.2);
  });

  it.each([
    ['What are neural networks with many layers?', 3],
    ['systems that learn from data', 0],
    ['interpreting visual information', 2],
    ['How do machines understand images?', 2],
    ['artificial intelligence', 0],
    ['generating human language', 1],
  ])('paraphrase with shared words %j ranks document %i first', (query, expected) => {
    expect(best(query)).toBe(expected);
  });

  it.each([
    ['machne lerning', 0],
    ['naturel langauge procesing', 1],
    ['nueral netwrks', 3],
    ['computer vison', 2],
  ])('misspelling %j still finds document %i through character n-grams', (query, expected) => {
    expect(best(query)).toBe(expected);
  });

  it('is deterministic, unit length and of the configured dimension', async () => {
    const [a, b] = await embedder.embed([DOCS[0]!, DOCS[0]!]);
    expect(a).toEqual(b);
    expect(a!.length).toBe(384);
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(new HashingEmbedder().embedOne('same text')).toEqual(embedder.embedOne('same text'));
    const small = new HashingEmbedder({ dimension: 64 });
    expect(small.embedOne('x').length).toBe(64);
    expect(small.model).not.toBe(embedder.model);
    expect(new HashingEmbedder({ weights: { chars: 0 } }).model).not.toBe(embedder.model);
  });

  it('gives every text a non-zero vector, even empty, stop-word-only or symbol-only text', () => {
    for (const text of ['', '   ', 'the of and', '!!!', '🙂', '42']) {
      const v = embedder.embedOne(text);
      expect(dot(v, v), JSON.stringify(text)).toBeCloseTo(1, 5);
    }
    expect(dot(embedder.embedOne('!!!'), embedder.embedOne('!!!'))).toBeCloseTo(1, 5);
    expect(Math.abs(dot(embedder.embedOne('!!!'), embedder.embedOne('???')))).toBeLessThan(0.5);
  });

  it('is indifferent to case, punctuation and inflection, and not to word choice', () => {
    expect(dot(embedder.embedOne('Computers understand LANGUAGES!'), embedder.embedOne('computer understanding language'))).toBeGreaterThan(0.8);
    expect(Math.abs(dot(embedder.embedOne('car'), embedder.embedOne('automobile')))).toBeLessThan(0.3);
  });

  it('refuses a bad dimension and non-string texts', async () => {
    for (const dimension of [0, 7, 1.5, 100_000]) {
      expect(() => new HashingEmbedder({ dimension })).toThrow(MemoryError);
    }
    await expect(embedder.embed([42 as unknown as string])).rejects.toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
  });
});

describe('english helpers', () => {
  it('tokenizes words, digits and apostrophes', () => {
    expect(tokenize("The agent's 3 Cafés — don't panic!")).toEqual(['the', 'agent', '3', 'cafés', 'don', 'panic']);
  });

  it.each([
    ['computers', 'comput'],
    ['computer', 'comput'],
    ['computing', 'comput'],
    ['languages', 'languag'],
    ['language', 'languag'],
    ['running', 'run'],
    ['studies', 'studi'],
    ['networks', 'network'],
    ['process', 'process'],
    ['analysis', 'analysis'],
  ])('stems %s to %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });
});
