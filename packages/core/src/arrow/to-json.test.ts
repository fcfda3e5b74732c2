import { describe, expect, it } from 'vitest';
import {
  Bool, Date_, DateUnit, Decimal, Field, List, makeData, makeVector, Map_, Struct, TimeUnit, Timestamp,
  Utf8, Binary, vectorFromArray, Int32, tableFromArrays,
} from 'apache-arrow';
import { dataValueToJson, formatDecimal, formatTimestamp, rowsToJson, vectorValueToJson } from './to-json.js';

describe('value rendering', () => {
  it('renders decimals exactly', () => {
    expect(formatDecimal(678901234n * 10n + 5n, 5)).toBe('67890.12345');
    expect(formatDecimal(-5n, 3)).toBe('-0.005');
    expect(formatDecimal(42n, 0)).toBe('42');
    const values = new Uint32Array([2494045049, 1, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    const data = makeData({ type: new Decimal(5, 10, 128), length: 2, data: values });
    expect(dataValueToJson(data, 0)).toBe('67890.12345');
    expect(dataValueToJson(data, 1)).toBe('-0.00001');
  });

  it('renders timestamps with full precision and dates as days', () => {
    expect(formatTimestamp(1680458520000123n, TimeUnit.MICROSECOND, 'UTC')).toBe('2023-04-02T18:02:00.000123Z');
    expect(formatTimestamp(-1n, TimeUnit.MILLISECOND, null)).toBe('1969-12-31T23:59:59.999');
    const ts = makeData({ type: new Timestamp(TimeUnit.MICROSECOND, 'UTC'), length: 1, data: new BigInt64Array([1n]) });
    expect(dataValueToJson(ts, 0)).toBe('1970-01-01T00:00:00.000001Z');
    const date = makeData({ type: new Date_(DateUnit.DAY), length: 1, data: new Int32Array([19449]) });
    expect(dataValueToJson(date, 0)).toBe('2023-04-02');
  });

  it('keeps 64-bit integers exact', () => {
    const v = makeVector(new BigInt64Array([5n, 9007199254740993n, -9007199254740993n]));
    expect([0, 1, 2].map((i) => vectorValueToJson(v, i))).toEqual([5, '9007199254740993', '-9007199254740993']);
  });

  it('renders binary as base64 and nested types as JSON', () => {
    const bin = vectorFromArray([new Uint8Array([104, 105]), null], new Binary());
    expect(vectorValueToJson(bin, 0)).toBe('aGk=');
    expect(vectorValueToJson(bin, 1)).toBeNull();
    const structType = new Struct([new Field('a', new Utf8(), true), new Field('b', new Int32(), true)]);
    const list = vectorFromArray(
      [[{ a: 'x', b: 1 }, { a: null, b: 2 }], null, []],
      new List(new Field('item', structType, true)),
    );
    expect([0, 1, 2].map((i) => vectorValueToJson(list, i))).toEqual([[{ a: 'x', b: 1 }, { a: null, b: 2 }], null, []]);
    const map = vectorFromArray(
      [new Map([['k', true]]), new Map<string, boolean>()],
      new Map_(new Field('entries', new Struct<{ key: Utf8; value: Bool }>([new Field('key', new Utf8(), false), new Field('value', new Bool(), true)]))),
    );
    expect(vectorValueToJson(map, 0)).toEqual({ k: true });
    expect(vectorValueToJson(map, 1)).toEqual({});
  });

  it('honours slices of chunked data', () => {
    const t = tableFromArrays({ n: Int32Array.from([1, 2, 3, 4]), s: ['a', 'b', 'c', 'd'] });
    const sliced = t.slice(2);
    expect([...rowsToJson(sliced)]).toEqual([{ n: 3, s: 'c' }, { n: 4, s: 'd' }]);
    const bools = vectorFromArray([true, false, true, true, false, null, true, false, true, false], new Bool()).slice(3);
    expect(Array.from({ length: 7 }, (_, i) => vectorValueToJson(bools, i))).toEqual([true, false, null, true, false, true, false]);
  });
});

