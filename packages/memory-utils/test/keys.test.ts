import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, MemoryError } from '@engram/memory-core';
import { compositeKey, escapeGlob, escapeKeyPart, generateMemoryKey, unescapeKeyPart, validatePrefix } from '../src/index.js';

/** The definition: every character of the SPECIAL class percent-encoded as UTF-8, by regex. */
const escapedByRegex = (s: string) =>
  s.replace(/[%:{}*?[\]\\\s]/gu, (ch) => [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));

describe('keys', () => {
  it('escapes every character Redis would interpret, reversibly', () => {
    expect(escapeKeyPart('a:b*c?[d]{e}%f\\ g')).toBe('a%3Ab%2Ac%3F%5Bd%5D%7Be%7D%25f%5C%20g');
    expect(escapeKeyPart('turn:42')).toBe('turn%3A42');
    expect(escapeKeyPart('plain')).toBe('plain');
    expect(escapeKeyPart('é:\u00a0x\u3000')).toBe('é%3A%C2%A0x%E3%80%80');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (s) => {
        const escaped = escapeKeyPart(s);
        expect(escaped).not.toMatch(/[:{}*?[\]\\]/);
        expect(unescapeKeyPart(escaped)).toBe(s);
      }),
    );
  });

  it('puts the whole context, and only it, in the hash tag', () => {
    expect(generateMemoryKey('k', 'a}b{c')).toBe('engram:m:{a%7Db%7Bc}:k');
    const tag = (k: string) => /\{([^}]*)\}/.exec(k)![1];
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (key, ctx) => {
        expect(tag(generateMemoryKey(key, ctx))).toBe(escapeKeyPart(ctx));
      }),
    );
  });

  it('distinct (key, context) pairs never share a key', () => {
    expect(generateMemoryKey('b:c', 'a')).not.toBe(generateMemoryKey('c', 'a:b'));
    expect(compositeKey('bc', 'a')).not.toBe(compositeKey('c', 'ab'));
  });

  it('refuses prefixes that would move the hash slot', () => {
    expect(() => validatePrefix('a{b')).toThrow(MemoryError);
    expect(() => validatePrefix('')).toThrowError(expect.objectContaining({ code: ErrorCode.INVALID_ARGUMENT }));
    expect(escapeGlob('pre*fix?[x]\\')).toBe('pre\\*fix\\?\\[x\\]\\\\');
  });
});

describe('escapeKeyPart, table path and regex path', () => {
  it('escapes exactly what the regex definition escapes, for ASCII-heavy and any Unicode ids (property)', () => {
    const asciiHeavy = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ':', '%', '{', '}', '*', '?', '[', ']', '\\', ' ', '\t', '\n', '-', '_', '/') });
    fc.assert(
      fc.property(fc.oneof(asciiHeavy, fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (s) => {
        expect(escapeKeyPart(s)).toBe(escapedByRegex(s));
      }),
      { numRuns: 2000 },
    );
  });
});
