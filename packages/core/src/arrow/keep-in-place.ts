// Keeping some rows of a freshly decoded batch by moving them down within its own buffers: a
// write that only drops rows (a delete by key drops a few in each batch of thousands) would
// otherwise copy every column of every batch into new buffers, and leave the old ones as garbage.
// Kept rows are moved a run of consecutive rows at a time. Columns whose layout is not a plain
// buffer (nulls, nested, boolean and dictionary types, data not at offset 0) are taken as copies.

import { makeData, RecordBatch, Struct, Type, type Data } from 'apache-arrow';

import { takeData } from './take.js';
import { fixedWidth, type FixedValues } from './fixed-width.js';

/** Calls `run(from, to, at)` for each run of consecutive rows [from, to) of `rows`, `at` its output position. */
function eachRun(rows: Int32Array, run: (from: number, to: number, at: number) => void): void {
  let k = 0;
  while (k < rows.length) {
    const start = k;
    while (k + 1 < rows.length && rows[k + 1] === rows[k] + 1) k++;
    k++;
    run(rows[start], rows[start] + (k - start), start);
  }
}

function keepFixed(data: Data, rows: Int32Array): Data {
  const values = data.values as FixedValues;
  const stride = data.stride;
  eachRun(rows, (from, to, at) => {
    if (at !== from) values.copyWithin(at * stride, from * stride, to * stride);
  });
  return makeData({ type: data.type, length: rows.length, nullCount: 0, data: values.subarray(0, rows.length * stride) } as never);
}

function keepVariable(data: Data, rows: Int32Array): Data {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  eachRun(rows, (from, to, at) => {
    const begin = offsets[from];
    const end = offsets[to];
    const shift = begin - offsets[at];
    if (shift !== 0) bytes.copyWithin(begin - shift, begin, end);
    // ascending: offsets[r] is read before any write at or past it (at <= from)
    for (let r = from; r < to; r++) offsets[at + (r - from) + 1] = offsets[r + 1] - shift;
  });
  const length = rows.length;
  return makeData({ type: data.type, length, nullCount: 0, valueOffsets: offsets.subarray(0, length + 1), data: bytes.subarray(0, offsets[length]) } as never);
}

function keepColumn(data: Data, rows: Int32Array): Data {
  if (data.offset === 0 && data.nullCount === 0) {
    if (fixedWidth(data.type) && data.values) return keepFixed(data, rows);
    const id = data.type.typeId;
    if ((id === Type.Utf8 || id === Type.Binary) && data.valueOffsets instanceof Int32Array) return keepVariable(data, rows);
  }
  return takeData(data, rows);
}

/**
 * The rows `rows` (strictly ascending) of `batch`, moved down in `batch`'s own buffers where the
 * layout allows: `batch` must be freshly decoded and not read again after this.
 */
export function keepRowsInPlace(batch: RecordBatch, rows: Int32Array): RecordBatch {
  for (let k = 1; k < rows.length; k++) {
    if (rows[k] <= rows[k - 1]) throw new RangeError('rows to keep must be strictly ascending');
  }
  const children = (batch.data as unknown as Data).children.map((c) => keepColumn(c, rows));
  return new RecordBatch(batch.schema, makeData({ type: new Struct(batch.schema.fields), length: rows.length, nullCount: 0, children }));
}
