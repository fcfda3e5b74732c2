// Column statistics: decoding the footer's raw min/max bytes into JS values that match the
// column's logical type, and aggregating them across row groups for file-level pruning.

import { ParquetError } from './errors.js';
import { float16FromBits } from './float16.js';
import type { ParquetColumn } from './column-types.js';

/** An exact decimal: the value is `unscaled * 10^-scale`. */
export interface Decimal {
  unscaled: bigint;
  scale: number;
}

/**
 * A decoded statistic. By the column's type:
 * - BOOLEAN -> boolean
 * - INT32 (plain, INTEGER 8/16/32 signed or unsigned, TIME millis), FLOAT, DOUBLE, FLOAT16 -> number
 * - INT64 (plain, INTEGER 64, TIME micros/nanos) -> bigint
 * - TIMESTAMP -> bigint counting the column's unit since the epoch (exact, unlike a Date)
 * - DATE -> Date at midnight UTC
 * - DECIMAL (any physical type) -> Decimal
 * - STRING, ENUM, JSON -> string; UUID -> canonical 8-4-4-4-12 hex string
 * - other byte arrays -> Uint8Array
 */
export type StatValue = boolean | number | bigint | string | Date | Decimal | Uint8Array;

export interface ColumnChunkStatistics {
  /** Lower bound of the non-null values; absent when unknown (or every value is null). */
  min?: StatValue;
  /** Upper bound of the non-null values. */
  max?: StatValue;
  nullCount?: number;
  distinctCount?: number;
  /** False when the writer truncated the bound (it is then still a valid bound). */
  minExact?: boolean;
  maxExact?: boolean;
}

const utf8 = new TextDecoder('utf-8');

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Big-endian two's complement, as Parquet stores decimals in byte arrays. */
function bigEndianSigned(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  if (b[0] & 0x80) v -= 1n << BigInt(b.length * 8);
  return v;
}

function uuidString(b: Uint8Array): string {
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Decodes one plain-encoded min or max value; undefined when it cannot be interpreted safely. */
function decodeStatValue(bytes: Uint8Array, column: ParquetColumn): StatValue | undefined {
  const lt = column.logicalType;
  switch (column.physicalType) {
    case 'BOOLEAN':
      return bytes.length >= 1 ? bytes[0] !== 0 : undefined;
    case 'INT32': {
      if (bytes.length !== 4) return undefined;
      const signed = view(bytes).getInt32(0, true);
      if (lt?.type === 'DECIMAL') return { unscaled: BigInt(signed), scale: lt.scale };
      if (lt?.type === 'DATE') return new Date(signed * 86_400_000);
      if (lt?.type === 'INTEGER' && !lt.isSigned) return view(bytes).getUint32(0, true);
      return signed;
    }
    case 'INT64': {
      if (bytes.length !== 8) return undefined;
      if (lt?.type === 'INTEGER' && !lt.isSigned) return view(bytes).getBigUint64(0, true);
      const signed = view(bytes).getBigInt64(0, true);
      if (lt?.type === 'DECIMAL') return { unscaled: signed, scale: lt.scale };
      return signed;
    }
    case 'FLOAT': {
      if (bytes.length !== 4) return undefined;
      const v = view(bytes).getFloat32(0, true);
      return Number.isNaN(v) ? undefined : v;
    }
    case 'DOUBLE': {
      if (bytes.length !== 8) return undefined;
      const v = view(bytes).getFloat64(0, true);
      return Number.isNaN(v) ? undefined : v;
    }
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY': {
      if (lt?.type === 'DECIMAL') return { unscaled: bigEndianSigned(bytes), scale: lt.scale };
      if (lt?.type === 'STRING' || lt?.type === 'ENUM' || lt?.type === 'JSON') return utf8.decode(bytes);
      if (lt?.type === 'UUID' && bytes.length === 16) return uuidString(bytes);
      if (lt?.type === 'FLOAT16') {
        if (bytes.length !== 2) return undefined;
        const v = float16FromBits(bytes[0] | (bytes[1] << 8));
        return Number.isNaN(v) ? undefined : v;
      }
      return bytes.slice();
    }
    default:
      // INT96 has no defined sort order, so its statistics mean nothing
      return undefined;
  }
}

/**
 * Whether the legacy min/max fields (written before min_value/max_value existed) can be trusted:
 * they were computed with signed comparison, which is only right for signed numeric orders.
 */
function legacyOrderIsValid(column: ParquetColumn): boolean {
  const lt = column.logicalType;
  if (lt?.type === 'INTEGER' && !lt.isSigned) return false;
  return (
    column.physicalType === 'BOOLEAN' ||
    column.physicalType === 'INT32' ||
    column.physicalType === 'INT64' ||
    column.physicalType === 'FLOAT' ||
    column.physicalType === 'DOUBLE'
  );
}

function asCount(v: unknown): number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') {
    const n = Number(v);
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }
  return undefined;
}

/** Decodes a raw thrift Statistics struct (hyparquet's `field_N` object) for one column chunk. */
export function decodeStatistics(raw: Record<string, unknown> | undefined, column: ParquetColumn): ColumnChunkStatistics | undefined {
  if (!raw) return undefined;
  const bytesOf = (k: string): Uint8Array | undefined => (raw[k] instanceof Uint8Array ? (raw[k] as Uint8Array) : undefined);
  let minBytes = bytesOf('field_6');
  let maxBytes = bytesOf('field_5');
  if (minBytes === undefined && maxBytes === undefined && legacyOrderIsValid(column)) {
    minBytes = bytesOf('field_2');
    maxBytes = bytesOf('field_1');
  }
  const out: ColumnChunkStatistics = {};
  const min = minBytes && decodeStatValue(minBytes, column);
  const max = maxBytes && decodeStatValue(maxBytes, column);
  // a half-known range is still useful for pruning, but only when both sides decode consistently
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  const nullCount = asCount(raw.field_3);
  if (nullCount !== undefined) out.nullCount = nullCount;
  const distinct = asCount(raw.field_4);
  if (distinct !== undefined) out.distinctCount = distinct;
  if (typeof raw.field_8 === 'boolean') out.minExact = raw.field_8;
  if (typeof raw.field_7 === 'boolean') out.maxExact = raw.field_7;
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

const utf8Encoder = new TextEncoder();

function isDecimal(v: StatValue): v is Decimal {
  return typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array);
}

/**
 * Orders two statistics of the same column the way Parquet orders them: strings and bytes by
 * unsigned bytes (so UTF-8 order, not JS UTF-16 order), decimals numerically, dates by time.
 */
export function compareStatValues(a: StatValue, b: StatValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return compareBytes(utf8Encoder.encode(a), utf8Encoder.encode(b));
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (isDecimal(a) && isDecimal(b)) {
    const scale = Math.max(a.scale, b.scale);
    const x = a.unscaled * 10n ** BigInt(scale - a.scale);
    const y = b.unscaled * 10n ** BigInt(scale - b.scale);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new ParquetError('PARQUET_INVALID_ARGUMENT', `Cannot compare statistics of different kinds (${String(a)} and ${String(b)}).`);
}

/** Renders a Decimal exactly, e.g. { unscaled: -1234n, scale: 2 } -> "-12.34". */
export function decimalToString(d: Decimal): string {
  const negative = d.unscaled < 0n;
  const digits = (negative ? -d.unscaled : d.unscaled).toString();
  if (d.scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-d.scale);
  const padded = digits.padStart(d.scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -d.scale)}.${padded.slice(-d.scale)}`;
}
