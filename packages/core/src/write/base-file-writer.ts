// Encodes one base file: meta columns first, the Avro schema Hudi readers look for, and the
// record-key footer (bloom filter, min and max key) Hudi's bloom index reads, so a Spark writer
// can upsert into a table lake wrote.

import type { Data, RecordBatch, Schema, Utf8 } from 'apache-arrow';
import { parquetStreamWriter, type BloomFilterColumn, type Compression, type WriteOptions } from '@lake/parquet';
import { BLOOM_FILTER_DEFAULTS } from '../index/bloom-filter.js';
import { createRecordKeyFooter, type RecordKeyFooter } from '../index/bloom-footer.js';
import { DEFAULT_COMPRESSION } from './compression.js';
import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';

export interface BaseFileEncoding {
  tableName: string;
  compression?: Compression;
  rowGroupSize?: number;
  /** Bloom filter type written to the footer; Hudi's default is DYNAMIC_V0. */
  bloomFilterType?: 'SIMPLE' | 'DYNAMIC_V0';
  /** Columns given a Parquet split-block bloom filter per row group (the table's `parquet.bloom.filter.*` properties). */
  columnBloomFilters?: readonly BloomFilterColumn[];
  /** Arrow bytes encoded at once (the Parquet writer's `pieceBytes`; its default when unset). */
  pieceBytes?: number;
}

/** Avro schema JSON of a base file (meta fields first), for the `parquet.avro.schema` footer key. */
function baseFileAvroSchema(schema: Schema, tableName: string): string {
  return JSON.stringify(arrowSchemaToAvro(schema, { tableName, metaFields: true }));
}

/** Encoder settings of a base file, footer metadata aside. */
function baseFileOptions(encoding: BaseFileEncoding): Omit<WriteOptions, 'metadata'> {
  return {
    compression: encoding.compression ?? DEFAULT_COMPRESSION,
    ...(encoding.rowGroupSize !== undefined ? { rowGroupSize: encoding.rowGroupSize } : {}),
    ...(encoding.columnBloomFilters && encoding.columnBloomFilters.length > 0 ? { bloomFilters: encoding.columnBloomFilters } : {}),
    ...(encoding.pieceBytes !== undefined ? { pieceBytes: encoding.pieceBytes } : {}),
  };
}

/** Keys a record-key filter is sized for at least, so a file of a few rows still gets a usable one. */
const MIN_FILTER_ENTRIES = 1_000;

/**
 * Keys per filter for a file of `keyCount` keys. Hudi sizes every file's filter for
 * `hoodie.index.bloom.num_entries` (60,000) keys whatever the file holds: ~430 KiB of Base64 in the
 * footer of a 1,000-row micro-batch file, built, encoded and read back by every key lookup. The
 * filter is self-describing (its size and hash count are serialized with it), so Hudi's bloom index
 * reads a smaller one as well; a merge that adds keys to an old file's filter (see bloom-reuse.ts)
 * grows it by rows of that size, and builds a new one when small rows would overfill, so the
 * false-positive rate stays near the configured `fpp`.
 * Files of more keys than the default get Hudi's own shape (DYNAMIC_V0 adds rows beyond it).
 */
export function recordKeyFilterEntries(keyCount: number): number {
  return Math.min(BLOOM_FILTER_DEFAULTS.numEntries, Math.max(MIN_FILTER_ENTRIES, keyCount));
}

/**
 * The record keys of a file's rows: as strings, or as the Utf8 `_hoodie_record_key` columns written
 * (the filter then hashes them from their bytes, with no string per key).
 */
type FileRecordKeys = Iterable<string> | { columns: readonly Data<Utf8>[] };

/** The footer key-values Hudi reads: Avro schema, writer model, record-key bloom filter and range. */
function baseFileMetadata(schema: Schema, recordKeys: FileRecordKeys, encoding: BaseFileEncoding, reused?: RecordKeyFooter): Record<string, string | Uint8Array> {
  let footer = reused;
  if (!footer) {
    const type = encoding.bloomFilterType ?? 'DYNAMIC_V0';
    if ('columns' in recordKeys) {
      const count = recordKeys.columns.reduce((n, c) => n + c.length - c.nullCount, 0);
      footer = createRecordKeyFooter({ type, numEntries: recordKeyFilterEntries(count) });
      for (const column of recordKeys.columns) footer.addColumn(column);
    } else {
      const keys = Array.isArray(recordKeys) ? (recordKeys as readonly string[]) : [...recordKeys];
      footer = createRecordKeyFooter({ type, numEntries: recordKeyFilterEntries(keys.length) });
      for (const key of keys) footer.add(key);
    }
  }
  return {
    'parquet.avro.schema': baseFileAvroSchema(schema, encoding.tableName),
    'writer.model.name': 'avro',
    ...footer.metadata(),
  };
}

/** A base file written batch by batch, as a file group is merged. */
export interface BaseFileStream {
  /** Adds rows that carry the meta columns (in `schema`). */
  write(batch: RecordBatch): Promise<void>;
  /**
   * The file's bytes; `recordKeys` are the keys of every row written, in order. `footer`, when
   * given, already holds every one of them (see bloom-reuse.ts) and is written as it is.
   */
  finish(recordKeys: FileRecordKeys, footer?: RecordKeyFooter): Promise<Uint8Array>;
}

/**
 * A base file encoded piece by piece as its rows arrive (see the Parquet stream writer), so that
 * a merged file group is never held whole beside its encoding. `onWorker` encodes the pieces on
 * a Parquet worker, leaving the calling thread to merge meanwhile; when it has nothing else to do
 * (a write with one base file), a worker would only add its own heap and WebAssembly memory to
 * the process's peak. `expectedBytes` (about the file's size) sizes the buffer it is built in.
 */
export function baseFileStream(schema: Schema, encoding: BaseFileEncoding, { onWorker = true, expectedBytes }: { onWorker?: boolean; expectedBytes?: number } = {}): BaseFileStream {
  const writer = parquetStreamWriter(schema, { ...baseFileOptions(encoding), onWorker, ...(expectedBytes !== undefined ? { expectedBytes } : {}) });
  return {
    write: (batch) => writer.write(batch),
    finish: (recordKeys, footer) => writer.finish(baseFileMetadata(schema, recordKeys, encoding, footer)),
  };
}
