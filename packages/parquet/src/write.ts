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
import { appendFooterKeyValues } from './footer-key-values.js';

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
  /**
   * Footer key-value metadata. A value given as bytes (its UTF-8 text) is placed in the footer
   * after encoding, never made a string: for large values such as a Hudi bloom filter.
   */
  metadata?: Record<string, string | Uint8Array>;
  /** Columns to give a split-block bloom filter in every row group (columns the table lacks are skipped). */
  bloomFilters?: readonly BloomFilterColumn[];
}

const RESERVED_KEYS = new Set(['ARROW:schema']);

/** What a write encodes: the table in the decimal layout, the encoder settings, and how to finish the file. */
interface PlannedWrite {
  table: Table;
  settings: EncodeSettings;
  finish(bytes: Uint8Array): Uint8Array;
}

function planWrite(table: Table, options: WriteOptions): PlannedWrite {
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
  const text: Record<string, string> = {};
  const bytes: [string, Uint8Array][] = [];
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value === 'string') text[key] = value;
      else if (value instanceof Uint8Array) bytes.push([key, value]);
      else throw new ParquetError('PARQUET_INVALID_ARGUMENT', `Footer metadata value for "${key}" must be a string or its UTF-8 bytes, got ${typeof value}.`);
      if (RESERVED_KEYS.has(key)) {
        throw new ParquetError('PARQUET_INVALID_ARGUMENT', `Footer metadata key "${key}" is reserved for the Arrow schema the writer stores.`);
      }
    }
  }
  validateBloomColumns(options.bloomFilters);
  // decimals go out in the fixed-byte layout Spark and Hudi read, whatever their precision
  const decimals = toFixedDecimals(table);
  return {
    table: decimals.table,
    settings: {
      compression,
      ...(rowGroupSize !== undefined ? { rowGroupSize } : {}),
      ...(metadata !== undefined ? { keyValueMetadata: text } : {}),
      ...(decimals.leaves.length > 0 ? { withoutStatistics: decimals.leaves.map((l) => l.path.join('.')) } : {}),
    },
    finish(encoded) {
      const annotated = decimals.leaves.length > 0 ? annotateFixedDecimals(encoded, decimals.leaves, table) : encoded;
      const file = appendFooterKeyValues(annotated, bytes);
      return withBloom ? addBloomFilters(file, table, bloom) : file;
    },
  };
}

export function writeParquet(table: Table, options: WriteOptions = {}): Uint8Array {
  const planned = planWrite(table, options);
  return planned.finish(encode(planned.table, planned.settings));
}

/**
 * `writeParquet` with the encoding on a worker thread (see encode-pool.ts), so that the caller's
 * thread is free meanwhile; same bytes. Falls back to the calling thread for small tables and
 * where workers do not exist.
 */
export async function writeParquetAsync(table: Table, options: WriteOptions = {}): Promise<Uint8Array> {
  const planned = planWrite(table, options);
  return planned.finish(await encodePooled(planned.table, planned.settings));
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
