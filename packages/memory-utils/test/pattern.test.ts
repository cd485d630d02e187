import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { compilePattern, matchesPattern } from '../src/index.js';

/** The obviously-right matcher to compare against: a regex with every literal escaped. */
function reference(text: string, pattern: string): boolean {
  let source = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '.';
    else source += escapeRegex(ch === '\\' ? chars[++i]! : ch);
  }
  return new RegExp(`^${source}$`, 'su').test(text);
}

const escapeRegex = (ch: string) => ch.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`);

const alphabet = ['a', 'b', '.', '+', '(', '[', ']', '^', '$', '|', '{', ':', 'é', '🙂', '\n', '\uD800'];
const textArbitrary = fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }).map((parts) => parts.join(''));
const patternArbitrary = fc
  .array(fc.constantFrom(...alphabet, '*', '?', '\\*', '\\?', '\\\\', '\\a', '**'), { maxLength: 8 })
  .map((parts) => parts.join(''));

describe('matchesPattern', () => {
  const cases: Array<[string, string, boolean]> = [
    ['', '', true],
    ['', '*', true],
    ['', '?', false],
    ['abc', 'abc', true],
    ['abc', 'ab', false],
    ['abc', 'a*', true],
    ['abc', '*c', true],
    ['abc', 'a*b*c', true],
    ['abc', 'a?c', true],
    ['ac', 'a?c', false],
    ['a.c', 'a.c', true],
    ['abc', 'a.c', false],
    ['a+b', 'a+b', true],
    ['aab', 'a+b', false],
    ['(x)', '(x)', true],
    ['[a]', '[a]', true],
    ['a', '[a]', false],
    ['a*b', 'a\\*b', true],
    ['axb', 'a\\*b', false],
    ['a?b', 'a\\?b', true],
    ['axb', 'a\\?b', false],
    ['a\\b', 'a\\\\b', true],
    ['ab', '\\a\\b', true],
    ['🙂', '?', true],
    ['🙂🙂', '?', false],
    ['x🙂y', 'x?y', true],
    ['日本語', '日?語', true],
    ['user:42:profile', 'user:*:profile', true],
    ['user:42:settings', 'user:*:profile', false],
    ['mississippi', 'm*iss*ppi', true],
    ['mississippi', 'm*iss*ppix', false],
    ['aaa', 'a**a', true],
  ];
  for (const [text, pattern, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(text)}`, () => {
      expect(matchesPattern(text, pattern)).toBe(expected);
      expect(compilePattern(pattern)(text)).toBe(expected);
      expect(reference(text, pattern)).toBe(expected);
    });
  }

  it('agrees with an escaped-regex reference on random inputs', () => {
    fc.assert(
      fc.property(textArbitrary, patternArbitrary, (text, pattern) => {
        expect(matchesPattern(text, pattern)).toBe(reference(text, pattern));
        expect(compilePattern(pattern)(text)).toBe(reference(text, pattern));
      }),
      { numRuns: 5000 },
    );
  });

  it('matches a text made from the pattern itself (wildcards filled in at random)', () => {
    fc.assert(
      fc.property(patternArbitrary, fc.array(fc.constantFrom('', 'x', 'é', '🙂', '*'), { minLength: 20, maxLength: 20 }), (pattern, fills) => {
        let text = '';
        let f = 0;
        const chars = Array.from(pattern);
        for (let i = 0; i < chars.length; i++) {
          const ch = chars[i]!;
          if (ch === '*') text += fills[f++ % fills.length];
          else if (ch === '?') text += fills[f++ % fills.length] || 'q';
          else text += ch === '\\' ? chars[++i]! : ch;
        }
        expect(matchesPattern(text, pattern)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays polynomial on patterns that make backtracking regexes explode', () => {
    const text = 'a'.repeat(5000);
    // A backtracking matcher needs ~5000^5 steps here and would hit the test timeout.
    expect(matchesPattern(text, 'a*a*a*a*a*b')).toBe(false);
    expect(matchesPattern(text, 'a*a*a*a*a*a')).toBe(true);
    expect(matchesPattern(`${text}b`, '*a*a*a*a*a*b')).toBe(true);
    expect(matchesPattern('x'.repeat(100_000), `${'*x'.repeat(50)}y`)).toBe(false);
  });

  it('refuses a trailing lone backslash and non-string input with INVALID_ARGUMENT', () => {
    for (const run of [() => matchesPattern('a', 'a\\'), () => compilePattern('\\'), () => matchesPattern('a', 1 as unknown as string)]) {
      try {
        run();
        expect.unreachable('should have thrown');
      } catch (error) {
        expect(error).toBeInstanceOf(MemoryError);
        expect((error as MemoryError).code).toBe(ErrorCode.INVALID_ARGUMENT);
      }
    }
  });
});
