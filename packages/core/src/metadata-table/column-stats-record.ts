// Records of the metadata table's `column_stats` partition (HoodieMetadataRecord with a
// HoodieMetadataColumnStats): per data file and column, the min and max values (each wrapped in a
// typed record of a union: IntWrapper, StringWrapper, ...), the null and value counts and a
// deletion flag. Hudi 1.x adds `valueType` (an ordinal of its ValueType enum, with the decimal's
// precision and scale) that says how to read a wrapper's value; without it (Hudi 0.x) the
// wrapper's own name does. A value whose meaning is not certain is left out, never guessed.

import { CorruptMetadataTableError } from '../errors.js';
import { AvroUnionValue, type AvroRecord } from '../avro/avro-decoder.js';
import { decodeMetadataRecord } from './files-record.js';
import type { AvroType } from '../avro/avro-schema.js';

/** A statistic's value in the form the data file's column holds it. */
export type StatsValue =
  | { type: 'boolean'; value: boolean }
  | { type: 'int'; value: number }
  | { type: 'long'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'date'; days: number }
  | { type: 'decimal'; unscaled: bigint; scale: number }
  /** `unitDigits`: 3 millis, 6 micros, 9 nanos since the epoch (`local`: a wall clock, no zone). */
  | { type: 'timestamp'; value: bigint; unitDigits: number; local: boolean };

export interface ColumnStatsRecord {
  /** `base64(xxhash(column)) base64(xxhash(partition)) base64(md5(file))`. */
  key: string;
  fileName: string;
  columnName: string;
  /** Absent when the file has no non-null value or the value's type is not one lake reads. */
  min?: StatsValue;
  max?: StatsValue;
  nullCount?: number;
  valueCount?: number;
  isDeleted: boolean;
}

/** HoodieMetadataRecord.type of column statistics. */
const COLUMN_STATS_TYPE = 3;

/** Ordinals of Hudi's ValueType enum (metadata/stats/ValueType.java) that lake reads. */
const ValueTypeOrdinal = {
  BOOLEAN: 2,
  INT: 3,
  LONG: 4,
  FLOAT: 5,
  DOUBLE: 6,
  STRING: 7,
  DECIMAL: 10,
  DATE: 12,
  TIMESTAMP_MILLIS: 15,
  TIMESTAMP_MICROS: 16,
  TIMESTAMP_NANOS: 17,
  LOCAL_TIMESTAMP_MILLIS: 18,
  LOCAL_TIMESTAMP_MICROS: 19,
  LOCAL_TIMESTAMP_NANOS: 20,
} as const;

/** Names of the wrapper records of a union, by branch index, found once per writer schema. */
const wrapperNames = new WeakMap<AvroType, string[]>();

function unionBranchNames(schema: AvroType): string[] {
  const cached = wrapperNames.get(schema);
  if (cached) return cached;
  let names: string[] = [];
  const stats = schema.kind === 'record' ? schema.fields.find((f) => f.name === 'ColumnStatsMetadata')?.type : undefined;
  const rec = stats?.kind === 'union' ? stats.branches.find((b) => b.kind === 'record') : stats;
  const min = rec?.kind === 'record' ? rec.fields.find((f) => f.name === 'minValue')?.type : undefined;
  if (min?.kind === 'union') names = min.branches.map((b) => (b.kind === 'record' ? b.name.slice(b.name.lastIndexOf('.') + 1) : b.kind));
  wrapperNames.set(schema, names);
  return names;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return undefined;
}

/** Big-endian two's complement bytes as a bigint. */
function signedBigEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return bytes.length > 0 && (bytes[0] & 0x80) !== 0 ? n - (1n << BigInt(bytes.length * 8)) : n;
}

function decimalScale(info: unknown): number | undefined {
  if (typeof info !== 'string') return undefined;
  const m = /^\s*\d+\s*,\s*(\d+)\s*$/.exec(info);
  return m ? Number(m[1]) : undefined;
}

