// Column builders: any value in, the same value out (through Arrow's own readers and ours), and
// copying rows between columns — including between layouts that only differ in names.

import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  Utf8,
  makeVector,
  type DataType,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { SchemaError } from '../errors.js';
import { makeColumnBuilder } from './column-builder.js';
import { valueAt } from '../arrow/value-at.js';
import { conformData } from './conform.js';

const inner = new Struct([new Field('a', new Utf8(), true), new Field('b', new Int32(), true)]);
const cases: { type: DataType; value: fc.Arbitrary<unknown> }[] = [
  { type: new Int32(), value: fc.integer() },
  { type: new Int64(), value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { type: new Float64(), value: fc.double({ noNaN: true }) },
  { type: new Bool(), value: fc.boolean() },
  { type: new Utf8(), value: fc.string() },
  { type: new Binary(), value: fc.uint8Array() },
  { type: new Decimal(5, 10, 128), value: fc.bigInt({ min: -(10n ** 10n) + 1n, max: 10n ** 10n - 1n }) },
  { type: new DateDay(), value: fc.integer({ min: -100000, max: 100000 }) },
  { type: new TimestampMicrosecond('UTC'), value: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }) },
  { type: inner, value: fc.record({ a: fc.option(fc.string(), { nil: null }), b: fc.option(fc.integer(), { nil: null }) }) },
  { type: new List(new Field('element', inner, true)), value: fc.array(fc.option(fc.record({ a: fc.option(fc.string(), { nil: null }), b: fc.option(fc.integer(), { nil: null }) }), { nil: null }), { maxLength: 4 }) },
  {
    type: new Map_(new Field('entries', new Struct<{ key: Utf8; value: Float64 }>([new Field('key', new Utf8(), false), new Field('value', new Float64(), true)]), false)),
    value: fc.uniqueArray(fc.tuple(fc.string(), fc.option(fc.double({ noNaN: true }), { nil: null })), { selector: (e) => e[0], maxLength: 4 }),
  },
];

/** Our read-back shape for a written value. */
function expected(type: DataType, v: unknown): unknown {
  if (v === null) return null;
  if (type instanceof Map_) return (v as [string, unknown][]).map(([k, x]) => [k, x]);
  if (type instanceof Struct) return { ...(v as object) };
  return v;
}

function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return [...v];
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('column builders', () => {
  it.each(cases.map((c) => [String(c.type), c] as const))('%s: values round-trip, and rows copy', (_n, c) => {
    fc.assert(
      fc.property(fc.array(fc.option(c.value, { nil: null }), { maxLength: 20 }), (values) => {
        const b = makeColumnBuilder(c.type);
        for (const v of values) b.appendValue(v);
        const data = b.finish();
        expect(data.length).toBe(values.length);
        expect(data.nullCount).toBe(values.filter((v) => v === null).length);
        const back = values.map((_v, i) => valueAt(data, i));
        expect(plain(back)).toEqual(plain(values.map((v) => expected(c.type, v))));
        // Copy in reverse order through appendFrom.
        const copy = makeColumnBuilder(c.type);
        for (let i = values.length - 1; i >= 0; i--) copy.appendFrom(data, i);
        const copied = copy.finish();
        expect(plain(values.map((_v, i) => valueAt(copied, values.length - 1 - i)))).toEqual(plain(back));
        // Arrow's own reader agrees on validity.
        const vec = makeVector(data);
        values.forEach((v, i) => expect(vec.isValid(i)).toBe(v !== null));
      }),
      { numRuns: 40 },
    );
  });

  it('reads decimals as Arrow does, from Avro big-endian bytes too', () => {
    const b = makeColumnBuilder(new Decimal(5, 10, 128));
    b.appendValue(new Uint8Array([0x00, 0x49, 0x96, 0x02, 0xd2])); // 1234567890
    b.appendValue(new Uint8Array([0xff, 0xb6, 0x69, 0xfd, 0x2e])); // -1234567890
    const vec = makeVector(b.finish());
    expect(String(vec.get(0))).toBe('1234567890');
    expect(valueAt(vec.data[0], 1)).toBe(-1234567890n);
  });

  it('converts between widths and units when copying', () => {
    const ints = makeColumnBuilder(new Int32());
    ints.appendValue(7);
    const wide = conformData(ints.finish(), new Int64());
    expect(valueAt(wide, 0)).toBe(7n);
    const ms = makeColumnBuilder(new TimestampMillisecond('UTC'));
    ms.appendValue(1_500n);
    expect(valueAt(conformData(ms.finish(), new TimestampMicrosecond('UTC')), 0)).toBe(1_500_000n);
  });

  it('refuses values that do not fit, with a typed error', () => {
    expect(() => makeColumnBuilder(new Int32()).appendValue('x')).toThrow(SchemaError);
    expect(() => makeColumnBuilder(new Bool()).appendValue(1)).toThrow(SchemaError);
    expect(() => makeColumnBuilder(new List(new Field('element', new Int32(), true))).appendValue(5)).toThrow(SchemaError);
  });
});
