/**
 * Just enough English for a lexical embedder: a tokenizer, a stop-word list and a light
 * suffix stripper. Deliberately conservative: merging too many word forms hurts more than
 * missing a few, and character n-grams already bridge most inflections and typos.
 */

export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves also many much may might must shall us via etc'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lowercased words in order; possessive 's and other apostrophe suffixes dropped. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const word = match[0];
    const apostrophe = word.search(/['’]/u);
    out.push(apostrophe > 0 ? word.slice(0, apostrophe) : word);
  }
  return out;
}

const VOWEL = /[aeiouy]/;

function hasVowel(stem: string): boolean {
  return VOWEL.test(stem);
}

/** Drops a doubled final consonant left by -ing/-ed ("running" → "run"), except l, s, z. */
function undouble(stem: string): string {
  const n = stem.length;
  if (n > 2 && stem[n - 1] === stem[n - 2] && !'aeiouylsz'.includes(stem[n - 1] as string)) return stem.slice(0, -1);
  return stem;
}

const DERIVATIONAL: ReadonlyArray<[string, string]> = [
  ['ational', 'ate'],
  ['ization', 'ize'],
  ['fulness', 'ful'],
  ['iveness', 'ive'],
  ['ousness', 'ous'],
  ['ation', 'ate'],
  ['ment', ''],
  ['ness', ''],
  ['ity', ''],
];

/**
 * A light Porter-style stemmer: plural, -ed, -ing, -ly, a few derivational suffixes, then a
 * trailing "e", so "computers"/"computer"/"computing" and "language"/"languages" meet.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);

  if (w.endsWith('ing') && w.length > 5 && hasVowel(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4 && hasVowel(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);

  for (const [suffix, replacement] of DERIVATIONAL) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  if (w.endsWith('y') && w.length > 3 && !VOWEL.test(w[w.length - 2] as string)) w = `${w.slice(0, -1)}i`;
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  if (w.endsWith('er') && w.length > 5) w = w.slice(0, -2);
  return w;
}