const TIMESTAMPS: Record<number, { unitDigits: number; local: boolean }> = {
  [ValueTypeOrdinal.TIMESTAMP_MILLIS]: { unitDigits: 3, local: false },
  [ValueTypeOrdinal.TIMESTAMP_MICROS]: { unitDigits: 6, local: false },
  [ValueTypeOrdinal.TIMESTAMP_NANOS]: { unitDigits: 9, local: false },
  [ValueTypeOrdinal.LOCAL_TIMESTAMP_MILLIS]: { unitDigits: 3, local: true },
  [ValueTypeOrdinal.LOCAL_TIMESTAMP_MICROS]: { unitDigits: 6, local: true },
  [ValueTypeOrdinal.LOCAL_TIMESTAMP_NANOS]: { unitDigits: 9, local: true },
};

/** Reads a wrapped value with Hudi 1.x's value type. */
function typedValue(v: unknown, ordinal: number, info: unknown): StatsValue | undefined {
  const ts = TIMESTAMPS[ordinal];
  if (ts) return typeof v === 'bigint' ? { type: 'timestamp', value: v, ...ts } : undefined;
  switch (ordinal) {
    case ValueTypeOrdinal.BOOLEAN:
      return typeof v === 'boolean' ? { type: 'boolean', value: v } : undefined;
    case ValueTypeOrdinal.INT:
      return typeof v === 'number' ? { type: 'int', value: v } : undefined;
    case ValueTypeOrdinal.LONG:
      return typeof v === 'bigint' ? { type: 'long', value: v } : typeof v === 'number' ? { type: 'long', value: BigInt(v) } : undefined;
    case ValueTypeOrdinal.FLOAT:
    case ValueTypeOrdinal.DOUBLE:
      return typeof v === 'number' ? { type: 'float', value: v } : undefined;
    case ValueTypeOrdinal.STRING:
      return typeof v === 'string' ? { type: 'string', value: v } : undefined;
    case ValueTypeOrdinal.DATE:
      return typeof v === 'number' ? { type: 'date', days: v } : undefined;
    case ValueTypeOrdinal.DECIMAL: {
      const scale = decimalScale(info);
      return v instanceof Uint8Array && scale !== undefined ? { type: 'decimal', unscaled: signedBigEndian(v), scale } : undefined;
    }
    default:
      return undefined;
  }
}

/** Reads a wrapped value by its wrapper's name (no value type: Hudi 0.x). */
function wrapperValue(v: unknown, wrapper: string): StatsValue | undefined {
  switch (wrapper) {
    case 'BooleanWrapper':
      return typeof v === 'boolean' ? { type: 'boolean', value: v } : undefined;
    case 'IntWrapper':
      return typeof v === 'number' ? { type: 'int', value: v } : undefined;
    case 'LongWrapper':
      return typeof v === 'bigint' ? { type: 'long', value: v } : undefined;
    case 'FloatWrapper':
    case 'DoubleWrapper':
      return typeof v === 'number' ? { type: 'float', value: v } : undefined;
    case 'StringWrapper':
      return typeof v === 'string' ? { type: 'string', value: v } : undefined;
    case 'DateWrapper':
    case 'LocalDateWrapper':
      return typeof v === 'number' ? { type: 'date', days: v } : undefined;
    case 'TimestampMicrosWrapper':
      return typeof v === 'bigint' ? { type: 'timestamp', value: v, unitDigits: 6, local: false } : undefined;
    default:
      // DecimalWrapper's scale is the schema's, not the column's; bytes, times and arrays are not compared
      return undefined;
  }
}

function statsValue(raw: unknown, names: string[], valueType: AvroRecord | null | undefined): StatsValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  const wrapper = raw instanceof AvroUnionValue ? names[raw.branch] : undefined;
  const inner = raw instanceof AvroUnionValue ? raw.value : raw;
  const v = (inner as AvroRecord | null)?.value;
  const ordinal = toNumber(valueType?.typeOrdinal);
  if (ordinal !== undefined && ordinal !== 0) return typedValue(v, ordinal, valueType?.additionalInfo);
  return wrapper === undefined ? undefined : wrapperValue(v, wrapper);
}

