// Decimals are written the way Spark's legacy layout (forced by Hudi) writes them, so parquet-avro
// can read them as the Avro `fixed` decimal the table schema names: FIXED_LEN_BYTE_ARRAY of the
// fewest bytes for the precision, DECIMAL logical and converted type, signed statistics. Files in
// the INT32/INT64 layout other writers use still read.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, Field, List, RecordBatch, Schema, Struct, Table, makeData } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { readParquet, readParquetMetadata, writeParquet, type ParquetError } from '../src/index.js';
import { minBytesForPrecision } from '../src/fixed-decimals.js';
import { encode } from '../src/wasm-codec.js';
import { buildData, plainValues, type Plain } from './arrow-values.js';

function tableOf(columns: { name: string; type: Decimal | List | Struct; values: Plain[] }[]): Table {
  const fields = columns.map((c) => new Field(c.name, c.type, true));
  const children = columns.map((c) => buildData(c.type, c.values));
  const struct = new Struct(fields);
  const length = columns[0].values.length;
  return new Table([new RecordBatch(new Schema(fields), makeData({ type: struct, length, nullCount: 0, children }))]);
}

describe('decimal layout', () => {
  it('uses the byte width Spark uses for each precision', () => {
    // Spark's Decimal.minBytesForPrecision, from its definition: 2^(8n-1) >= 10^p
    for (let p = 1; p <= 38; p++) {
      const n = minBytesForPrecision(p);
      expect(2n ** BigInt(8 * n - 1) >= 10n ** BigInt(p)).toBe(true);
      expect(n === 1 || 2n ** BigInt(8 * (n - 1) - 1) < 10n ** BigInt(p)).toBe(true);
    }
    expect([1, 2, 5, 9, 10, 18, 19, 38].map(minBytesForPrecision)).toEqual([1, 1, 3, 4, 5, 8, 9, 16]);
  });

  it('writes every precision as an annotated FIXED_LEN_BYTE_ARRAY and reads the values back', () => {
    const precisions = [1, 4, 9, 10, 18, 19, 38];
    const columns = precisions.map((p) => {
      const max = 10n ** BigInt(p) - 1n;
      return { name: `d${p}`, type: new Decimal(Math.min(p, 2), p, 128), values: [max, -max, null, 0n, -1n] as Plain[] };
    });
    const table = tableOf(columns);
    const bytes = writeParquet(table, { rowGroupSize: 2 });
    const raw = parquetMetadata(bytes).schema.slice(1);
    raw.forEach((el, i) => {
      const p = precisions[i];
      expect(el.type).toBe('FIXED_LEN_BYTE_ARRAY');
      expect(el.type_length).toBe(minBytesForPrecision(p));
      expect(el.converted_type).toBe('DECIMAL');
      expect([el.precision, el.scale]).toEqual([p, Math.min(p, 2)]);
      expect(el.logical_type).toEqual({ type: 'DECIMAL', precision: p, scale: Math.min(p, 2) });
    });
    const back = readParquet(bytes);
    back.schema.fields.forEach((f, i) => expect(f.type).toEqual(columns[i].type));
    back.schema.fields.forEach((_, i) => expect(plainValues(back.getChildAt(i)!)).toEqual(columns[i].values));
  });

  it('keeps signed min/max statistics per row group and reads them as decimals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.bigInt({ min: -(10n ** 12n - 1n), max: 10n ** 12n - 1n }), { nil: null }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        (values, rowGroupSize) => {
          const bytes = writeParquet(tableOf([{ name: 'amount', type: new Decimal(3, 12, 128), values }]), { rowGroupSize });
          const meta = readParquetMetadata(bytes);
          expect(meta.columns[0].physicalType).toBe('FIXED_LEN_BYTE_ARRAY');
          let at = 0;
          for (const rg of meta.rowGroups) {
            const slice = values.slice(at, at + rg.numRows);
            at += rg.numRows;
            const present = slice.filter((v): v is bigint => v !== null);
            const stats = rg.columns[0].statistics;
            expect(stats?.nullCount).toBe(slice.length - present.length);
            if (present.length === 0) continue;
            const min = present.reduce((a, b) => (b < a ? b : a));
            const max = present.reduce((a, b) => (b > a ? b : a));
            expect(stats?.min).toEqual({ unscaled: min, scale: 3 });
            expect(stats?.max).toEqual({ unscaled: max, scale: 3 });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes the rows of a sliced table, with their own values and statistics', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.bigInt({ min: -(10n ** 12n - 1n), max: 10n ** 12n - 1n }), { nil: null }), { minLength: 2, maxLength: 30 }).chain((values) =>
          fc.tuple(fc.constant(values), fc.integer({ min: 1, max: values.length - 1 })),
        ),
        ([values, from]) => {
          // Arrow slices the value buffer with the rows, not the null bitmap
          const sliced = tableOf([{ name: 'amount', type: new Decimal(3, 12, 128), values }]).slice(from);
          const bytes = writeParquet(sliced);
          const kept = values.slice(from);
          expect(plainValues(readParquet(bytes).getChild('amount')!)).toEqual(kept);
          const present = kept.filter((v): v is bigint => v !== null);
          const stats = readParquetMetadata(bytes).rowGroups[0].columns[0].statistics;
          expect(stats?.nullCount).toBe(kept.length - present.length);
          if (present.length > 0) {
            expect(stats?.min).toEqual({ unscaled: present.reduce((a, b) => (b < a ? b : a)), scale: 3 });
            expect(stats?.max).toEqual({ unscaled: present.reduce((a, b) => (b > a ? b : a)), scale: 3 });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes nested decimals fixed too, without byte-wise statistics', () => {
    const item = new Field('element', new Decimal(2, 7, 128), true);
    const inner = new Field('price', new Decimal(1, 5, 128), true);
    const table = tableOf([
      { name: 'prices', type: new List(item), values: [[-5n, 7n], null, [-9999999n]] },
      { name: 'line', type: new Struct([inner]), values: [{ price: -3n }, { price: 99999n }, null] },
    ]);
    const bytes = writeParquet(table);
    const meta = readParquetMetadata(bytes);
    for (const c of meta.columns) {
      expect(c.physicalType).toBe('FIXED_LEN_BYTE_ARRAY');
      expect(c.logicalType?.type).toBe('DECIMAL');
    }
    expect(meta.columns.map((c) => c.typeLength)).toEqual([4, 3]);
    const chunks = parquetMetadata(bytes).row_groups[0].columns;
    for (const c of chunks) {
      expect(c.meta_data?.statistics).toBeUndefined();
      expect(c.column_index_offset).toBeUndefined();
    }
    const back = readParquet(bytes);
    expect(plainValues(back.getChildAt(0)!)).toEqual([[-5n, 7n], null, [-9999999n]]);
    expect(plainValues(back.getChildAt(1)!)).toEqual([{ price: -3n }, { price: 99999n }, null]);
  });

  it('refuses a value with more digits than the precision instead of truncating it', () => {
    const table = tableOf([{ name: 'd', type: new Decimal(0, 2, 128), values: [1n, 1n << 20n] }]);
    expect(() => writeParquet(table)).toThrowError(expect.objectContaining({ code: 'PARQUET_INVALID_ARGUMENT' }) as ParquetError);
  });

  it('still reads files that store small decimals as INT32/INT64', () => {
    const values: Plain[] = [123n, -45n, null];
    const table = tableOf([
      { name: 'd5', type: new Decimal(2, 5, 128), values },
      { name: 'd15', type: new Decimal(2, 15, 128), values },
    ]);
    const bytes = encode(table, { compression: 'snappy' });
    expect(readParquetMetadata(bytes).columns.map((c) => c.physicalType)).toEqual(['INT32', 'INT64']);
    const back = readParquet(bytes);
    expect(plainValues(back.getChildAt(0)!)).toEqual(values);
    expect(plainValues(back.getChildAt(1)!)).toEqual(values);
  });
});
