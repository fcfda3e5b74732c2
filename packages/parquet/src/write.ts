// Writing Arrow tables as Parquet: compression, row-group size and footer key-value metadata.
// The Arrow schema travels in the footer (ARROW:schema), which is what lets reads restore
// types Parquet alone cannot name (timezones, Int8/Int16 widths, map/list field names).
// Decimals are always FIXED_LEN_BYTE_ARRAY of Spark's byte width (see fixed-decimals.ts).
// A large table is encoded in pieces joined into one file (see piece-join.ts).

import type { Table } from 'apache-arrow';
import { encode, type Compression } from './wasm-codec.js';
import { encodePooled } from './encode-pool.js';
import { pieceRanges } from './piece-plan.js';
import { checkOptions, DEFAULT_PIECE_BYTES, pieceCollector, planWrite, type PlannedWrite, type WriteOptions } from './write-plan.js';

export type { Compression, WriteOptions };

/**
 * The encodes of a write: the whole table, or its pieces (see `pieceBytes`), the first of which
 * carries the footer metadata that the joined file takes from it.
 */
function* plannedPieces(table: Table, options: WriteOptions): Generator<PlannedWrite> {
  const checked = checkOptions(table.numRows, options);
  const ranges = pieceRanges(table, checked.pieceBytes ?? DEFAULT_PIECE_BYTES, checked.rowGroupSize);
  if (ranges.length <= 1) {
    yield planWrite(table, checked);
    return;
  }
  const { metadata: _first, ...rest } = checked;
  // planned one at a time: a piece's decimal layout exists only while it is encoded
  for (const [i, [start, end]] of ranges.entries()) yield planWrite(table.slice(start, end), i === 0 ? checked : rest);
}

export function writeParquet(table: Table, options: WriteOptions = {}): Uint8Array {
  const file = pieceCollector(table.numRows);
  for (const p of plannedPieces(table, options)) file.add(p.finish(encode(p.table, p.settings)), p.table.numRows);
  return file.finish();
}

/**
 * `writeParquet` with the encoding on a worker thread (see encode-pool.ts), so that the caller's
 * thread is free meanwhile; same bytes. Falls back to the calling thread for small tables and
 * where workers do not exist.
 */
export async function writeParquetAsync(table: Table, options: WriteOptions = {}, pool: AsyncWriteOptions = {}): Promise<Uint8Array> {
  const file = pieceCollector(table.numRows);
  // one piece at a time: each one's Arrow IPC copy is dropped before the next is made
  for (const p of plannedPieces(table, options)) file.add(p.finish(await encodePooled(p.table, p.settings, undefined, pool.callerWhenBusy)), p.table.numRows);
  return file.finish();
}

/** How `writeParquetAsync` shares the encoding with the worker pool. */
export interface AsyncWriteOptions {
  /**
   * Encode on the calling thread when every worker is taken, instead of waiting for one: for
   * callers that encode several independent files at once and do nothing else meanwhile.
   */
  callerWhenBusy?: boolean;
}
