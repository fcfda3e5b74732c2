// Where a large table is cut for encoding piece by piece (see piece-join.ts): row ranges of about
// a given number of Arrow bytes, whole multiples of the row-group size when one is set, so the
// file's row groups are what the caller asked for wherever the table is long enough.

import { DataType, type Data, type RecordBatch, type Table } from 'apache-arrow';

/**
 * Bytes of one column's values in `data`, counting only the rows it spans. Arrow JS slices value
 * and offset buffers with the data (row 0 is at index 0), so a slice's buffers are its own rows.
 */
function dataBytes(data: Data): number {
  const { length } = data;
  let bytes = data.nullBitmap ? Math.ceil(length / 8) : 0;
  const offsets = data.valueOffsets as ArrayLike<number | bigint> | undefined;
  if (offsets && (DataType.isUtf8(data.type) || DataType.isBinary(data.type) || DataType.isLargeUtf8(data.type) || DataType.isLargeBinary(data.type))) {
    const span = Number(offsets[length]) - Number(offsets[0]);
    return bytes + span + (length + 1) * (offsets as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT!;
  }
  if (offsets) bytes += (length + 1) * 4;
  if (data.values && data.children.length === 0 && !DataType.isBool(data.type)) {
    // fixed width: stride values of the array's element size per row
    bytes += length * data.stride * (data.values as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  } else if (data.values) {
    bytes += Math.min(data.values.byteLength, Math.ceil(length / 8) + 1);
  }
  for (const child of data.children) bytes += dataBytes(child);
  return bytes;
}

/** Approximate Arrow bytes of a batch (what its IPC stream and the encoder's copy of it take). */
export function batchBytes(batch: RecordBatch): number {
  let bytes = 0;
  for (const child of batch.data.children) bytes += dataBytes(child);
  return bytes;
}

function tableBytes(table: Table): number {
  return table.batches.reduce((n, b) => n + batchBytes(b), 0);
}

/**
 * [start, end) row ranges to encode one at a time, about `pieceBytes` each: one range when the
 * table is within one and a half times that. Pieces hold whole row groups of `rowGroupSize` rows
 * when it is smaller than a piece, and the last piece takes what is left.
 */
export function pieceRanges(table: Table, pieceBytes: number, rowGroupSize?: number): [number, number][] {
  const rows = table.numRows;
  const bytes = tableBytes(table);
  // As many pieces as the table holds pieces' bytes, rounded, all of one size (2/3 to 3/2 of
  // `pieceBytes`): never full pieces and a small remainder, which would cost one more encode, one
  // more join and a small row group at the end of the file.
  const count = Math.round(bytes / pieceBytes);
  if (rows <= 1 || count <= 1) return [[0, rows]];
  let per = Math.ceil(rows / count);
  if (rowGroupSize !== undefined) per = rowGroupSize <= per ? per - (per % rowGroupSize) : per;
  const out: [number, number][] = [];
  for (let start = 0; start < rows; start += per) out.push([start, Math.min(rows, start + per)]);
  return out;
}
