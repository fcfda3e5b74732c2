// Moving kept rows down in place must give what copying them out gives, for every layout: the
// in-place columns (fixed width, strings, binary) and the copied ones (nulls, booleans, slices).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Binary, Bool, Field, Float64, Int32, Int64, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray, type Data } from 'apache-arrow';

import { keepRowsInPlace } from './keep-in-place.js';
import { takeRows } from './take.js';

const schema = new Schema([
  new Field('i', new Int32(), true),
  new Field('l', new Int64(), true),
  new Field('f', new Float64(), true),
  new Field('s', new Utf8(), true),
  new Field('b', new Binary(), true),
  new Field('t', new Bool(), true),
]);

interface Row {
  i: number | null;
  l: bigint;
  f: number;
  s: string | null;
  b: Uint8Array;
  t: boolean;
}

function batchOf(rows: Row[], cut: number): RecordBatch {
  const all: Row[] = [...Array.from({ length: cut }, (_, k) => ({ i: k, l: BigInt(k), f: k, s: 'cut', b: new Uint8Array([k]), t: true })), ...rows];
  const children = [
    vectorFromArray(all.map((r) => r.i), new Int32()).data[0],
    vectorFromArray(all.map((r) => r.l), new Int64()).data[0],
    vectorFromArray(all.map((r) => r.f), new Float64()).data[0],
    vectorFromArray(all.map((r) => r.s), new Utf8()).data[0],
    vectorFromArray(all.map((r) => r.b), new Binary()).data[0],
    vectorFromArray(all.map((r) => r.t), new Bool()).data[0],
  ] as Data[];
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: all.length, nullCount: 0, children }));
  return cut === 0 ? batch : batch.slice(cut);
}

const rowsOf = (batch: RecordBatch) => batch.toArray().map((r) => ({ ...r }));

const row = (nulls: boolean) =>
  fc.record({
    i: nulls ? fc.option(fc.integer(), { nil: null }) : fc.integer(),
    l: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    f: fc.double({ noNaN: true }),
    s: nulls ? fc.option(fc.string({ unit: 'grapheme', maxLength: 5 }), { nil: null }) : fc.string({ unit: 'grapheme', maxLength: 5 }),
    b: fc.uint8Array({ maxLength: 4 }),
    t: fc.boolean(),
  });

describe('keepRowsInPlace', () => {
  for (const nulls of [false, true]) {
    it(`gives the rows takeRows gives (${nulls ? 'with nulls' : 'no nulls'})`, () => {
      fc.assert(
        fc.property(fc.array(row(nulls), { maxLength: 40 }).chain((rows) => fc.tuple(fc.constant(rows), fc.array(fc.boolean(), { minLength: rows.length, maxLength: rows.length }))), fc.constantFrom(0, 0, 2), ([rows, keep], cut) => {
          const kept = Int32Array.from(keep.flatMap((k, r) => (k ? [r] : [])));
          const want = rowsOf(takeRows(batchOf(rows, cut), kept));
          expect(rowsOf(keepRowsInPlace(batchOf(rows, cut), kept))).toEqual(want);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('refuses rows out of order', () => {
    expect(() => keepRowsInPlace(batchOf([], 0), Int32Array.from([1, 0]))).toThrow(RangeError);
  });
});
