import { invalidArgument } from '@engram/memory-core';

/** Pattern tokens: a code point to match literally, or one of the two wildcards. */
const STAR = -1;
const ANY = -2;

/**
 * Compiles a wildcard pattern once, for matching many keys:
 *   `*` any run of characters (also none), `?` exactly one character (a code point, so one
 *   emoji), `\` makes the next character literal (`\*`, `\?`, `\\`); everything else,
 *   regex metacharacters and `[` included, is literal.
 *
 * Matching is the two-pointer wildcard algorithm: no regex, no backtracking blow-up; at most
 * O(text × pattern) steps, linear in practice (`a*a*a*a*a*b` on 5000 `a`s is instant).
 *
 * @throws MemoryError INVALID_ARGUMENT for a non-string pattern or a trailing lone `\`.
 */
export function compilePattern(pattern: string): (text: string) => boolean {
  const tokens = tokenize(pattern);
  if (!tokens.includes(STAR) && !tokens.includes(ANY)) {
    let literal = '';
    for (const cp of tokens) literal += String.fromCodePoint(cp);
    return (text) => text === literal;
  }
  return (text) => matchTokens(text, tokens);
}

export function matchesPattern(text: string, pattern: string): boolean {
  if (typeof text !== 'string') throw invalidArgument(`text must be a string (got ${typeof text})`, { field: 'text' });
  return matchTokens(text, tokenize(pattern));
}

function tokenize(pattern: string): number[] {
  if (typeof pattern !== 'string') {
    throw invalidArgument(`pattern must be a string (got ${typeof pattern}); use "*" to match everything`, { field: 'pattern' });
  }
  const tokens: number[] = [];
  for (let i = 0; i < pattern.length; ) {
    let cp = pattern.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (cp === 0x2a) {
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR); // `**` matches what `*` matches
      continue;
    }
    if (cp === 0x3f) {
      tokens.push(ANY);
      continue;
    }
    if (cp === 0x5c) {
      if (i >= pattern.length) {
        throw invalidArgument('pattern ends with a lone "\\"; write "\\\\" to match a backslash', { field: 'pattern' });
      }
      cp = pattern.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
    }
    tokens.push(cp);
  }
  return tokens;
}

function matchTokens(text: string, tokens: readonly number[]): boolean {
  const n = text.length;
  const m = tokens.length;
  let t = 0;
  let p = 0;
  // Where the last `*` was and how much text it has swallowed so far: on a mismatch, let it
  // swallow one more character and retry from just after it. Earlier stars never need to
  // move again, which is what keeps this polynomial.
  let starP = -1;
  let starT = 0;
  while (t < n) {
    const cp = text.codePointAt(t)!;
    const token = p < m ? tokens[p]! : 0;
    if (p < m && (token === cp || token === ANY)) {
      t += cp > 0xffff ? 2 : 1;
      p++;
    } else if (p < m && token === STAR) {
      starP = p++;
      starT = t;
    } else if (starP !== -1) {
      p = starP + 1;
      starT += text.codePointAt(starT)! > 0xffff ? 2 : 1;
      t = starT;
    } else {
      return false;
    }
  }
  while (p < m && tokens[p] === STAR) p++;
  return p === m;
}
