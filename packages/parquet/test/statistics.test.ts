// Footer statistics decoded to typed JS values: checked against the values written, per row group
// and per column, aggregated per file, and on Spark-written files.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Field, makeData, RecordBatch, Schema, Struct, Table } from 'apache-arrow';
import {
  columnStatistics,
  compareStatValues,
  decimalToString,
  readParquet,
  readParquetMetadata,
  writeParquet,
  type StatValue,
} from '../src/index.js';
import { buildData, plainValues, PRIMITIVES, type Plain, type PrimitiveName } from './arrow-values.js';
import { sparkParquetFiles } from './spark-fixtures.js';

const I64 = 2n ** 63n;
const columnArbs: Record<PrimitiveName, fc.Arbitrary<Plain>> = {
  int8: fc.integer({ min: -128, max: 127 }),
  int16: fc.integer({ min: -32768, max: 32767 }),
  int32: fc.integer(),
  int64: fc.bigInt({ min: -I64, max: I64 - 1n }),
  float32: fc.float({ noNaN: true }),
  float64: fc.double({ noNaN: true }),
  bool: fc.boolean(),
  utf8: fc.string({ unit: 'binary', maxLength: 8 }),
  binary: fc.uint8Array({ maxLength: 8 }),
  date32: fc.integer({ min: -100_000, max: 100_000 }),
  timestampMs: fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
  timestampUs: fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
  timestampMsUtc: fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
  timestampUsZone: fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
  decimal: fc.bigInt({ min: -(10n ** 10n - 1n), max: 10n ** 10n - 1n }),
  decimalWide: fc.bigInt({ min: -(10n ** 38n - 1n), max: 10n ** 38n - 1n }),
};
const names = Object.keys(columnArbs) as PrimitiveName[];

/** The statistic value the reader should produce for a written plain value. */
function expectedStat(name: PrimitiveName, v: Plain): StatValue {
  if (name === 'date32') return new Date((v as number) * 86_400_000);
  if (name === 'decimal') return { unscaled: v as bigint, scale: 5 };
  if (name === 'decimalWide') return { unscaled: v as bigint, scale: 2 };
  return v as StatValue;
}

/** Zero's sign is not kept by statistics (writers normalise it), so compare it away. */
function canonical(v: StatValue | undefined): unknown {
  return typeof v === 'number' && v === 0 ? 0 : v;
}

function tableOf(columns: Plain[][]): Table {
  const fields = names.map((n) => new Field(n, PRIMITIVES[n](), true));
  const children = fields.map((f, i) => buildData(f.type, columns[i]));
  const data = makeData({ type: new Struct(fields), length: columns[0].length, nullCount: 0, children });
  return new Table([new RecordBatch(new Schema(fields), data)]);
}

const tableArb = fc.nat({ max: 30 }).chain((rows) =>
  fc.tuple(
    ...names.map((n) => fc.array(fc.option(columnArbs[n], { nil: null, freq: 3 }), { minLength: rows, maxLength: rows })),
  ),
);

describe('column statistics', () => {
  it('match min, max and null count of the values in every row group', () => {
    fc.assert(
      fc.property(tableArb, fc.integer({ min: 1, max: 8 }), (columns, rowGroupSize) => {
        const meta = readParquetMetadata(writeParquet(tableOf(columns), { rowGroupSize }));
        expect(meta.numRows).toBe(columns[0].length);
        let first = 0;
        for (const rg of meta.rowGroups) {
          names.forEach((name, c) => {
            const values = columns[c].slice(first, first + rg.numRows);
            const present = values.filter((v) => v !== null).map((v) => expectedStat(name, v));
            const stats = rg.columns[c].statistics;
            expect(rg.columns[c].name).toBe(name);
            expect(stats?.nullCount).toBe(values.length - present.length);
            const sorted = [...present].sort(compareStatValues);
            expect(canonical(stats?.min)).toEqual(canonical(sorted[0]));
            expect(canonical(stats?.max)).toEqual(canonical(sorted[sorted.length - 1]));
          });
          first += rg.numRows;
        }
        expect(first).toBe(columns[0].length);
      }),
      { numRuns: 40 },
    );
  });

  it('aggregate across row groups to the file-wide range', () => {
    fc.assert(
      fc.property(tableArb, fc.integer({ min: 1, max: 5 }), (columns, rowGroupSize) => {
        const meta = readParquetMetadata(writeParquet(tableOf(columns), { rowGroupSize }));
        names.forEach((name, c) => {
          const present = columns[c].filter((v) => v !== null).map((v) => expectedStat(name, v));
          const sorted = [...present].sort(compareStatValues);
          const s = columnStatistics(meta, name);
          expect(s.rowGroups).toBe(meta.rowGroups.length);
          expect(s.nullCount).toBe(columns[c].length - present.length);
          expect(canonical(s.min)).toEqual(canonical(sorted[0]));
          expect(canonical(s.max)).toEqual(canonical(sorted[sorted.length - 1]));
        });
      }),
      { numRuns: 25 },
    );
  });

  it('orders strings by UTF-8 bytes, as Parquet does, not by UTF-16 code units', () => {
    // U+FF5E sorts before U+1F600 in UTF-8 but after it in UTF-16
    const meta = readParquetMetadata(writeParquet(tableOf(names.map((n) => (n === 'utf8' ? ['\u{ff5e}', '\u{1f600}'] : [null, null])))));
    const s = columnStatistics(meta, 'utf8');
    expect(s.min).toBe('\u{ff5e}');
    expect(s.max).toBe('\u{1f600}');
  });

  it('names missing columns in a typed error', () => {
    const meta = readParquetMetadata(writeParquet(tableOf(names.map(() => [null]))));
    expect(() => columnStatistics(meta, 'nope')).toThrow(expect.objectContaining({ code: 'PARQUET_COLUMN_NOT_FOUND' }));
  });

  it('renders decimals exactly', () => {
    expect(decimalToString({ unscaled: -1234n, scale: 2 })).toBe('-12.34');
    expect(decimalToString({ unscaled: 5n, scale: 3 })).toBe('0.005');
    expect(decimalToString({ unscaled: 12345678901234567890123n, scale: 0 })).toBe('12345678901234567890123');
  });
});

