import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { fingerprintsOf, ValueMatcher, valueHash } from './erasure-match.js';

function matcher(values: string[], salt = '0123456789abcdef0123456789abcdef'): ValueMatcher {
  return new ValueMatcher(salt, new Set(values.map((v) => valueHash(salt, v))), fingerprintsOf(salt, values));
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('ValueMatcher', () => {
  it('finds a value standing as a token, not inside a longer word', () => {
    const m = matcher(['KEYUSER-007', 'u1', 'josé']);
    expect(m.inKey('KEYUSER-007#7')).toBe(true);
    expect(m.inKey('id:KEYUSER-007,ts:4')).toBe(true);
    expect(m.inKey('KEYUSER-0071')).toBe(false);
    expect(m.inText('u10 and u11')).toBe(false);
    expect(m.inText('"user":"u1"}')).toBe(true);
    expect(m.inText('for josé, again')).toBe(true);
    expect(m.inText('josée')).toBe(false);
    expect(m.countInBytes(bytes('u1 u1,u1'))).toBe(3);
    expect(m.countInBytes(bytes('xx u1 yy'), 3, 5)).toBe(1);
  });

  it("confirms each distinct value with one sha256, however many rows repeat it", () => {
    // every confirmation looks its salted hash up in the set of erased values' hashes: count them
    class CountingSet extends Set<string> {
      lookups = 0;
      override has(v: string): boolean {
        this.lookups++;
        return super.has(v);
      }
    }
    const salt = '0123456789abcdef0123456789abcdef';
    const values = ['u000000001', 'u000000002'];
    const hashes = new CountingSet(values.map((v) => valueHash(salt, v)));
    const m = new ValueMatcher(salt, hashes, fingerprintsOf(salt, values));
    for (let i = 0; i < 100; i++) expect(m.equals('u000000001')).toBe(true);
    for (let i = 0; i < 50; i++) expect(m.equals('u000000002')).toBe(true);
    expect(m.equals('u000000003')).toBe(false);
    expect(hashes.lookups).toBeLessThanOrEqual(3);
  });

  it('compares plain numbers whole only: their digits are in every instant time', () => {
    const m = matcher(['42']);
    expect(m.equals(42)).toBe(true);
    expect(m.equals('42')).toBe(true);
    expect(m.inKey('42')).toBe(true);
    expect(m.inText('"numWrites": 42,')).toBe(false);
    expect(fingerprintsOf('00000000', ['42', '7']).byLength).toEqual({});
  });

  it('agrees with a plain token search on any text (model)', () => {
    const word = (c: string) => /[A-Za-z0-9]/.test(c) || c.charCodeAt(0) >= 0x80;
    const model = (text: string, v: string): boolean => {
      for (let i = text.indexOf(v); i >= 0; i = text.indexOf(v, i + 1)) {
        const before = text[i - 1];
        const after = text[i + v.length];
        const startOk = !word(v[0]) || before === undefined || !word(before);
        const endOk = !word(v[v.length - 1]) || after === undefined || !word(after);
        if (startOk && endOk) return true;
      }
      return false;
    };
    const alphabet = fc.constantFrom('a', 'b', '1', '-', '#', ' ', 'é');
    const text = fc.array(alphabet, { maxLength: 40 }).map((a) => a.join(''));
    const value = fc.array(alphabet, { minLength: 2, maxLength: 4 }).map((a) => a.join('')).filter((v) => !/^[+-]?\d+(\.\d+)?$/.test(v));
    fc.assert(
      fc.property(text, value, fc.integer({ min: 0, max: 0xffffffff }).map((n) => n.toString(16).padStart(8, '0')), (t, v, salt) => {
        expect(matcher([v], salt).inText(t)).toBe(model(t, v));
      }),
      { numRuns: 500 },
    );
  });

  it('never rules out bytes a key cut from them matches: keys joined as a text column stores them (model)', () => {
    const alphabet = fc.constantFrom('a', 'b', '1', '2', '-', '#', ' ', 'é', '𝄞');
    const piece = fc.array(alphabet, { maxLength: 12 }).map((a) => a.join(''));
    const value = fc.oneof(fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((a) => a.join('')), fc.integer({ min: 0, max: 999 }).map(String));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.array(value, { minLength: 1, maxLength: 3 }), fc.nat(7), fc.boolean(), (keys, values, at, plant) => {
        const m = matcher(values);
        const all = [...keys];
        // some keys hold a value whole or inside them
        if (plant) all.splice(at % (all.length + 1), 0, at % 2 === 0 ? values[0]! : `x-${values[0]!}#1`);
        const joined = bytes(all.join(''));
        if (all.some((k) => m.inKey(k))) expect(m.mayOccurIn(joined)).toBe(true);
        // and in a window of the bytes, as one chunk of a column is
        const left = bytes(all.slice(0, 1).join('')).length;
        if (all.slice(1).some((k) => m.inKey(k))) expect(m.mayOccurIn(joined, left, joined.length)).toBe(true);
      }),
      { numRuns: 500 },
    );
    // bytes that hold no value's bytes at all are ruled out
    expect(matcher(['u000000001', '42']).mayOccurIn(bytes('u000000002u000000003x4'))).toBe(false);
  });

  it('compares whole values exactly, with fingerprints or without (records made before them)', () => {
    const str = fc.string({ maxLength: 6, unit: fc.constantFrom('a', '1', '-', 'é', '7') });
    fc.assert(
      fc.property(fc.array(str, { minLength: 1, maxLength: 4 }), str, (values, candidate) => {
        const salt = 'feedfacefeedface';
        const hashes = new Set(values.map((v) => valueHash(salt, v)));
        expect(new ValueMatcher(salt, hashes, fingerprintsOf(salt, values)).equals(candidate)).toBe(values.includes(candidate));
        expect(new ValueMatcher(salt, hashes, undefined).equals(candidate)).toBe(values.includes(candidate));
      }),
      { numRuns: 300 },
    );
  });
});
