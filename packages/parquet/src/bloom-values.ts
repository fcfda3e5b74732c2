// The hash a Parquet bloom filter holds for a value: xxHash64 of the value's PLAIN encoding in
// the column's physical type (BYTE_ARRAY: the bytes without their length prefix; INT32, INT64,
// FLOAT, DOUBLE: little-endian). Write side: hashes of an Arrow column's non-null values. Probe
// side: the hash of a query or erasure literal, or undefined when the literal does not map to one
// stored value exactly (then a filter cannot rule anything out).

import { makeVector, Precision, Type, type Data, type DataType, type Vector } from 'apache-arrow';
import { ParquetError } from './errors.js';
import type { ParquetColumn } from './file-metadata.js';
import { xxhash64Ranges } from './xxhash64-batch.js';
import { xxhash64Into } from './xxhash64-halves.js';
import { xxhash64Bytes, xxhash64Double, xxhash64Float, xxhash64Int32, xxhash64Int64, xxhash64Utf8 } from './xxhash64.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Arrow types whose Parquet PLAIN bytes lake reproduces for a bloom filter. */
function hashableArrowType(type: DataType): boolean {
  switch (type.typeId) {
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
    case Type.Int:
      return true;
    case Type.Float:
      return (type as unknown as { precision: Precision }).precision !== Precision.HALF;
    case Type.Date:
      return (type as unknown as { unit: number }).unit === 0; // DAY: stored as INT32 days
    case Type.Timestamp:
      return (type as unknown as { unit: number }).unit !== 0; // SECOND is rescaled by the writer
    case Type.Dictionary:
      return hashableArrowType((type as unknown as { dictionary: DataType }).dictionary);
    default:
      return false;
  }
}

/** What hashing a column's values needs to know of it: its name (for errors) and how it is stored. */
export type StoredColumn = Pick<ParquetColumn, 'name' | 'physicalType'>;

