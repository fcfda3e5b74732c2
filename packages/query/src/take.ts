// Gathers rows of Arrow data by index (-1 gives a null row): typed-array copies for fixed-width,
// boolean and string columns, the core column builders for nested and other types.

import { DataType, makeData, RecordBatch, Struct, type Data, type Schema } from 'apache-arrow';
import { makeColumnBuilder } from '@lake/core/format';

function isValid(data: Data, row: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return true;
  const i = data.offset + row;
  return ((bitmap[i >> 3] >> (i & 7)) & 1) === 1;
}

function fixedStride(type: DataType): number | undefined {
  if (DataType.isDecimal(type)) return type.bitWidth / 32;
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDate(type) || DataType.isTimestamp(type) || DataType.isTime(type) || DataType.isDuration(type)) return 1;
  return undefined;
}

/** Validity bitmap and null count of the gathered rows. */
function gatherValidity(data: Data, rows: ArrayLike<number>): { nullBitmap?: Uint8Array; nullCount: number } {
  const n = rows.length;
  let nullCount = 0;
  const anyNullIndex = Array.prototype.some.call(rows, (r: number) => r < 0);
  if (data.nullCount === 0 && !anyNullIndex) return { nullCount: 0 };
  const bitmap = new Uint8Array(((n + 63) >> 6) << 3);
  for (let k = 0; k < n; k++) {
    const r = rows[k];
    if (r >= 0 && isValid(data, r)) bitmap[k >> 3] |= 1 << (k & 7);
    else nullCount++;
  }
  return nullCount === 0 ? { nullCount: 0 } : { nullBitmap: bitmap, nullCount };
}

/** Rows `rows` of `data` (a -1 index is a null). */
export function takeData(data: Data, rows: ArrayLike<number>): Data {
  const type = data.type as DataType;
  const n = rows.length;
  const stride = fixedStride(type);
  if (stride !== undefined) {
    const src = data.values as unknown as { constructor: new (n: number) => { [i: number]: unknown }; [i: number]: unknown };
    const out = new src.constructor(n * stride);
    for (let k = 0; k < n; k++) {
      const r = rows[k];
      if (r < 0) continue;
      for (let s = 0; s < stride; s++) out[k * stride + s] = src[r * stride + s];
    }
    return makeData({ type, length: n, ...gatherValidity(data, rows), data: out } as never);
  }
  if (DataType.isBool(type)) {
    const bits = data.values as Uint8Array;
    const out = new Uint8Array(((n + 63) >> 6) << 3);
    for (let k = 0; k < n; k++) {
      const r = rows[k];
      if (r < 0) continue;
      const i = data.offset + r;
      if ((bits[i >> 3] >> (i & 7)) & 1) out[k >> 3] |= 1 << (k & 7);
    }
    return makeData({ type, length: n, ...gatherValidity(data, rows), data: out } as never);
  }
  if (DataType.isUtf8(type) || DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const outOffsets = new Int32Array(n + 1);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const r = rows[k];
      if (r >= 0) total += offsets[r + 1] - offsets[r];
      outOffsets[k + 1] = total;
    }
    const out = new Uint8Array(total);
    for (let k = 0; k < n; k++) {
      const r = rows[k];
      if (r >= 0) out.set(bytes.subarray(offsets[r], offsets[r + 1]), outOffsets[k]);
    }
    return makeData({ type, length: n, ...gatherValidity(data, rows), valueOffsets: outOffsets, data: out } as never);
  }
  const builder = makeColumnBuilder(type);
  for (let k = 0; k < n; k++) {
    if (rows[k] < 0) builder.appendNull();
    else builder.appendFrom(data, rows[k]);
  }
  return builder.finish();
}

/** A batch of `schema` whose columns are `columns`, all of `length` rows. */
export function batchOf(schema: Schema, columns: Data[], length: number): RecordBatch {
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: columns }));
}

/** The rows of a batch at the given indexes. */
export function takeBatch(batch: RecordBatch, rows: ArrayLike<number>): RecordBatch {
  const children = (batch.data.children as Data[]).map((c) => takeData(c, rows));
  return batchOf(batch.schema, children, rows.length);
}

/** The batch with only the named columns, in that order. */
export function projectBatch(batch: RecordBatch, schema: Schema): RecordBatch {
  const names = batch.schema.fields.map((f) => f.name);
  const children = schema.fields.map((f) => (batch.data.children as Data[])[names.indexOf(f.name)]);
  return batchOf(schema, children, batch.numRows);
}
