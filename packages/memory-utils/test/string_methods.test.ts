import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charCodeAt, isWellFormed } from '../src/string_methods.js';

// Any UTF-16 unit sequence, lone surrogates included.
const units = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });

describe('string_methods', () => {
  it('charCodeAt(s, i) is s.charCodeAt(i), out-of-range indexes included (property)', () => {
    fc.assert(
      fc.property(units, fc.integer({ min: -2, max: 40 }), (s, i) => {
        expect(charCodeAt(s, i)).toBe(s.charCodeAt(i));
      }),
    );
  });

  it('isWellFormed(s) is s.isWellFormed(), lone surrogates included (property)', () => {
    fc.assert(
      fc.property(units, (s) => {
        expect(isWellFormed(s)).toBe(s.isWellFormed());
      }),
    );
    expect(isWellFormed('a\ud800b')).toBe(false);
    expect(isWellFormed('a\ud83d\ude00b')).toBe(true);
  });

  it('keeps working once a String subclass exists in the process (as ioredis 6 declares one)', () => {
    class Verbatim extends String {}
    expect(new Verbatim('x').length).toBe(1);
    expect(charCodeAt('é\udc00', 0)).toBe(0xe9);
    expect(charCodeAt('é\udc00', 1)).toBe(0xdc00);
    expect(isWellFormed('\udc00')).toBe(false);
  });
});
