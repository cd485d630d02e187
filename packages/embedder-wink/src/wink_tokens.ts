/** One token worth a vector: its lookup form and whether wink-nlp calls it a stop word. */
export interface WordToken {
  word: string;
  stop: boolean;
}

export type Tokenize = (text: string) => WordToken[];

/** Token types that carry meaning; punctuation, symbols, emoji and spaces do not. */
const KEPT = new Set(['word', 'number', 'ordinal', 'hashtag', 'mention', 'email', 'url']);

interface WinkItem {
  out(helper: unknown): unknown;
}
interface Wink {
  its: { type: unknown; normal: unknown; stopWordFlag: unknown };
  readDoc(text: string): { tokens(): { each(fn: (token: WinkItem) => void): void } };
}

/**
 * wink-nlp's English tokenizer alone (no tagging pipes: ~0.03 ms a sentence). It splits
 * contractions ("don't" → do, not) and hyphenated words, and lowercases (`its.normal`).
 */
export function tokenizer(require: NodeRequire, missing: (name: string, cause: unknown) => Error): Tokenize {
  let winkNLP: (model: unknown, pipe: string[]) => Wink;
  let model: unknown;
  try {
    winkNLP = require('wink-nlp') as typeof winkNLP;
  } catch (error) {
    throw missing('wink-nlp', error);
  }
  try {
    model = require('wink-eng-lite-web-model');
  } catch (error) {
    throw missing('wink-eng-lite-web-model', error);
  }
  const nlp = winkNLP(model, []);
  const { its } = nlp;
  return (text) => {
    const out: WordToken[] = [];
    nlp.readDoc(text).tokens().each((token) => {
      const type = token.out(its.type) as string;
      if (!KEPT.has(type)) return;
      let word = token.out(its.normal) as string;
      // "#ai" and "@bob" mean the word; the vocabulary has no such entries.
      if ((type === 'hashtag' || type === 'mention') && word.length > 1) word = word.slice(1);
      out.push({ word, stop: token.out(its.stopWordFlag) === true });
    });
    return out;
  };
}