describe('Spark-written (parquet-mr) files', () => {
  const files = sparkParquetFiles('sample_table/cow/v6_nonpartitioned.zip');
  const [firstCommit] = [...files.keys()].filter((k) => k.endsWith('20240418173550988.parquet'));

  it('expose footer metadata, leaf paths and legacy list/map layouts', () => {
    const meta = readParquetMetadata(files.get(firstCommit)!);
    expect(meta.createdBy).toMatch(/^parquet-mr/);
    expect(meta.numRows).toBe(3);
    expect(meta.keyValueMetadata.hoodie_min_record_key).toBe('1');
    expect(meta.keyValueMetadata.hoodie_max_record_key).toBe('3');
    expect(meta.keyValueMetadata['parquet.avro.schema']).toContain('"name":"byteField"');
    const names = meta.columns.map((c) => c.name);
    expect(names).toContain('arrayField.array.arr_struct_f1');
    expect(names).toContain('mapField.key_value.key');
    expect(meta.columns.find((c) => c.name === 'decimalField')).toMatchObject({
      physicalType: 'FIXED_LEN_BYTE_ARRAY',
      logicalType: { type: 'DECIMAL', precision: 10, scale: 5 },
    });
    // Spark's ByteType goes through Avro "int": a plain INT32 with no INT(8) annotation
    expect(meta.columns.find((c) => c.name === 'byteField')).toMatchObject({ physicalType: 'INT32' });
    expect(meta.columns.find((c) => c.name === 'byteField')?.logicalType).toBeUndefined();
    const chunk = meta.rowGroups[0].columns.find((c) => c.name === 'decimalField')!;
    expect(chunk.codec).toBe('GZIP');
    expect(chunk.start).toBeGreaterThanOrEqual(4);
  });

  it('decode statistics to typed values that agree with the data', () => {
    const bytes = files.get(firstCommit)!;
    const meta = readParquetMetadata(bytes);
    const stat = (name: string) => columnStatistics(meta, name);
    expect(stat('id')).toMatchObject({ min: 1, max: 3, nullCount: 0 });
    expect(stat('name')).toMatchObject({ min: 'Alice', max: 'Carol' });
    expect(stat('longField')).toMatchObject({ min: 1234567890n, max: 9876543210n });
    expect(stat('decimalField')).toMatchObject({ min: { unscaled: 1111122222n, scale: 5 }, max: { unscaled: 6789012345n, scale: 5 } });
    expect(stat('dateField').min).toEqual(new Date('2023-04-01T00:00:00Z'));
    expect(stat('timestampField').min).toBe(BigInt(Date.UTC(2023, 3, 1, 17, 1)) * 1000n);
    expect(stat('structField.child_struct.child_field1')).toMatchObject({ min: 123.456, max: 789.012 });
    // the table's generating SQL inserts byteField 1, 0, 1 in this commit
    expect(stat('byteField')).toMatchObject({ min: 0, max: 1 });

    const table = readParquet(bytes, { columns: ['id', 'byteField', 'decimalField'] });
    const rows = table.toArray().map((r) => ({ id: r.id as number, byte: r.byteField as number }));
    expect(rows.sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, byte: 1 },
      { id: 2, byte: 0 },
      { id: 3, byte: 1 },
    ]);
  });

  it('project nested Spark columns (2-level lists, key_value maps) like a full read', () => {
    for (const bytes of files.values()) {
      const full = readParquet(bytes);
      const projected = readParquet(bytes, { columns: ['mapField', 'arrayField', 'structField'] });
      expect(projected.schema.fields.map((f) => f.name)).toEqual(['mapField', 'arrayField', 'structField']);
      for (const name of ['mapField', 'arrayField', 'structField']) {
        expect(plainValues(projected.getChild(name)!)).toEqual(plainValues(full.getChild(name)!));
      }
      expect(String(projected.getChild('arrayField')!.type)).toBe('List<Struct<{arr_struct_f1:Utf8, arr_struct_f2:Int32}>>');
      const ids = plainValues(full.getChild('id')!) as number[];
      const maps = plainValues(projected.getChild('mapField')!) as [string, Plain][][];
      expect(maps[ids.indexOf(2)].map(([k]) => k)).toEqual(['key3', 'key4']);
    }
  });

  it('keep byteField as the partition value in partitioned tables', () => {
    const partitioned = sparkParquetFiles('sample_table/cow/v6_simplekeygen_nonhivestyle.zip');
    const seen = new Map<number, number[]>();
    for (const [path, bytes] of partitioned) {
      const partition = Number(path.split('/')[0]);
      const t = readParquet(bytes, { columns: ['byteField'] });
      seen.set(partition, [...(t.getChild('byteField')!.toArray() as Int32Array)]);
      expect(columnStatistics(readParquetMetadata(bytes), 'byteField')).toMatchObject({ min: partition, max: partition });
    }
    expect([...seen.keys()].sort()).toEqual([10, 20, 30]);
    for (const [partition, values] of seen) expect(values.every((v) => v === partition)).toBe(true);
  });
});
