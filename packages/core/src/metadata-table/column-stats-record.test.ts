// Records of the column_stats partition folded as Hudi writes them, checked against a model: per
// file and column, the values written since the last deletion. The index keeps a range covering
// exactly those, forgets deleted entries, and refuses a record whose key is not its column's.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CorruptColumnStatsError, CorruptMetadataTableError } from '../errors.js';
import { parseAvroSchema } from '../avro/avro-schema.js';
import { columnStatsIndexOf, columnStatsKeyPrefix } from './column-stats-index.js';
import { columnStatsRecordOf, decodeColumnStatsRecord, mergeColumnStatsRecords, type ColumnStatsRecord } from './column-stats-record.js';

const FILES = ['a_1-0-1_001.parquet', 'b_1-0-1_002.parquet'];
const COLUMNS = ['user_id', 'amount'];
const PARTITIONS = ['dt=2024-01-01', ''];

type Change = { file: number; column: number; partition: number; deleted: boolean; lo: number; span: number };

const change = fc.record({
  file: fc.integer({ min: 0, max: 1 }),
  column: fc.integer({ min: 0, max: 1 }),
  partition: fc.integer({ min: 0, max: 1 }),
  deleted: fc.boolean(),
  lo: fc.integer({ min: -50, max: 50 }),
  span: fc.integer({ min: 0, max: 20 }),
});

function recordOf(c: Change): ColumnStatsRecord {
  const key = `${columnStatsKeyPrefix(COLUMNS[c.column], PARTITIONS[c.partition])}${'x'.repeat(24)}`;
  const base = { key, fileName: FILES[c.file], columnName: COLUMNS[c.column], isDeleted: c.deleted };
  if (c.deleted) return base;
  return { ...base, min: { type: 'long', value: BigInt(c.lo) }, max: { type: 'long', value: BigInt(c.lo + c.span) }, nullCount: 0, valueCount: c.span + 1 };
}

describe('column_stats records', () => {
  it('merged and indexed, give each live file and column a range covering exactly what was written since its deletion', () => {
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 30 }), (changes) => {
        const model = new Map<string, { lo: number; hi: number } | null>();
        const merged = new Map<string, ColumnStatsRecord>();
        for (const c of changes) {
          const id = `${c.partition}/${c.file}/${c.column}`;
          const prev = model.get(id);
          if (c.deleted) model.set(id, null);
          else model.set(id, prev ? { lo: Math.min(prev.lo, c.lo), hi: Math.max(prev.hi, c.lo + c.span) } : { lo: c.lo, hi: c.lo + c.span });
          const r = recordOf(c);
          const old = merged.get(r.key + r.fileName);
          merged.set(r.key + r.fileName, old ? mergeColumnStatsRecords(old, r) : r);
        }
        const index = columnStatsIndexOf(merged.values());
        for (let p = 0; p < PARTITIONS.length; p++) {
          for (let f = 0; f < FILES.length; f++) {
            for (let col = 0; col < COLUMNS.length; col++) {
              const want = model.get(`${p}/${f}/${col}`);
              const got = index.fileStats(PARTITIONS[p], FILES[f])?.get(COLUMNS[col]);
              if (!want) expect(got).toBeUndefined();
              else expect([got?.min, got?.max]).toEqual([{ type: 'long', value: BigInt(want.lo) }, { type: 'long', value: BigInt(want.hi) }]);
            }
          }
        }
      }),
    );
  });

  it('a file in another partition of the same name gets none of its statistics', () => {
    const r = recordOf({ file: 0, column: 0, partition: 0, deleted: false, lo: 1, span: 2 });
    const index = columnStatsIndexOf([r]);
    expect(index.fileStats(PARTITIONS[0], FILES[0])?.get(COLUMNS[0])).toBeDefined();
    expect(index.fileStats(PARTITIONS[1], FILES[0])).toBeUndefined();
  });

  it('a record whose key is not of its column is CORRUPT_COLUMN_STATS', () => {
    const r = recordOf({ file: 0, column: 0, partition: 0, deleted: false, lo: 1, span: 2 });
    const err = (() => {
      try {
        columnStatsIndexOf([{ ...r, columnName: 'other' }]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CorruptColumnStatsError);
    expect((err as Error).message).toMatch(/--no-metadata-table/);
  });

  it('a record without column statistics, or whose bytes do not decode, is refused', () => {
    expect(() => columnStatsRecordOf('k', { type: 2, ColumnStatsMetadata: null }, undefined, 'p')).toThrow(CorruptMetadataTableError);
    const schema = parseAvroSchema(JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'type', type: 'int' }, { name: 'ColumnStatsMetadata', type: ['null', 'string'] }] }));
    expect(() => decodeColumnStatsRecord('k', new Uint8Array([0x06, 0x02, 0x7f]), schema, 'p')).toThrow(CorruptMetadataTableError);
  });

  it('reads values by the Hudi 1.x value type, and leaves out what it cannot read exactly', () => {
    const rec = (min: unknown, max: unknown, typeOrdinal: number, additionalInfo: string | null = null): ColumnStatsRecord =>
      columnStatsRecordOf('k', { type: 3, ColumnStatsMetadata: { fileName: 'f', columnName: 'c', isDeleted: false, minValue: { value: min }, maxValue: { value: max }, nullCount: 0n, valueCount: 2n, valueType: { typeOrdinal, additionalInfo } } }, undefined, 'p');
    expect(rec(1700000000000000n, 1700000000000001n, 16).min).toEqual({ type: 'timestamp', value: 1700000000000000n, unitDigits: 6, local: false });
    expect(rec(new Uint8Array([0xff, 0x38]), new Uint8Array([0x01]), 10, '10,2')).toMatchObject({ min: { type: 'decimal', unscaled: -200n, scale: 2 }, max: { type: 'decimal', unscaled: 1n, scale: 2 } });
    // a decimal without its scale, and a time of day, prove nothing
    expect(rec(new Uint8Array([1]), new Uint8Array([2]), 10).min).toBeUndefined();
    expect(rec(1n, 2n, 14).min).toBeUndefined();
  });
});
