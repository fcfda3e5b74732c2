// What every Parquet write settles before encoding: checked options, the row-group size, the
// decimal layout and bloom filters of each encode, and how encoded pieces become one file.

import type { Table } from 'apache-arrow';
import { ParquetError } from './errors.js';
import { annotateFixedDecimals } from './decimal-footer.js';
import { toFixedDecimals } from './fixed-decimals.js';
import { COMPRESSIONS, type Compression, type EncodeSettings } from './wasm-codec.js';
import { addBloomFilters, computeBloomFilters, placeBloomFilters, type BloomFilterColumn, type PieceBloomFilter } from './bloom-write.js';
import { bloomRowGroupRows } from './bloom-build.js';
import { pieceJoin, type PieceJoin } from './piece-join.js';
import { appendFooterKeyValues, type FooterMetadata } from './footer-key-values.js';

export interface WriteOptions {
  /** Page compression codec (default zstd). */
  compression?: Compression;
  /**
   * Maximum rows per row group. Default: 1,048,576, except in a file with bloom filters, which is
   * cut into up to 8 even row groups of 32,768 to 131,072 rows so a filter's "maybe" reads a part
   * of the column, not all of it.
   */
  rowGroupSize?: number;
  /**
   * Footer key-value metadata. A value given as bytes (its UTF-8 text) is placed in the footer
   * after encoding, never made a string: for large values such as a Hudi bloom filter.
   */
  metadata?: FooterMetadata;
  /** Columns to give a split-block bloom filter in every row group (columns the table lacks are skipped). */
  bloomFilters?: readonly BloomFilterColumn[];
  /**
   * Arrow bytes encoded in one piece (default 8 MiB). A larger table is encoded piece by piece,
   * each its own row group(s), and the pieces joined into one file: the encoder's memory, which
   * never shrinks, grows to one piece rather than the whole table.
   */
  pieceBytes?: number;
  /**
   * Top-level columns written without a dictionary: columns whose values are all distinct (a
   * record key, a sequence number), where building a dictionary only costs time before the
   * encoder gives up on it. The values and their types are the same either way.
   */
  withoutDictionary?: readonly string[];
}

const RESERVED_KEYS = new Set(['ARROW:schema']);

/** What a write encodes: the table in the decimal layout, the encoder settings, and how to finish the file. */
export interface PlannedWrite {
  table: Table;
  settings: EncodeSettings;
  /** The encoded file made whole: its decimal annotations, byte key-values and bloom filters. */
  finish(bytes: Uint8Array): Uint8Array;
  /**
   * The same for one piece of a file being joined: its bloom filters are returned for the join to
   * place, so the piece is not copied to hold them and then copied again into the file.
   */
  finishPiece(bytes: Uint8Array): EncodedPiece;
}

/** A piece as the join takes it: its bytes and the filters still to place. */
export interface EncodedPiece {
  bytes: Uint8Array;
  filters: PieceBloomFilter[];
}

/** Checks the options and settles what is the same for every piece: the row-group size. */
export function checkOptions(numRows: number, options: WriteOptions): WriteOptions {
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
  const rowGroupSize = options.rowGroupSize ?? (withBloom ? bloomRowGroupRows(numRows) : undefined);
  if (rowGroupSize !== undefined && (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1)) {
    throw new ParquetError('PARQUET_INVALID_ARGUMENT', `rowGroupSize must be a positive integer number of rows, got ${String(rowGroupSize)}.`);
  }
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
        throw new ParquetError('PARQUET_INVALID_ARGUMENT', `Footer metadata value for "${key}" must be a string or its UTF-8 bytes, got ${typeof value}.`);
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
export function planWrite(table: Table, options: WriteOptions): PlannedWrite {
  const compression = options.compression ?? 'zstd';
  const { metadata, rowGroupSize } = options;
  const text: Record<string, string> = {};
  const bytes: [string, Uint8Array][] = [];
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value === 'string') text[key] = value;
    else bytes.push([key, value]);
  }
  const bloom = options.bloomFilters ?? [];
  const withBloom = bloom.length > 0;
  // decimals go out in the fixed-byte layout Spark and Hudi read, whatever their precision
  const decimals = toFixedDecimals(table);
  return {
    table: decimals.table,
    settings: {
      compression,
      ...(rowGroupSize !== undefined ? { rowGroupSize } : {}),
      ...(metadata !== undefined ? { keyValueMetadata: text } : {}),
      ...(decimals.leaves.length > 0 ? { withoutStatistics: decimals.leaves.map((l) => l.path.join('.')) } : {}),
      ...(options.withoutDictionary && options.withoutDictionary.length > 0 ? { withoutDictionary: [...options.withoutDictionary] } : {}),
    },
    finish(encoded) {
      const annotated = decimals.leaves.length > 0 ? annotateFixedDecimals(encoded, decimals.leaves, table) : encoded;
      // with filters, the key-values go in with them: one rewrite of the footer, one copy of the file
      return withBloom ? addBloomFilters(annotated, table, bloom, bytes) : appendFooterKeyValues(annotated, bytes);
    },
    finishPiece(encoded) {
      const annotated = decimals.leaves.length > 0 ? annotateFixedDecimals(encoded, decimals.leaves, table) : encoded;
      return { bytes: appendFooterKeyValues(annotated, bytes), filters: withBloom ? computeBloomFilters(annotated, table, bloom) : [] };
    },
  };
}

/** Arrow bytes encoded in one call at most, unless the caller says otherwise. */
export const DEFAULT_PIECE_BYTES = 8 * 1024 * 1024;

/**
 * Takes the encoded pieces of a `rows`-row table one by one: the first is kept as it is (it may be
 * the whole file); from the second on they are joined into a file sized from the first.
 */
export function pieceCollector(rows: number): { add(piece: EncodedPiece, pieceRows: number): void; finish(): Uint8Array } {
  let first: { piece: EncodedPiece; rows: number } | undefined;
  let join: PieceJoin | undefined;
  return {
    add(piece, pieceRows) {
      if (!first && !join) {
        first = { piece, rows: pieceRows };
        return;
      }
      if (!join && first) {
        // a little over the first piece's bytes per row: growing the file later costs a copy
        join = pieceJoin((first.piece.bytes.length / Math.max(1, first.rows)) * rows * 1.05 + 64 * 1024);
        join.add(first.piece.bytes, first.piece.filters);
        first = undefined;
      }
      join!.add(piece.bytes, piece.filters);
    },
    finish() {
      if (join) return join.finish();
      if (!first) throw new ParquetError('PARQUET_WRITE_FAILED', 'The write encoded nothing.');
      return placeBloomFilters(first.piece.bytes, first.piece.filters);
    },
  };
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
