import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bool, Decimal, Float16, Float64, Int32, Int64, makeData, makeVector, TimestampMicrosecond, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
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

describe('orderingReader', () => {
  // The reference: arrow-js' own accessor, normalised as the ordering rule takes values.
  function viaGet(vector: Vector, row: number): unknown {
    const value = vector.get(row) as unknown;
    if (value === null || value === undefined) return null;
    if (value instanceof Uint32Array) {
      let v = 0n;
      for (let i = value.length - 1; i >= 0; i--) v = (v << 32n) | BigInt(value[i]);
      return BigInt.asIntN(value.length * 32, v);
    }
    return typeof value === 'object' ? String(value) : value;
  }

  const columns: fc.Arbitrary<Vector>[] = [
    fc.array(fc.option(fc.integer(), { nil: null })).map((xs) => vectorFromArray(xs, new Int32())),
    fc.array(fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null })).map((xs) => vectorFromArray(xs, new Int64())),
    fc.array(fc.option(fc.double({ noNaN: true }), { nil: null })).map((xs) => vectorFromArray(xs, new Float64())),
    fc.array(fc.option(fc.float({ noNaN: true }), { nil: null })).map((xs) => vectorFromArray(xs, new Float16())),
    fc.array(fc.option(fc.string(), { nil: null })).map((xs) => vectorFromArray(xs, new Utf8())),
    fc.array(fc.option(fc.boolean(), { nil: null })).map((xs) => vectorFromArray(xs, new Bool())),
    fc.array(fc.option(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), { nil: null })).map((xs) => {
      const words = new Uint32Array(xs.length * 4);
      xs.forEach((x, i) => {
        const u = BigInt.asUintN(128, x ?? 0n);
        for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
      });
      const nullBitmap = new Uint8Array(Math.ceil(xs.length / 8));
      xs.forEach((x, i) => x !== null && (nullBitmap[i >> 3] |= 1 << (i & 7)));
      return makeVector(makeData({ type: new Decimal(2, 38, 128), length: xs.length, data: words, nullBitmap }));
    }),
  ];

  it('reads every scalar column as the arrow-js accessor does, across chunks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: columns.length - 1 }).chain((k) => fc.tuple(columns[k], columns[k])), ([a, b]) => {
        const vector = a.concat(b);
        const read = orderingReader(vector);
        for (let row = 0; row < vector.length; row++) expect(read(row)).toEqual(viaGet(vector, row));
      }),
    );
  });
});