/** A decoded HoodieMetadataRecord of the column_stats partition. */
export function columnStatsRecordOf(key: string, rec: AvroRecord, schema: AvroType | undefined, path: string | undefined): ColumnStatsRecord {
  const stats = rec.ColumnStatsMetadata as AvroRecord | null | undefined;
  if (Number(rec.type) !== COLUMN_STATS_TYPE || !stats || typeof stats !== 'object') {
    throw new CorruptMetadataTableError(`record "${key}" of the column_stats partition has type ${String(rec.type)} and no column statistics`, { path });
  }
  const { fileName, columnName, isDeleted } = stats;
  if (typeof fileName !== 'string' || typeof columnName !== 'string' || typeof isDeleted !== 'boolean') {
    throw new CorruptMetadataTableError(`record "${key}" of the column_stats partition names no file, column or deletion flag`, { path });
  }
  const names = schema ? unionBranchNames(schema) : [];
  const valueType = stats.valueType as AvroRecord | null | undefined;
  const out: ColumnStatsRecord = { key, fileName, columnName, isDeleted };
  const min = statsValue(stats.minValue, names, valueType);
  const max = statsValue(stats.maxValue, names, valueType);
  // one bound without the other is of no use, and a pair of different types is not a range
  if (min && max && min.type === max.type) {
    out.min = min;
    out.max = max;
  }
  const nulls = toNumber(stats.nullCount);
  const values = toNumber(stats.valueCount);
  if (nulls !== undefined && values !== undefined && nulls >= 0 && values >= nulls) {
    out.nullCount = nulls;
    out.valueCount = values;
  }
  return out;
}

/** Decodes one Avro-encoded HoodieMetadataRecord value of the column_stats partition. */
export function decodeColumnStatsRecord(key: string, value: Uint8Array, schema: AvroType, path: string | undefined): ColumnStatsRecord {
  return columnStatsRecordOf(key, decodeMetadataRecord(key, 'of the column_stats partition ', value, schema, path), schema, path);
}

/** Orders strings by code point (UTF-8 byte order), as Parquet statistics are ordered. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Compares two values of one type; undefined when they are not comparable (types or units differ). */
function compareStats(a: StatsValue, b: StatsValue): number | undefined {
  if (a.type === 'string' && b.type === 'string') return compareCodePoints(a.value, b.value);
  if (a.type === 'decimal' && b.type === 'decimal') return a.scale === b.scale ? Number(a.unscaled - b.unscaled) : undefined;
  if (a.type === 'date' && b.type === 'date') return a.days - b.days;
  if (a.type === 'timestamp' && b.type === 'timestamp') return a.unitDigits === b.unitDigits && a.local === b.local ? Number(a.value - b.value) : undefined;
  if (a.type === 'boolean' && b.type === 'boolean') return Number(a.value) - Number(b.value);
  if ((a.type === 'int' || a.type === 'float') && a.type === b.type) return a.value - b.value;
  if (a.type === 'long' && b.type === 'long') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  return undefined;
}

/**
 * A later record of a key over an earlier one. A deletion wins, and a record after a deletion
 * stands alone; otherwise both describe the same file, and the union of their ranges (with the
 * counts only when they agree) covers whatever either saw.
 */
export function mergeColumnStatsRecords(older: ColumnStatsRecord, newer: ColumnStatsRecord): ColumnStatsRecord {
  if (newer.isDeleted || older.isDeleted) return newer;
  const out: ColumnStatsRecord = { key: newer.key, fileName: newer.fileName, columnName: newer.columnName, isDeleted: false };
  if (older.min && older.max && newer.min && newer.max) {
    const lo = compareStats(older.min, newer.min);
    const hi = compareStats(older.max, newer.max);
    if (lo !== undefined && hi !== undefined && !Number.isNaN(lo) && !Number.isNaN(hi)) {
      out.min = lo <= 0 ? older.min : newer.min;
      out.max = hi >= 0 ? older.max : newer.max;
    }
  }
  if (older.nullCount === newer.nullCount && older.valueCount === newer.valueCount && newer.nullCount !== undefined) {
    out.nullCount = newer.nullCount;
    out.valueCount = newer.valueCount;
  }
  return out;
}