/** Hashes of a column's rows as 32-bit halves (row i: low at 2i, high at 2i+1); `valid[i]` 0 for nulls. */
export interface ColumnHashes {
  halves: Uint32Array;
  valid: Uint8Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Hashes of every row's value of an Arrow column stored as `column`, split into 32-bit halves
 * so filters are filled without BigInt arithmetic per value. Throws PARQUET_INVALID_ARGUMENT for
 * a type whose stored bytes lake does not reproduce.
 */
export function arrowColumnHashes(vector: Vector, column: StoredColumn): ColumnHashes {
  if (!hashableArrowType(vector.type)) {
    throw new ParquetError(
      'PARQUET_INVALID_ARGUMENT',
      `Cannot write a bloom filter for column "${column.name}" of type ${String(vector.type)}: ` +
        'bloom filters are supported on string, binary, integer, floating-point, date and timestamp (milli-, micro-, nanosecond) columns. ' +
        'Remove the column from the bloom filter columns.',
    );
  }
  const valid = new Uint8Array(vector.length);
  if (storedAsBytes(vector.type, column)) {
    // the common case (string ids): hashed straight into halves, nothing allocated per value
    const halves = new Uint32Array(vector.length * 2);
    let row = 0;
    for (const data of vector.data) {
      hashBinaryData(data, halves, valid, row);
      row += data.length;
    }
    return { halves, valid };
  }
  const all = new BigUint64Array(vector.length);
  let row = 0;
  for (const data of vector.data) {
    hashData(data, column, all, valid, row);
    row += data.length;
  }
  if (LITTLE_ENDIAN) return { halves: new Uint32Array(all.buffer), valid };
  const halves = new Uint32Array(all.length * 2);
  for (let i = 0; i < all.length; i++) {
    halves[2 * i] = Number(all[i] & 0xffffffffn);
    halves[2 * i + 1] = Number(all[i] >> 32n);
  }
  return { halves, valid };
}

/** Variable-width Arrow binaries or strings stored as Parquet byte arrays: hashed from Arrow's buffers. */
function storedAsBytes(type: DataType, column: StoredColumn): boolean {
  const typeId = type.typeId;
  const binary = typeId === Type.Utf8 || typeId === Type.Binary || typeId === Type.LargeUtf8 || typeId === Type.LargeBinary;
  return binary && (column.physicalType === 'BYTE_ARRAY' || column.physicalType === 'FIXED_LEN_BYTE_ARRAY');
}

/** The stored bytes straight from Arrow's buffers: no string is decoded and re-encoded. */
function hashBinaryData(data: Data, halves: Uint32Array, valid: Uint8Array, first: number): void {
  const noNulls = data.nullCount === 0;
  const bytes = data.values as Uint8Array;
  // A slice's offsets start at its first row (Arrow cuts them to the slice; `data.offset` only
  // still applies to the validity bitmap), so row i's bytes lie between offsets i and i + 1.
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  if (LITTLE_ENDIAN) {
    // every value at once in WebAssembly (its memory is little-endian, as the halves' view must be)
    xxhash64Ranges(bytes, offsets, data.length, halves, first);
    if (noNulls) {
      valid.fill(1, first, first + data.length);
      return;
    }
    for (let i = 0; i < data.length; i++) {
      if (data.getValid(i)) {
        valid[first + i] = 1;
      } else {
        halves[2 * (first + i)] = 0;
        halves[2 * (first + i) + 1] = 0;
      }
    }
    return;
  }
  const wide = offsets instanceof BigInt64Array;
  for (let i = 0; i < data.length; i++) {
    if (!noNulls && !data.getValid(i)) continue;
    if (wide) xxhash64Into(bytes, Number(offsets[i]), Number(offsets[i + 1]), halves, 2 * (first + i));
    else xxhash64Into(bytes, (offsets as Int32Array)[i], (offsets as Int32Array)[i + 1], halves, 2 * (first + i));
    valid[first + i] = 1;
  }
}

function hashData(data: Data, column: StoredColumn, out: BigUint64Array, valid: Uint8Array, first: number): void {
  const typeId = data.type.typeId;
  const noNulls = data.nullCount === 0;
  // fixed-width values are read from the buffer as stored (Arrow's getters turn dates and
  // timestamps into milliseconds); fixed-size binaries and dictionary entries through the getter
  const fixedWidth = typeId === Type.Int || typeId === Type.Float || typeId === Type.Date || typeId === Type.Timestamp;
  const values = data.values as ArrayLike<number | bigint>;
  const vector = fixedWidth ? undefined : makeVector(data);
  for (let i = 0; i < data.length; i++) {
    if (!noNulls && !data.getValid(i)) continue;
    // as with offsets, a slice's value buffer starts at its first row
    out[first + i] = BigInt.asUintN(64, hashStored(fixedWidth ? values[i] : vector!.get(i), column));
    valid[first + i] = 1;
  }
}

/** Hash of a value exactly as stored in the column's physical type. */
function hashStored(value: unknown, column: StoredColumn): bigint {
  switch (column.physicalType) {
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      return typeof value === 'string' ? xxhash64Utf8(value) : xxhash64Bytes(value as Uint8Array);
    case 'INT32':
      return xxhash64Int32(Number(value));
    case 'INT64':
      return xxhash64Int64(BigInt(value as number | bigint));
    case 'FLOAT':
      return xxhash64Float(Number(value));
    case 'DOUBLE':
      return xxhash64Double(Number(value));
    default:
      throw new ParquetError('PARQUET_INVALID_ARGUMENT', `Cannot write a bloom filter for column "${column.name}" stored as ${column.physicalType}.`);
  }
}

/**
 * The hash to probe a filter with for a literal compared by equality, or undefined when the
 * literal cannot be matched to one stored value (other type, out of range, lossy annotations
 * such as dates, timestamps and decimals): the caller then treats the row group as "maybe".
 */
export function probeHash(value: unknown, column: ParquetColumn): bigint | undefined {
  if (value === null || value === undefined) return undefined;
  const logical = column.logicalType?.type;
  switch (column.physicalType) {
    case 'BYTE_ARRAY':
      if (typeof value === 'string') {
        return logical === undefined || logical === 'STRING' || logical === 'ENUM' || logical === 'JSON' ? xxhash64Utf8(value) : undefined;
      }
      return value instanceof Uint8Array && logical !== 'DECIMAL' ? xxhash64Bytes(value) : undefined;
    case 'FIXED_LEN_BYTE_ARRAY':
      return value instanceof Uint8Array && value.length === column.typeLength && logical !== 'DECIMAL' && logical !== 'FLOAT16' ? xxhash64Bytes(value) : undefined;
    case 'INT32': {
      if (logical !== undefined && logical !== 'INTEGER') return undefined;
      const n = integerOf(value);
      if (n === undefined) return undefined;
      const unsigned = column.logicalType?.type === 'INTEGER' && !column.logicalType.isSigned;
      if (unsigned ? n < 0n || n > 0xffffffffn : n < BigInt(INT32_MIN) || n > BigInt(INT32_MAX)) return undefined;
      return xxhash64Int32(Number(BigInt.asIntN(32, n)));
    }
    case 'INT64': {
      if (logical !== undefined && logical !== 'INTEGER') return undefined;
      const n = integerOf(value);
      if (n === undefined) return undefined;
      const unsigned = column.logicalType?.type === 'INTEGER' && !column.logicalType.isSigned;
      if (unsigned ? n < 0n || n > 0xffffffffffffffffn : n < -(2n ** 63n) || n > 2n ** 63n - 1n) return undefined;
      return xxhash64Int64(n);
    }
    case 'FLOAT':
      // 0 and -0 are equal but hash apart; NaN equals nothing; a double may not be a float
      if (typeof value !== 'number' || value === 0 || Number.isNaN(value) || Math.fround(value) !== value) return undefined;
      return xxhash64Float(value);
    case 'DOUBLE':
      if (typeof value !== 'number' || value === 0 || Number.isNaN(value)) return undefined;
      return xxhash64Double(value);
    default:
      return undefined;
  }
}

function integerOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}
