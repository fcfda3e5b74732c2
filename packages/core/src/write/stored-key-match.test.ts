// The byte matcher must pick exactly the rows a string lookup would: each planned key once, at
// its first stored row, with the last incoming row planned for it, across batches.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Utf8, vectorFromArray, type Data } from 'apache-arrow';

import { StoredKeyMatcher } from './stored-key-match.js';

/** The per-row version: stored keys as strings, looked up in a Map that forgets a matched key. */
function modelMatch(keys: readonly string[], planned: readonly number[], batches: readonly (string | null)[][]): { matches: number[][]; unmatched: number[] } {
  const byKey = new Map<string, number>();
  for (const i of planned) byKey.set(keys[i], i);
  const matches = batches.map((batch) =>
    batch.map((key) => {
      if (key === null) return -1;
      const u = byKey.get(key);
      if (u === undefined) return -1;
      byKey.delete(key);
      return u;
    }),
  );
  return { matches, unmatched: [...byKey.values()] };
}

/** A Utf8 column of `values`; with `cut`, a slice of a longer one (offsets not starting at 0). */
function column(values: readonly (string | null)[], cut: number): Data<Utf8> {
  const all = [...Array.from({ length: cut }, (_, i) => `cut${i}`), ...values];
  const data = vectorFromArray(all, new Utf8()).data[0];
  return cut === 0 ? data : data.slice(cut, values.length);
}

// few distinct keys so that stored and planned keys collide often; multi-byte ones included
const key = fc.oneof(fc.constantFrom('a', 'b', 'k1', 'k10', 'ключ', '🙂', ''), fc.string({ maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 3 }));

describe('StoredKeyMatcher', () => {
  it('matches what a per-row string lookup matches', () => {
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.record({ keys: fc.array(fc.option(key, { nil: null, freq: 6 }), { maxLength: 30 }), cut: fc.nat({ max: 3 }) }), { maxLength: 4 }),
        (keys, picks, batches) => {
          const planned = keys.length === 0 ? [] : picks.map((p) => p % keys.length);
          const expected = modelMatch(keys, planned, batches.map((b) => b.keys));
          const matcher = new StoredKeyMatcher(keys, planned);
          const got = batches.map((b) => [...matcher.match(column(b.keys, b.cut))]);
          expect(got).toEqual(expected.matches);
          expect(matcher.unmatched()).toEqual(expected.unmatched);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tells apart many keys whose hashes share table slots', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `user-${i}`);
    const planned = keys.map((_, i) => i).filter((i) => i % 3 === 0);
    const matcher = new StoredKeyMatcher(keys, planned);
    const stored = Array.from({ length: 6000 }, (_, i) => `user-${i}`);
    const got = matcher.match(column(stored, 0));
    expect([...got]).toEqual(stored.map((_, i) => (i < 5000 && i % 3 === 0 ? i : -1)));
    expect(matcher.unmatched()).toEqual([]);
  });
});
