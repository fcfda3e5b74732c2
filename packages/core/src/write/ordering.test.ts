import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeVector, vectorFromArray, TimestampMicrosecond, makeData } from 'apache-arrow';
import { compareOrdering } from '../read/merge.js';
import { dedupeByKey, orderingReader } from './ordering.js';

describe('dedupeByKey', () => {
  it('keeps the greatest ordering value per key, the last one on ties', () => {
    const keys = ['a', 'b', 'a', 'a', 'b'];
    const ts = makeVector(new BigInt64Array([5n, 1n, 7n, 7n, 0n]));
    expect(Array.from(dedupeByKey(keys, orderingReader(ts)))).toEqual([1, 3]);
    expect(Array.from(dedupeByKey(keys))).toEqual([3, 4]);
  });

  it('matches a model over random inputs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('k1', 'k2', 'k3', 'k4'), fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }))), (rows) => {
        const keys = rows.map((r) => r[0]);
        const ord = vectorFromArray(rows.map((r) => r[1]));
        const kept = Array.from(dedupeByKey(keys, orderingReader(ord)));
        const model = new Map<string, number>();
        rows.forEach(([k, v], i) => {
          const prev = model.get(k);
          if (prev === undefined) return model.set(k, i);
          const pv = rows[prev][1];
          if (pv === null || (v !== null && v >= pv)) model.set(k, i);
        });
        expect(kept).toEqual([...model.values()].sort((a, b) => a - b));
      }),
    );
  });

  it('compares timestamps at microsecond precision and nulls lowest', () => {
    const ts = makeVector(makeData({ type: new TimestampMicrosecond(), length: 2, data: new BigInt64Array([1000001n, 1000000n]) }));
    const read = orderingReader(ts);
    expect(compareOrdering(read(0), read(1))).toBe(1);
    expect(compareOrdering(null, 0)).toBe(-1);
    expect(compareOrdering(2n, 3)).toBe(-1);
    // Mixed numbers compare exactly, and a missing value is a null: the same answer on every path.
    expect(compareOrdering(2.5, 2n)).toBe(1);
    expect(compareOrdering(2n ** 60n + 1n, 2 ** 60)).toBe(1);
    expect(compareOrdering(undefined, null)).toBe(0);
  });
});
