import { contextIdArbitrary, keyArbitrary } from '@engram/memory-core/testing';
import { generateMemoryKey } from '@engram/memory-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeKeyPart } from '@engram/memory-utils';
import { entryKeys, escapeId, hashTagOf, isValueKey, ownedKeysPattern } from '../src/redis_keys.js';

describe('key scheme', () => {
  it('value keys are exactly generateMemoryKey, and share their hash tag with the index', () => {
    fc.assert(
      fc.property(keyArbitrary(), contextIdArbitrary(), (key, ctx) => {
        const keys = entryKeys(key, ctx, 'engram');
        expect(keys.value).toBe(generateMemoryKey(key, ctx, 'engram'));
        expect(keys.value).toBe(keys.valuePrefix + keys.member);
        expect(hashTagOf(keys.value)).toBe(hashTagOf(keys.index));
        expect(hashTagOf(keys.persistent)).toBe(hashTagOf(keys.index));
        expect(isValueKey(keys.value, 'engram')).toBe(true);
        expect(isValueKey(keys.index, 'engram')).toBe(false);
        expect(isValueKey(keys.persistent, 'engram')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('escapeId is escapeKeyPart, including for plain ids', () => {
    fc.assert(
      fc.property(fc.oneof(keyArbitrary(), fc.stringMatching(/^[A-Za-z0-9_.-]{0,12}$/)), (id) => {
        expect(escapeId(id)).toBe(escapeKeyPart(id));
      }),
      { numRuns: 500 },
    );
  });

  it('two different contexts never share a hash tag', () => {
    fc.assert(
      fc.property(contextIdArbitrary(), contextIdArbitrary(), (a, b) => {
        fc.pre(a !== b);
        expect(hashTagOf(entryKeys('k', a, 'p').index)).not.toBe(hashTagOf(entryKeys('k', b, 'p').index));
      }),
      { numRuns: 300 },
    );
  });

  it('the ownership pattern escapes glob characters in the prefix', () => {
    expect(ownedKeysPattern('app*[1]')).toBe('app\\*\\[1\\]:[mip]:{*');
  });
});
