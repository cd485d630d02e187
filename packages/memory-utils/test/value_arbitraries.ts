import fc from 'fast-check';

/** Leaves the codec must keep exactly, including the awkward ones. */
export const leafArbitrary = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.string({ unit: 'binary' }), // lone surrogates included
    fc.string({ unit: 'grapheme' }),
    fc.integer(),
    fc.double(), // -0, NaN, ±Infinity included
    fc.maxSafeInteger(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt(),
    fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
    fc.date({ noInvalidDate: true }),
    fc.uint8Array({ maxLength: 40 }),
    fc.float32Array({ maxLength: 8 }),
    fc.constantFrom('__proto__', 'constructor', '$date', '$$x', 'toString'),
  );

const keyArbitrary = () =>
  fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', '$map', '$$set', '$', 'a'));

/** Nested values without functions: plain and null-prototype objects, arrays, Maps with any keys, Sets. */
export const richValueArbitrary = (): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leafArbitrary(),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(keyArbitrary(), tie('value'), { maxKeys: 5 }),
      fc.dictionary(keyArbitrary(), tie('value'), { maxKeys: 3, noNullPrototype: false }),
      fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
      fc.array(tie('value'), { maxLength: 4 }).map((items) => new Set(items)),
    ),
  })).value.filter((value) => value !== undefined); // undefined alone means "missing" and is refused
