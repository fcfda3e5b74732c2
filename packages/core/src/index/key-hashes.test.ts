// The batched key hash must be Java's String.hashCode for every key, as the per-key function is:
// the bucket index routes by it, so a difference would put a record in another engine's bucket.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { bucketIdOf, bucketIdOfHashed, javaStringHashCode } from './bucket-hash.js';
import { javaStringHashCodes } from './key-hashes.js';

// Any UTF-16 string: lone surrogates, surrogate pairs, empty strings.
const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), fc.constant(''));

describe('javaStringHashCodes', () => {
  it('equals the per-key Java hashCode for every string', () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 40 }), (keys) => {
        expect(Array.from(javaStringHashCodes(keys))).toEqual(keys.map(javaStringHashCode));
      }),
    );
  });

  it('hashes UTF-16 code units: a surrogate pair as its two halves, the empty string as 0', () => {
    // 0xD83D * 31 + 0xDE00: Java sees the two code units of U+1F600.
    expect(Array.from(javaStringHashCodes(['😀', '', 'Aa', 'BB']))).toEqual([0xd83d * 31 + 0xde00, 0, 2112, 2112]);
  });
});

describe('bucketIdOfHashed', () => {
  it('puts every key in the bucket bucketIdOf gives, simple and complex keys alike', () => {
    const complexKey = fc
      .array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.string({ unit: 'binary' }).filter((v) => !/[,:]/.test(v) && v !== '')), { minLength: 1, maxLength: 3 })
      .filter((pairs) => new Set(pairs.map((p) => p[0])).size === pairs.length)
      .map((pairs) => pairs.map(([f, v]) => `${f}:${v}`).join(','));
    fc.assert(
      fc.property(fc.oneof(anyString.filter((s) => !s.includes(':')), complexKey), fc.integer({ min: 1, max: 1000 }), (key, buckets) => {
        const hash = javaStringHashCodes([key])[0];
        expect(bucketIdOfHashed(key, hash, ['a', 'c'], buckets)).toBe(bucketIdOf(key, ['a', 'c'], buckets));
      }),
    );
  });
});
