import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Binary, Bool, Field, Float64, Int32, Int64, List, TimestampMicrosecond, Utf8, makeVector, vectorFromArray, type DataType } from 'apache-arrow';

import { interleaveData } from './interleave.js';
import { concatData, takeData } from './take.js';

const cases: { name: string; type: DataType; arb: fc.Arbitrary<unknown> }[] = [
  { name: 'int32', type: new Int32(), arb: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
  { name: 'int64', type: new Int64(), arb: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { name: 'float64', type: new Float64(), arb: fc.double({ noNaN: true }) },
  { name: 'timestamp', type: new TimestampMicrosecond('UTC'), arb: fc.integer({ min: 0, max: 2 ** 40 }) },
  { name: 'bool', type: new Bool(), arb: fc.boolean() },
  { name: 'utf8', type: new Utf8(), arb: fc.string({ maxLength: 80 }) },
  { name: 'binary', type: new Binary(), arb: fc.uint8Array({ maxLength: 8 }) },
  { name: 'list (no fast path)', type: new List(new Field('item', new Int32(), true)), arb: fc.array(fc.integer(), { maxLength: 3 }) },
];

describe('interleaveData', () => {
  for (const c of cases) {
    it(`picks the rows take over the concatenation would: ${c.name}`, () => {
      const values = fc.array(fc.option(c.arb, { nil: null, freq: 4 }), { minLength: 1, maxLength: 40 });
      fc.assert(
        fc.property(values, values, fc.array(fc.nat(), { maxLength: 60 }), fc.nat(), fc.nat(), (xs, ys, picks, cutA, cutB) => {
          // Sliced chunks too: data that does not start at offset 0 of its buffers.
          const sliced = (vs: unknown[], cut: number) => vectorFromArray(vs as never[], c.type).data[0].slice(cut % vs.length, vs.length - (cut % vs.length));
          const a = sliced(xs, cutA);
          const b = sliced(ys, cutB);
          const total = a.length + b.length;
          const indices = Int32Array.from(picks, (p) => p % total);
          const got = makeVector(interleaveData(a, b, indices));
          const want = makeVector(takeData(concatData([a, b]), indices));
          expect(got.length).toBe(indices.length);
          expect(got.nullCount).toBe(want.nullCount);
          expect(JSON.stringify(got.toArray(), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(
            JSON.stringify(want.toArray(), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
          );
        }),
        { numRuns: 150 },
      );
    });
  }
});
