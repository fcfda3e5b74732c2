import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { CorruptMetadataTableError } from '../errors.js';
import { recordIndexFileGroup } from './record-index.js';
import { recordIndexRecordOf, uuidOfBits } from './record-index-record.js';

/** Java's definition, with exact integers: sum of s[i] * 31^(n-1-i), taken mod 2^32 as a signed int. */
function javaHashExact(s: string): bigint {
  let t = 0n;
  for (let i = 0; i < s.length; i++) t = t * 31n + BigInt(s.charCodeAt(i));
  return BigInt.asIntN(32, t);
}

describe('record key -> record_index file group (HoodieTableMetadataUtil.mapRecordKeyToFileGroupIndex)', () => {
  it('matches hand-computed Java values', () => {
    // "ab": 97*31 + 98 = 3105; abs(3105 % 10) = 5
    expect(recordIndexFileGroup('ab', 10)).toBe(5);
    // "Aa" and "BB" share the hash 2112 (65*31+97 = 66*31+66): the same group
    expect(recordIndexFileGroup('Aa', 7)).toBe(2112 % 7);
    expect(recordIndexFileGroup('BB', 7)).toBe(2112 % 7);
    // "TXN-001": 84*31^6 + 88*31^5 + 78*31^4 + 45*31^3 + 48*31^2 + 48*31 + 49 = 77143097390,
    // mod 2^32 = 4128653358, as an int -166313938; abs -> 166313938, % 10 = 8
    expect(recordIndexFileGroup('TXN-001', 10)).toBe(8);
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE: Math.abs keeps it negative,
    // MIN_VALUE % 10 = -8, and the outer Math.abs gives 8
    expect(javaHashExact('polygenelubricants')).toBe(-(2n ** 31n));
    expect(recordIndexFileGroup('polygenelubricants', 10)).toBe(8);
    expect(recordIndexFileGroup('polygenelubricants', 3)).toBe(Number(2n ** 31n % 3n));
    // one file group: everything in it
    expect(recordIndexFileGroup('anything', 1)).toBe(0);
  });

  it('agrees with the exact Java definition for any key, including non-ASCII and surrogate pairs', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 1000 }), (key, n) => {
        const h = javaHashExact(key);
        // Java: Math.abs(Math.abs(h) % n), where Math.abs(MIN_VALUE) = MIN_VALUE
        const abs1 = h === -(2n ** 31n) ? h : h < 0n ? -h : h;
        const rem = abs1 % BigInt(n);
        const expected = Number(rem < 0n ? -rem : rem);
        expect(recordIndexFileGroup(key, n)).toBe(expected);
      }),
    );
  });
});

describe('record_index records', () => {
  it('builds a UUID file id as java.util.UUID.toString() does, with the file index', () => {
    // high 0x4e4989cec02d40ba, low 0xa21cdcf49f74b33d (negative as a signed long)
    const high = 0x4e4989cec02d40ban;
    const low = BigInt.asIntN(64, 0xa21cdcf49f74b33dn);
    expect(uuidOfBits(high, low)).toBe('4e4989ce-c02d-40ba-a21c-dcf49f74b33d');
    const rec = { type: 5, recordIndexMetadata: { partitionName: 'apac', fileIdHighBits: high, fileIdLowBits: low, fileIndex: 0, fileId: null, instantTime: 1n, fileIdEncoding: 0 } };
    expect(recordIndexRecordOf('k', rec, undefined)).toEqual({ key: 'k', partition: 'apac', fileId: '4e4989ce-c02d-40ba-a21c-dcf49f74b33d-0' });
    // -1: a file id without a file index
    const noIndex = { ...rec, recordIndexMetadata: { ...rec.recordIndexMetadata, fileIndex: -1 } };
    expect(recordIndexRecordOf('k', noIndex, undefined).fileId).toBe('4e4989ce-c02d-40ba-a21c-dcf49f74b33d');
    expect(uuidOfBits(0n, -1n)).toBe('00000000-0000-0000-ffff-ffffffffffff');
  });

  it('takes the raw file id under encoding 1', () => {
    const rec = { type: 5, recordIndexMetadata: { partitionName: '', fileIdHighBits: -1n, fileIdLowBits: -1n, fileIndex: -1, fileId: 'my-file-7', instantTime: 1n, fileIdEncoding: 1 } };
    expect(recordIndexRecordOf('k', rec, undefined)).toEqual({ key: 'k', partition: '', fileId: 'my-file-7' });
  });

  it('a record of another type, without a location, or with an unknown encoding is corrupt', () => {
    const ok = { partitionName: 'p', fileIdHighBits: 1n, fileIdLowBits: 2n, fileIndex: 0, fileId: null, instantTime: 1n, fileIdEncoding: 0 };
    expect(() => recordIndexRecordOf('k', { type: 3, recordIndexMetadata: ok }, 'f')).toThrow(CorruptMetadataTableError);
    expect(() => recordIndexRecordOf('k', { type: 5, recordIndexMetadata: null }, 'f')).toThrow(CorruptMetadataTableError);
    expect(() => recordIndexRecordOf('k', { type: 5, recordIndexMetadata: { ...ok, partitionName: null } }, 'f')).toThrow(/names no data partition/);
    expect(() => recordIndexRecordOf('k', { type: 5, recordIndexMetadata: { ...ok, fileIdEncoding: 2 } }, 'f')).toThrow(/encoding 2/);
    expect(() => recordIndexRecordOf('k', { type: 5, recordIndexMetadata: { ...ok, fileIdEncoding: 1 } }, 'f')).toThrow(/no file id/);
    expect(() => recordIndexRecordOf('k', { type: 5, recordIndexMetadata: { ...ok, fileIdHighBits: null } }, 'f')).toThrow(/UUID bits/);
  });
});
