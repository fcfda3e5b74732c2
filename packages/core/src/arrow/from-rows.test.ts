import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateDay, Decimal, Field, Int64, Int8, Uint64, Map_, Schema, Struct, TimestampMicrosecond, Utf8, Binary, List, Int32, Bool } from 'apache-arrow';
import { inferSchema, parseDecimal, parseTimestamp, rowsToTable } from './from-rows.js';
import { SchemaError } from '../errors.js';

describe('rowsToTable', () => {
  it('converts strings losslessly to decimal, timestamp, date, int64 and binary', () => {
    const schema = new Schema([
      new Field('d', new Decimal(5, 10, 128), true),
      new Field('ts', new TimestampMicrosecond('UTC'), true),
      new Field('day', new DateDay(), true),
      new Field('big', new Int64(), true),
      new Field('bin', new Binary(), true),
    ]);
    const t = rowsToTable([{ d: '67890.12345', ts: '2023-04-02T18:02:00.000123Z', day: '2023-04-02', big: '9007199254740993', bin: 'aGk=' }], schema);
    const row = t.get(0)!;
    expect(Array.from(row.d as Uint32Array)).toEqual([2494045049, 1, 0, 0]);
    expect(t.getChild('ts')!.data[0].values[0]).toBe(1680458520000123n);
    expect(t.getChild('day')!.data[0].values[0]).toBe(19449);
    expect(row.big).toBe(9007199254740993n);
    expect(Array.from(row.bin as Uint8Array)).toEqual([104, 105]);
  });

  it('stores any strings (ASCII, non-ASCII, lone surrogates, nulls) as their UTF-8 bytes', () => {
    const encoder = new TextEncoder();
    const value = fc.option(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), { nil: null });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), (values) => {
        const data = rowsToTable(values.map((s) => ({ s })), new Schema([new Field('s', new Utf8(), true)])).getChild('s')!.data[0];
        const got = values.map((_v, i) => (data.getValid(i) ? Buffer.from(data.values.subarray(data.valueOffsets[i], data.valueOffsets[i + 1])).toString('hex') : null));
        const want = values.map((v) => (v === null ? null : Buffer.from(encoder.encode(v)).toString('hex')));
        return JSON.stringify(got) === JSON.stringify(want);
      }),
      { numRuns: 60 },
    );
  });

  it('builds nested lists, maps and structs with nulls', () => {
    const item = new Struct([new Field('a', new Utf8(), true), new Field('b', new Int32(), true)]);
    const schema = new Schema([
      new Field('l', new List(new Field('element', item, true)), true),
      new Field('m', new Map_(new Field('entries', new Struct<{ key: Utf8; value: Bool }>([new Field('key', new Utf8(), false), new Field('value', new Bool(), true)]))), true),
    ]);
    const t = rowsToTable([{ l: [{ a: 'x', b: 1 }, null], m: { k: true } }, { l: null, m: null }], schema);
    expect(JSON.parse(JSON.stringify(t.getChild('l')!.get(0)))).toEqual([{ a: 'x', b: 1 }, null]);
    expect(t.getChild('l')!.get(1)).toBeNull();
    expect(JSON.parse(JSON.stringify(t.getChild('m')!.get(0)))).toEqual({ k: true });
  });

  it('names the column for bad values and unknown columns', () => {
    const schema = new Schema([new Field('n', new Int8(), true)]);
    expect(() => rowsToTable([{ n: 300 }], schema)).toThrow(/Column "n": 300 is not a valid 8-bit integer/);
    expect(() => rowsToTable([{ x: 1 }], schema)).toThrow(SchemaError);
    expect(() => rowsToTable([{ n: 'abc' }], schema)).toThrow(/Column "n"/);
    expect(() => rowsToTable([{}], new Schema([new Field('n', new Int8(), false)]))).toThrow(/required/);
  });

  it('parses decimals and timestamps exactly', () => {
    expect(parseDecimal('-0.005', 3, 'x')).toBe(-5n);
    expect(parseDecimal('1.5e2', 1, 'x')).toBe(1500n);
    expect(() => parseDecimal('1.2345', 2, 'x')).toThrow(SchemaError);
    expect(parseTimestamp('1970-01-01T00:00:01.5+01:00', 2, 'x')).toBe(-3598500000n);
    expect(parseTimestamp('2024-01-01', 1, 'x')).toBe(1704067200000n);
  });

  it('stores 64-bit integers given as numbers exactly as their BigInt values', () => {
    const schema = new Schema([new Field('s', new Int64(), true), new Field('u', new Uint64(), true)]);
    const integer = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
      fc.maxSafeInteger(),
      fc.constantFrom(0, -1, 2 ** 32, -(2 ** 32), 2 ** 32 - 1, -(2 ** 32) + 1, 2 ** 53, -(2 ** 53), 2 ** 62, -(2 ** 63), 2 ** 63, 2 ** 64 - 2048),
      fc.double({ min: -(2 ** 63), max: 2 ** 63, noNaN: true }).map(Math.trunc),
    );
    fc.assert(
      fc.property(fc.array(fc.option(integer, { nil: null }), { maxLength: 40 }), (values) => {
        const table = rowsToTable(values.map((v) => ({ s: v, u: v })), schema);
        expect([...table.getChild('s')!]).toEqual(values.map((v) => (v === null ? null : BigInt.asIntN(64, BigInt(v)))));
        expect([...table.getChild('u')!]).toEqual(values.map((v) => (v === null ? null : BigInt.asUintN(64, BigInt(v)))));
      }),
    );
  });

  it('infers types from values', () => {
    const schema = inferSchema([{ a: 1, b: 1.5, c: 'x', d: true, e: { f: 1 }, g: [1, 2] }, { a: null }]);
    expect(schema.fields.map((f) => String(f.type))).toEqual(['Int64', 'Float64', 'Utf8', 'Bool', 'Struct<{f:Int64}>', 'List<Int64>']);
  });
});
