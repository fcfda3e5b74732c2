import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bool, Float64, Int64, makeVector, TimestampMicrosecond, Utf8, vectorFromArray, type Data, type DataType } from 'apache-arrow';

import { replaceInPlace } from './replace-in-place.js';

function column(type: DataType, values: unknown[]): Data {
  return vectorFromArray(values as never[], type as never).data[0] as unknown as Data;
}

/** The column's values, comparable with toEqual (bigints as text). */
function valuesOf(data: Data): unknown[] {
  return Array.from({ length: data.length }, (_, i) => {
    const v = (makeVector(data as never) as { get(i: number): unknown }).get(i);
    return typeof v === 'bigint' ? `${v}n` : v;
  });
}

const utf8Bytes = (s: unknown): number => new TextEncoder().encode(String(s)).length;

const kinds: { type: DataType; value: fc.Arbitrary<unknown> }[] = [
  { type: new Utf8(), value: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('k-0001', 'k-0002', 'k-0003', 'ü-001') }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }) },
  { type: new Float64(), value: fc.double({ noNaN: true }) },
  { type: new Int64(), value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { type: new TimestampMicrosecond(), value: fc.integer({ min: 0, max: 2 ** 40 }) },
  { type: new Bool(), value: fc.boolean() },
];

const caseArb = fc
  .constantFrom(...kinds)
  .chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      base: fc.array(fc.option(kind.value, { nil: null, freq: 30 }), { minLength: 1, maxLength: 12 }),
      log: fc.array(fc.option(kind.value, { nil: null, freq: 30 }), { minLength: 1, maxLength: 12 }),
    }),
  )
  .chain((g) => fc.tuple(fc.constant(g), fc.uniqueArray(fc.nat(g.base.length - 1), { maxLength: g.base.length }), fc.array(fc.nat(g.log.length - 1), { maxLength: g.base.length })));

describe('replaceInPlace', () => {
  it('writes log rows over base rows exactly when every column can take them, and touches nothing otherwise', () => {
    fc.assert(
      fc.property(caseArb, ([g, rowsIn, fromIn]) => {
        const n = Math.min(rowsIn.length, fromIn.length);
        const rows = Int32Array.from(rowsIn.slice(0, n));
        const from = Int32Array.from(fromIn.slice(0, n));
        const base = column(g.kind.type, g.base);
        const untouched = valuesOf(column(g.kind.type, g.base));
        const replaced = [...g.base];
        for (let k = 0; k < n; k++) replaced[rows[k]] = g.log[from[k]];
        const done = replaceInPlace([base], [column(g.kind.type, g.log)], rows, from);
        expect(valuesOf(base)).toEqual(done ? valuesOf(column(g.kind.type, replaced)) : untouched);
        const noNulls = g.base.every((v) => v !== null) && g.log.every((v) => v !== null);
        const sameLengths = !(g.kind.type instanceof Utf8) || Array.from(rows).every((r, k) => utf8Bytes(g.base[r]) === utf8Bytes(g.log[from[k]]));
        // written in place: no nulls, and fixed-width values or strings of unchanged byte length
        expect(done).toBe(noNulls && sameLengths && !(g.kind.type instanceof Bool));
      }),
      { numRuns: 500 },
    );
  });
});
