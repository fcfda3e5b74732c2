// Writing Arrow tables as Parquet: compression, row-group size and footer key-value metadata.
// The Arrow schema travels in the footer (ARROW:schema), which is what lets reads restore
// types Parquet alone cannot name (timezones, Int8/Int16 widths, map/list field names).
// Decimals are always FIXED_LEN_BYTE_ARRAY of Spark's byte width (see fixed-decimals.ts).

import type { Table } from 'apache-arrow';
import { ParquetError } from './errors.js';
import { annotateFixedDecimals } from './decimal-footer.js';
import { toFixedDecimals } from './fixed-decimals.js';
import { COMPRESSIONS, encode, type Compression, type EncodeSettings } from './wasm-codec.js';
import { encodePooled } from './encode-pool.js';
import { addBloomFilters, type BloomFilterColumn } from './bloom-write.js';
import { bloomRowGroupRows } from './bloom-build.js';
import { joinParquetPieces } from './piece-join.js';
import { pieceRanges } from './piece-plan.js';

export type { Compression };

export interface WriteOptions {
  /** Page compression codec (default zstd). */
  compression?: Compression;
  /**
   * Maximum rows per row group. Default: 1,048,576, except in a file with bloom filters, which is
   * cut into up to 8 even row groups of 32,768 to 131,072 rows so a filter's "maybe" reads a part
   * of the column, not all of it.
   */
  rowGroupSize?: number;
  /** Footer key-value metadata. */
  metadata?: Record<string, string>;
  /** Columns to give a split-block bloom filter in every row group (columns the table lacks are skipped). */
  bloomFilters?: readonly BloomFilterColumn[];
  /**
   * Arrow bytes encoded in one piece (default 8 MiB). A larger table is encoded piece by piece,
   * each its own row group(s), and the pieces joined into one file: the encoder's memory, which
   * never shrinks, grows to one piece rather than the whole table.
   */
  pieceBytes?: number;
}

const RESERVED_KEYS = new Set(['ARROW:schema']);

/** What a write encodes: the table in the decimal layout, the encoder settings, and how to finish the file. */
interface PlannedWrite {
  table: Table;
  settings: EncodeSettings;
  finish(bytes: Uint8Array): Uint8Array;
}

/** Checks the options and settles what is the same for every piece: the row-group size. */
function checkOptions(table: Table, options: WriteOptions): WriteOptions {
  const compression = options.compression ?? 'zstd';
  if (!Object.hasOwn(COMPRESSIONS, compression)) {
    throw new ParquetError(
      'PARQUET_INVALID_ARGUMENT',
      `Unknown compression "${String(compression)}". Use one of: ${Object.keys(COMPRESSIONS).join(', ')}.`,
    );
  }
  const { metadata } = options;
  const bloom = options.bloomFilters ?? [];
  const withBloom = bloom.length > 0;
  const rowGroupSize = options.rowGroupSize ?? (withBloom ? bloomRowGroupRows(table.numRows) : undefined);
  if (rowGroupSize !== undefined && (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1)) {
    throw new ParquetError('PARQUET_INVALID_ARGUMENT', `rowGroupSize must be a positive integer number of rows, got ${String(rowGroupSize)}.`);
  }
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new ParquetError('PARQUET_INVALID_ARGUMENT', `Footer metadata value for "${key}" must be a string, got ${typeof value}.`);
      }
      if (RESERVED_KEYS.has(key)) {
        throw new ParquetError('PARQUET_INVALID_ARGUMENT', `Footer metadata key "${key}" is reserved for the Arrow schema the writer stores.`);
      }
    }
  }
  validateBloomColumns(options.bloomFilters);
  const { pieceBytes } = options;
  if (pieceBytes !== undefined && (!Number.isSafeInteger(pieceBytes) || pieceBytes < 1)) {
    throw new ParquetError('PARQUET_INVALID_ARGUMENT', `pieceBytes must be a positive integer number of bytes, got ${String(pieceBytes)}.`);
  }
  return { ...options, compression, ...(rowGroupSize !== undefined ? { rowGroupSize } : {}) };
}

