import fc from 'fast-check';

/** Ids that break stores treating keys as patterns, paths or hash tags. */
export const trickyIds = [
  'a', 'a:b', 'ab', 'a*', '*', '?', '[a]', '{a}', '}', '{', 'a b', ' ', '\\', '%', '%2A', '..', '/',
  'ünïcødé', '日本語', '🙂', '__proto__', 'constructor', 'a\nb', 'a\u0000b', "'; DROP TABLE x; --",
] as const;

/** Non-empty, well-formed strings mixing tricky characters and any unicode. */
export const keyArbitrary = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...trickyIds),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
    fc
      .array(fc.constantFrom('a', 'b', ':', '*', '?', '[', ']', '{', '}', ' ', '\\', '%', 'é', '🙂'), {
        minLength: 1,
        maxLength: 8,
      })
      .map((parts) => parts.join('')),
  );

export const contextIdArbitrary = keyArbitrary;

/** Values every codec must round-trip exactly. */
export const storableValueArbitrary = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.jsonValue(),
    fc.date({ noInvalidDate: true }),
    fc.bigInt(),
    fc.uint8Array({ maxLength: 64 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string(), fc.boolean())),
  );
