// Decimals in the layout Spark and Hudi write (Spark's writeLegacyFormat, which Hudi forces):
// FIXED_LEN_BYTE_ARRAY of the fewest bytes that hold the precision, big-endian two's complement.
// The Parquet writer would put precisions up to 18 into INT32/INT64, which parquet-avro cannot
// read as the Avro `fixed` decimal Hudi's schema names, so those columns are handed to it as
// FixedSizeBinary and re-annotated as DECIMAL in the footer afterwards (decimal-footer.ts).

import { Data, DataType, Field, List, Map_, RecordBatch, Schema, Struct, Table, FixedSizeBinary, FixedSizeList, LargeList, type Decimal } from 'apache-arrow';
import { ParquetError } from './errors.js';

/** Largest precision the Parquet writer would store as INT32/INT64 instead of fixed bytes. */
const MAX_INT_PRECISION = 18;

/** Spark's Decimal.minBytesForPrecision: the fewest bytes whose two's complement holds 10^p - 1. */
export function minBytesForPrecision(precision: number): number {
  const limit = 10n ** BigInt(precision);
  let bytes = 1;
  while (1n << BigInt(8 * bytes - 1) < limit) bytes++;
  return bytes;
}

/** A decimal leaf column rewritten as fixed bytes. */
export interface FixedDecimalLeaf {
  /** Position among the Parquet leaf columns (depth-first, as the writer lays them out). */
  leaf: number;
  /** The column path the Parquet writer gives the leaf (its settings are keyed by it). */
  path: string[];
  precision: number;
  scale: number;
  byteWidth: number;
  /** Index of the top-level field when the decimal is one (its statistics are computed then). */
  field?: number;
}

export interface FixedDecimalPlan {
  /** The table to hand to the writer (the input itself when it has no such decimal). */
  table: Table;
  leaves: FixedDecimalLeaf[];
}

interface Walk {
  leaf: number;
  leaves: FixedDecimalLeaf[];
}

function needsFixed(type: DataType): type is Decimal {
  return DataType.isDecimal(type) && type.precision <= MAX_INT_PRECISION;
}

/** Rewrites the field's type, recording decimal leaves; mirrors how the writer nests leaves. */
function convertField(field: Field, path: string[], walk: Walk, topLevel: number | undefined): Field {
  const type = field.type;
  const child = (f: Field, p: string[]): Field => convertField(f, p, walk, undefined);
  let converted: DataType;
  if (needsFixed(type)) {
    const byteWidth = minBytesForPrecision(type.precision);
    walk.leaves.push({
      leaf: walk.leaf++,
      path,
      precision: type.precision,
      scale: type.scale,
      byteWidth,
      ...(topLevel !== undefined ? { field: topLevel } : {}),
    });
    converted = new FixedSizeBinary(byteWidth);
  } else if (DataType.isStruct(type)) {
    converted = new Struct(type.children.map((c) => child(c, [...path, c.name])));
  } else if (DataType.isList(type)) {
    converted = new List(child(type.children[0], [...path, 'list', type.children[0].name]));
  } else if (DataType.isLargeList(type)) {
    converted = new LargeList(child(type.children[0], [...path, 'list', type.children[0].name]));
  } else if (DataType.isFixedSizeList(type)) {
    converted = new FixedSizeList(type.listSize, child(type.children[0], [...path, 'list', type.children[0].name]));
  } else if (DataType.isMap(type)) {
    const entries = type.children[0];
    const [key, value] = (entries.type as Struct).children;
    const entryPath = [...path, entries.name];
    const entryType = new Struct([child(key, [...entryPath, key.name]), child(value, [...entryPath, value.name])]);
    converted = new Map_(new Field(entries.name, entryType, entries.nullable, entries.metadata), type.keysSorted);
  } else {
    walk.leaf++;
    return field;
  }
  return new Field(field.name, converted, field.nullable, field.metadata);
}

/** Whether slot `i` of the data (relative to its offset) holds a value. */
export function isValid(data: Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return true;
  const at = data.offset + i;
  return ((data.nullBitmap[at >> 3] >> (at & 7)) & 1) === 1;
}

/** Low `width` bytes of each 128-bit little-endian decimal, big-endian, refusing values that do not fit. */
function fixedBytes(data: Data<Decimal>, width: number, column: string): Uint8Array {
  const stride = data.type.bitWidth / 8;
  const words = data.values;
  const le = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  // Arrow JS slices value buffers along with the data (row i is at i * stride), while null
  // bitmaps stay whole and are read at offset + i
  const out = new Uint8Array(data.length * width);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) continue;
    const src = i * stride;
    const sign = le[src + width - 1] & 0x80 ? 0xff : 0;
    for (let b = width; b < stride; b++) {
      if (le[src + b] !== sign) {
        throw new ParquetError(
          'PARQUET_INVALID_ARGUMENT',
          `Column ${column} holds a value with more digits than its decimal(${data.type.precision}, ${data.type.scale}) type allows (row ${i} of a batch). ` +
            'Round or widen the column before writing.',
        );
      }
    }
    const dst = i * width;
    for (let b = 0; b < width; b++) out[dst + b] = le[src + width - 1 - b];
  }
  return out;
}

/** Rebuilds the data under the converted type: decimals get fixed bytes, nested data new children. */
function convertData(data: Data, to: DataType, column: string): Data {
  if (to === data.type) return data;
  if (DataType.isFixedSizeBinary(to) && DataType.isDecimal(data.type)) {
    const bytes = fixedBytes(data as Data<Decimal>, to.byteWidth, column);
    return new Data(to, data.offset, data.length, data.nullCount, { [2]: data.nullBitmap, [1]: bytes }) as Data;
  }
  const children = data.children.map((c, i) => convertData(c, to.children[i].type, column === '' ? to.children[i].name : `${column}.${to.children[i].name}`));
  return data.clone(to, data.offset, data.length, data.nullCount, data.buffers, children);
}

/** Plans the decimal rewrite for a table; leaves the table untouched when nothing needs it. */
export function toFixedDecimals(table: Table): FixedDecimalPlan {
  const walk: Walk = { leaf: 0, leaves: [] };
  const fields = table.schema.fields.map((f, i) => convertField(f, [f.name], walk, i));
  if (walk.leaves.length === 0) return { table, leaves: [] };
  const schema = new Schema(fields, table.schema.metadata);
  const struct = new Struct(fields);
  const batches = table.batches.map((batch) => new RecordBatch(schema, convertData(batch.data, struct, '') as Data<Struct>));
  return { table: new Table(schema, batches), leaves: walk.leaves };
}
