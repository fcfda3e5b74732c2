import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { bucketHashKeys, bucketIdOf, javaListHashCode, javaSplit, javaStringHashCode } from './bucket-hash.js';

// Java's definitions, spelled out with exact integers: String.hashCode is
// s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, List.hashCode folds 31*h + e.hashCode()
// from 1, both reduced to a signed 32-bit int.
const toInt32 = (n: bigint): number => Number(BigInt.asIntN(32, n));
function referenceStringHash(s: string): number {
  let h = 0n;
  for (let i = 0; i < s.length; i++) h = h * 31n + BigInt(s.charCodeAt(i));
  return toInt32(h);
}
function referenceListHash(items: (string | null)[]): number {
  let h = 1n;
  for (const s of items) h = BigInt.asIntN(32, h * 31n + BigInt(s === null ? 0 : referenceStringHash(s)));
  return toInt32(h);
}
function referenceBucket(items: (string | null)[], n: number): number {
  return (referenceListHash(items) & 0x7fffffff) % n;
}

describe('Java hash codes', () => {
  it('match values worked out by hand', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('ab')).toBe(97 * 31 + 98);
    // 'h'*31^4 + 'e'*31^3 + 'l'*31^2 + 'l'*31 + 'o' = 99162322, within int range.
    expect(javaStringHashCode('hello')).toBe(104 * 31 ** 4 + 101 * 31 ** 3 + 108 * 31 ** 2 + 108 * 31 + 111);
    expect(javaStringHashCode('hello')).toBe(99162322);
    // A string whose hash wraps to Integer.MIN_VALUE.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    // Outside the BMP: two UTF-16 code units, 0xD83D and 0xDE00.
    expect(javaStringHashCode('\u{1F600}')).toBe(0xd83d * 31 + 0xde00);
    expect(javaListHashCode([])).toBe(1);
    expect(javaListHashCode(['a'])).toBe(31 + 97);
    expect(javaListHashCode([null])).toBe(31);
    expect(javaListHashCode(['1', 'x'])).toBe(31 * (31 + 49) + 120);
  });

  it('agree with the exact-integer definitions for any string', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constant(null)), { maxLength: 4 }), (items) => {
        for (const s of items) if (s !== null) expect(javaStringHashCode(s)).toBe(referenceStringHash(s));
        expect(javaListHashCode(items)).toBe(referenceListHash(items));
      }),
      { numRuns: 100 },
    );
  });
});

describe('Java String.split on one character', () => {
  it('drops trailing empty strings and keeps leading ones', () => {
    expect(javaSplit('', ',')).toEqual(['']);
    expect(javaSplit('a', ',')).toEqual(['a']);
    expect(javaSplit('a,,', ',')).toEqual(['a']);
    expect(javaSplit(',a', ',')).toEqual(['', 'a']);
    expect(javaSplit('a:b:c', ':')).toEqual(['a', 'b', 'c']);
    expect(javaSplit(',', ',')).toEqual([]);
  });
});

describe('bucket of a record key (BucketIdentifier.getBucketId)', () => {
  it('hashes a one-field key whole, as a one-element list', () => {
    expect(bucketHashKeys('k1', ['id'])).toEqual(['k1']);
    // List.of("a").hashCode() = 128: bucket 0 of 4, 3 of 5.
    expect(bucketIdOf('a', ['id'], 4)).toBe(0);
    expect(bucketIdOf('a', ['id'], 5)).toBe(3);
    // 31 + Integer.MIN_VALUE, with the sign bit cleared, is 31.
    expect(bucketIdOf('polygenelubricants', ['id'], 4)).toBe(31 % 4);
    expect(bucketIdOf('polygenelubricants', ['id'], 7)).toBe(31 % 7);
  });

  it('takes the hash fields of a complex key in hash-field order', () => {
    expect(bucketHashKeys('id:1,dt:x', ['id'])).toEqual(['1']);
    expect(bucketHashKeys('id:1,dt:x', ['dt', 'id'])).toEqual(['x', '1']);
    // ["1","x"].hashCode() = 31*(31+49)+120 = 2600.
    expect(bucketIdOf('id:1,dt:x', ['id', 'dt'], 1000)).toBe(600);
    expect(bucketIdOf('id:1,dt:x', ['id'], 64)).toBe(80 % 64);
    // A field the key does not carry hashes as null (0), as Java's Map.get gives.
    expect(bucketHashKeys('a:1', ['b'])).toEqual([null]);
    expect(bucketIdOf('a:1', ['b'], 8)).toBe(31 % 8);
    // Java splits on every ':' and takes the second piece.
    expect(bucketHashKeys('id:1:2,dt:x', ['id'])).toEqual(['1']);
  });

  it('refuses keys Hudi cannot hash', () => {
    expect(() => bucketHashKeys('id:1,dt', ['id'])).toThrow(/field:value/);
    expect(() => bucketHashKeys('id:1,id:2', ['id'])).toThrow(/twice/);
  });

  it('agrees with the exact-integer definition for any key and bucket count', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), fc.integer({ min: 1, max: 5000 }), (key, n) => {
        fc.pre(!key.includes(':'));
        const b = bucketIdOf(key, ['id'], n);
        expect(b).toBe(referenceBucket([key], n));
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(n);
      }),
      { numRuns: 500 },
    );
  });
});
