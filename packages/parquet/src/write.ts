// Writing Arrow tables as Parquet: compression, row-group size and footer key-value metadata.
// The Arrow schema travels in the footer (ARROW:schema), which is what lets reads restore
// types Parquet alone cannot name (timezones, Int8/Int16 widths, map/list field names).

import type { Table } from 'apache-arrow';
import { ParquetError } from './errors.js';
import { COMPRESSIONS, encode, type Compression } from './wasm-codec.js';

export type { Compression };

export interface WriteOptions {
  /** Page compression codec (default zstd). */
  compression?: Compression;
  /** Maximum rows per row group (the writer's default is 1,048,576). */
  rowGroupSize?: number;
  /** Footer key-value metadata. */
  metadata?: Record<string, string>;
}

const RESERVED_KEYS = new Set(['ARROW:schema']);

export function writeParquet(table: Table, options: WriteOptions = {}): Uint8Array {
  const compression = options.compression ?? 'zstd';
  if (!Object.hasOwn(COMPRESSIONS, compression)) {
    throw new ParquetError(
      'PARQUET_INVALID_ARGUMENT',
      `Unknown compression "${String(compression)}". Use one of: ${Object.keys(COMPRESSIONS).join(', ')}.`,
    );
  }
  const { rowGroupSize, metadata } = options;
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
  return encode(table, {
    compression,
    ...(rowGroupSize !== undefined ? { rowGroupSize } : {}),
    ...(metadata !== undefined ? { keyValueMetadata: metadata } : {}),
  });
}
