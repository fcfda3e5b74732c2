import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Binary, Bool, DateDay, Decimal, Field, Float64, Int16, Int32, Int64, Int8, List, Map_, RecordBatch, Schema, Struct,
  TimestampMicrosecond, Utf8, makeData, makeVector, vectorFromArray, type DataType, type Vector,
} from 'apache-arrow';
import { concatBatches, concatData, nullData, takeData, takeRows } from './take.js';

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array || value instanceof Uint32Array) return Array.from(value);
  if (typeof value === 'object' && value !== null && 'toArray' in value && typeof (value as Vector).toArray === 'function' && !(value as { toJSON?: unknown }).toJSON) {
    return Array.from((value as Vector).toArray(), plain);
  }
  if (typeof value === 'object' && value !== null && Symbol.iterator in value && 'length' in value) {
    return Array.from(value as Iterable<unknown>, plain);
  }
  if (typeof value === 'object' && value !== null && 'toJSON' in value) {
    const json = (value as { toJSON(): unknown }).toJSON();
    if (json instanceof Map) return [...json].map(([k, v]) => [k, plain(v)]);
    if (Array.isArray(json)) return json.map(plain);
    return Object.fromEntries(Object.entries(json as object).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const struct = new Struct([new Field('a', new Utf8(), true), new Field('b', new Int32(), true)]);
const columns: { name: string; type: DataType; arb: fc.Arbitrary<unknown> }[] = [
  { name: 'i8', type: new Int8(), arb: fc.integer({ min: -128, max: 127 }) },
  { name: 'i16', type: new Int16(), arb: fc.integer({ min: -32768, max: 32767 }) },
  { name: 'i64', type: new Int64(), arb: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { name: 'f64', type: new Float64(), arb: fc.double({ noNaN: true }) },
  { name: 'b', type: new Bool(), arb: fc.boolean() },
  { name: 's', type: new Utf8(), arb: fc.string() },
  { name: 'bin', type: new Binary(), arb: fc.uint8Array({ maxLength: 8 }) },
  { name: 'd', type: new DateDay(), arb: fc.integer({ min: -100000, max: 100000 }).map((d) => new Date(d * 86400000)) },
  { name: 'ts', type: new TimestampMicrosecond('UTC'), arb: fc.integer({ min: 0, max: 2 ** 40 }) },
  { name: 'list', type: new List(new Field('item', struct, true)), arb: fc.array(fc.option(fc.record({ a: fc.option(fc.string(), { nil: null }), b: fc.option(fc.integer(), { nil: null }) }), { nil: null }), { maxLength: 3 }) },
  { name: 'map', type: new Map_(new Field('entries', new Struct<{ key: Utf8; value: Int32 }>([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]))), arb: fc.dictionary(fc.string({ maxLength: 3 }), fc.integer()).map((o) => new Map(Object.entries(o))) },
  { name: 'st', type: struct, arb: fc.record({ a: fc.option(fc.string(), { nil: null }), b: fc.option(fc.integer(), { nil: null }) }) },
];

function makeBatch(rows: unknown[][]): RecordBatch {
  const fields = columns.map((c) => new Field(c.name, c.type, true));
  const vectors = columns.map((c, k) => vectorFromArray(rows.map((r) => r[k]) as never[], c.type));
  const data = makeData({ type: new Struct(fields), length: rows.length, children: vectors.map((v) => v.data[0]) });
  return new RecordBatch(new Schema(fields), data);
}

const rowArb = fc.tuple(...columns.map((c) => fc.option(c.arb, { nil: null, freq: 4 })));

describe('takeRows / concatBatches', () => {
  it('selects exactly the requested rows for every type', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 30 }), (rows, picks) => {
        const batch = makeBatch(rows);
        const indices = picks.map((p) => p % rows.length);
        const taken = takeRows(batch, indices);
        expect(taken.numRows).toBe(indices.length);
        for (let k = 0; k < columns.length; k++) {
          const src = batch.getChildAt(k)!;
          const out = taken.getChildAt(k)!;
          expect(indices.map((_, i) => plain(out.get(i)))).toEqual(indices.map((j) => plain(src.get(j))));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('takes from sliced data and concatenates chunks in order', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 2, maxLength: 12 }), fc.array(rowArb, { minLength: 1, maxLength: 12 }), (a, b) => {
        const first = makeBatch(a).slice(1);
        const second = makeBatch(b);
        const both = concatBatches(first.schema, [first, second]);
        expect(both.numRows).toBe(first.numRows + second.numRows);
        for (let k = 0; k < columns.length; k++) {
          const expected = [...Array.from({ length: first.numRows }, (_, i) => plain(first.getChildAt(k)!.get(i))),
            ...Array.from({ length: second.numRows }, (_, i) => plain(second.getChildAt(k)!.get(i)))];
          expect(Array.from({ length: both.numRows }, (_, i) => plain(both.getChildAt(k)!.get(i)))).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('concatenates many chunks, each sliced anywhere, in order', () => {
    const chunkArb = fc.array(rowArb, { minLength: 1, maxLength: 10 }).chain((rows) =>
      fc.tuple(fc.constant(rows), fc.nat(rows.length), fc.nat(rows.length)).map(([r, x, y]) => ({ rows: r, from: Math.min(x, y), to: Math.max(x, y) })),
    );
    fc.assert(
      fc.property(fc.array(chunkArb, { minLength: 2, maxLength: 6 }), (chunks) => {
        const batches = chunks.map((c) => makeBatch(c.rows).slice(c.from, c.to));
        const both = concatBatches(batches[0].schema, batches);
        expect(both.numRows).toBe(batches.reduce((n, b) => n + b.numRows, 0));
        for (let k = 0; k < columns.length; k++) {
          const expected = batches.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => plain(b.getChildAt(k)!.get(i))));
          expect(Array.from({ length: both.numRows }, (_, i) => plain(both.getChildAt(k)!.get(i)))).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('copies runs of consecutive rows, short and long strings alike', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 150 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(6)), { maxLength: 10 }),
        (values, runs) => {
          const vector = vectorFromArray(values, new Utf8());
          const indices = runs.flatMap(([start, len]) => Array.from({ length: len }, (_, i) => (start + i) % values.length));
          const taken = takeData(vector.data[0], indices);
          expect([...makeVector(taken)]).toEqual(indices.map((i) => values[i]));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps decimals and 64-bit values bit-exact', () => {
    const words = new Uint32Array([1, 2, 3, 4, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    const dec = makeData({ type: new Decimal(2, 20, 128), length: 2, data: words });
    const taken = takeData(dec, [1, 0, 1]);
    expect(Array.from(taken.values as Uint32Array)).toEqual([...words.slice(4), ...words.slice(0, 4), ...words.slice(4)]);
    expect(concatData([dec, taken]).length).toBe(5);
  });

  it('builds all-null columns of any type', () => {
    for (const c of columns) {
      const data = nullData(c.type, 5);
      expect(data.length).toBe(5);
      expect(data.nullCount).toBe(5);
      expect(data.getValid(3)).toBe(false);
    }
  });
});
