// Writing Arrow tables as Parquet: compression, row-group size and footer key-value metadata.
// The Arrow schema travels in the footer (ARROW:schema), which is what lets reads restore
// types Parquet alone cannot name (timezones, Int8/Int16 widths, map/list field names).
// Decimals are always FIXED_LEN_BYTE_ARRAY of Spark's byte width (see fixed-decimals.ts).
// A large table is encoded in pieces joined into one file (see piece-join.ts).

import type { Table } from 'apache-arrow';
import { encode, type Compression } from './wasm-codec.js';
import { encodePooled } from './encode-pool.js';
import { pieceRanges } from './piece-plan.js';
import { checkOptions, DEFAULT_PIECE_BYTES, pieceCollector, planWrite, type EncodedPiece, type PlannedWrite, type WriteOptions } from './write-plan.js';

export type { Compression, WriteOptions };

/**
 * The encodes of a write: the whole table, or its pieces (see `pieceBytes`), the first of which
 * carries the footer metadata that the joined file takes from it. `whole` when it is one encode.
 */
function* plannedPieces(table: Table, options: WriteOptions): Generator<{ plan: PlannedWrite; whole: boolean }> {
  const checked = checkOptions(table.numRows, options);
  const ranges = pieceRanges(table, checked.pieceBytes ?? DEFAULT_PIECE_BYTES, checked.rowGroupSize);
  if (ranges.length <= 1) {
    yield { plan: planWrite(table, checked), whole: true };
    return;
  }
  const { metadata: _first, ...rest } = checked;
  // planned one at a time: a piece's decimal layout exists only while it is encoded
  for (const [i, [start, end]] of ranges.entries()) yield { plan: planWrite(table.slice(start, end), i === 0 ? checked : rest), whole: false };
}

/** A whole file is finished as it is; a piece leaves its bloom filters to the join. */
function finished(plan: PlannedWrite, whole: boolean, encoded: Uint8Array): EncodedPiece {
  return whole ? { bytes: plan.finish(encoded), filters: [] } : plan.finishPiece(encoded);
}

export function writeParquet(table: Table, options: WriteOptions = {}): Uint8Array {
  const file = pieceCollector(table.numRows);
  for (const { plan, whole } of plannedPieces(table, options)) file.add(finished(plan, whole, encode(plan.table, plan.settings)), plan.table.numRows);
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
  for (const { plan, whole } of plannedPieces(table, options)) file.add(finished(plan, whole, await encodePooled(plan.table, plan.settings, undefined, pool.callerWhenBusy)), plan.table.numRows);
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