/** One encode: `table` is the whole table or one piece of it; `options` went through checkOptions. */
function planWrite(table: Table, options: WriteOptions): PlannedWrite {
  const compression = options.compression ?? 'zstd';
  const { metadata, rowGroupSize } = options;
  const bloom = options.bloomFilters ?? [];
  const withBloom = bloom.length > 0;
  // decimals go out in the fixed-byte layout Spark and Hudi read, whatever their precision
  const decimals = toFixedDecimals(table);
  return {
    table: decimals.table,
    settings: {
      compression,
      ...(rowGroupSize !== undefined ? { rowGroupSize } : {}),
      ...(metadata !== undefined ? { keyValueMetadata: metadata } : {}),
      ...(decimals.leaves.length > 0 ? { withoutStatistics: decimals.leaves.map((l) => l.path.join('.')) } : {}),
    },
    finish(bytes) {
      const file = decimals.leaves.length > 0 ? annotateFixedDecimals(bytes, decimals.leaves, table) : bytes;
      return withBloom ? addBloomFilters(file, table, bloom) : file;
    },
  };
}

/**
 * The encodes of a write: the whole table, or its pieces (see `pieceBytes`), the first of which
 * carries the footer metadata that the joined file takes from it.
 */
function* plannedPieces(table: Table, options: WriteOptions): Generator<PlannedWrite> {
  const checked = checkOptions(table, options);
  const ranges = pieceRanges(table, checked.pieceBytes ?? DEFAULT_PIECE_BYTES, checked.rowGroupSize);
  if (ranges.length <= 1) {
    yield planWrite(table, checked);
    return;
  }
  const { metadata: _first, ...rest } = checked;
  // planned one at a time: a piece's decimal conversion is made only when it is encoded
  for (const [i, [start, end]] of ranges.entries()) yield planWrite(table.slice(start, end), i === 0 ? checked : rest);
}

/** Arrow bytes encoded in one call at most, unless the caller says otherwise. */
const DEFAULT_PIECE_BYTES = 8 * 1024 * 1024;

export function writeParquet(table: Table, options: WriteOptions = {}): Uint8Array {
  const pieces: Uint8Array[] = [];
  for (const p of plannedPieces(table, options)) pieces.push(p.finish(encode(p.table, p.settings)));
  return joinParquetPieces(pieces);
}

/**
 * `writeParquet` with the encoding on a worker thread (see encode-pool.ts), so that the caller's
 * thread is free meanwhile; same bytes. Falls back to the calling thread for small tables and
 * where workers do not exist.
 */
export async function writeParquetAsync(table: Table, options: WriteOptions = {}): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  // one piece at a time: each one's Arrow IPC copy is dropped before the next is made
  for (const p of plannedPieces(table, options)) pieces.push(p.finish(await encodePooled(p.table, p.settings)));
  return joinParquetPieces(pieces);
}

function validateBloomColumns(columns: readonly BloomFilterColumn[] | undefined): void {
  for (const c of columns ?? []) {
    if (typeof c.column !== 'string' || c.column === '') throw new ParquetError('PARQUET_INVALID_ARGUMENT', 'A bloom filter column needs a column name.');
    if (c.fpp !== undefined && !(c.fpp > 0 && c.fpp < 1)) {
      throw new ParquetError('PARQUET_INVALID_ARGUMENT', `The bloom filter false-positive probability of "${c.column}" must be between 0 and 1 (exclusive), got ${String(c.fpp)}.`);
    }
    if (c.ndv !== undefined && (!Number.isSafeInteger(c.ndv) || c.ndv < 1)) {
      throw new ParquetError('PARQUET_INVALID_ARGUMENT', `The bloom filter expected distinct values of "${c.column}" must be a positive integer, got ${String(c.ndv)}.`);
    }
  }
}
