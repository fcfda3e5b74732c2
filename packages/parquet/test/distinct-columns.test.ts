// Columns of mostly distinct values are told apart from repetitive ones by a sample of rows,
// whatever the type, the chunking, slicing and nulls; small tables and booleans are never named.

import { describe, expect, it } from 'vitest';
import { Bool, Decimal, makeData, makeVector, Table, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { mostlyDistinctColumns } from '../src/index.js';

const n = 5000;
const ids = Array.from({ length: n }, (_, i) => `id-${i}`);
const countries = Array.from({ length: n }, (_, i) => ['US', 'DE', 'FR'][i % 3]);
// Plain Utf8 columns, as tables hold them (vectorFromArray alone makes dictionary vectors).
const text = (values: (string | null)[]) => vectorFromArray(values, new Utf8());

describe('mostlyDistinctColumns', () => {
  it('names columns of distinct values, of every scalar type, and not repetitive ones', () => {
    const table = new Table({
      id: text(ids),
      country: text(countries),
      n: vectorFromArray(Float64Array.from(ids, (_, i) => i * 0.5)),
      campaign: vectorFromArray(Int32Array.from(ids, (_, i) => i % 7)),
      big: vectorFromArray(BigInt64Array.from(ids, (_, i) => BigInt(i) * 1_000_000_007n)),
      ts: makeVector(makeData({ type: new TimestampMicrosecond(), length: n, data: BigInt64Array.from(ids, (_, i) => BigInt(i)) })),
      price: makeVector(makeData({ type: new Decimal(2, 10, 128), length: n, data: Uint32Array.from({ length: n * 4 }, (_, k) => (k % 4 === 0 ? k : 0)) })),
      sameDecimal: makeVector(makeData({ type: new Decimal(2, 10, 128), length: n, data: new Uint32Array(n * 4) })),
      flag: makeVector(makeData({ type: new Bool(), length: n, data: new Uint8Array(Math.ceil(n / 8)).fill(0x55) })),
    });
    expect(mostlyDistinctColumns(table)).toEqual(['id', 'n', 'big', 'ts', 'price']);
  });

  it('reads every chunk and slice at its own rows, and counts only non-null values', () => {
    const half = n / 2;
    const chunked = new Table({
      id: text(ids.slice(0, half)).concat(text(ids.slice(half)).slice(10)),
      c: text(countries.slice(0, half)).concat(text(countries.slice(half)).slice(10)),
    });
    expect(chunked.getChild('id')?.data.length).toBe(2);
    expect(mostlyDistinctColumns(chunked)).toEqual(['id']);
    // Mostly nulls, the rest distinct: still a column of distinct values.
    const sparse = new Table({ s: text(ids.map((v, i) => (i % 10 === 0 ? v : null))), nulls: text(ids.map(() => null)) });
    expect(mostlyDistinctColumns(sparse)).toEqual(['s']);
  });

  it('names nothing in a table too small for a dictionary to matter, and follows the options', () => {
    expect(mostlyDistinctColumns(new Table({ id: text(ids.slice(0, 63)) }))).toEqual([]);
    const table = new Table({ id: text(ids), c: text(countries) });
    expect(mostlyDistinctColumns(table, { distinctShare: 0 })).toEqual(['id', 'c']);
    expect(mostlyDistinctColumns(table, { sampleRows: 100, distinctShare: 0.99 })).toEqual(['id']);
  });
});
