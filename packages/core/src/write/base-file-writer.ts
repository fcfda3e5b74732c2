// Encodes one base file: meta columns first, the Avro schema Hudi readers look for, and the
// record-key footer (bloom filter, min and max key) Hudi's bloom index reads, so a Spark writer
// can upsert into a table lake wrote.

import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import { writeParquet, writeParquetAsync, type BloomFilterColumn, type Compression, type WriteOptions } from '@lake/parquet';
import { createRecordKeyFooter } from '../index/bloom-footer.js';
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
}

/** Avro schema JSON of a base file (meta fields first), for the `parquet.avro.schema` footer key. */
function baseFileAvroSchema(dataSchema: Schema, tableName: string): string {
  return JSON.stringify(arrowSchemaToAvro(dataSchema, { tableName, metaFields: true }));
}

function baseFileWrite(batches: RecordBatch[], schema: Schema, recordKeys: Iterable<string>, encoding: BaseFileEncoding): [Table, WriteOptions] {
  const footer = createRecordKeyFooter({ type: encoding.bloomFilterType ?? 'DYNAMIC_V0' });
  for (const key of recordKeys) footer.add(key);
  const footerMetadata = footer.metadata();
  return [
    new Table(schema, batches),
    {
      compression: encoding.compression ?? DEFAULT_COMPRESSION,
      ...(encoding.rowGroupSize !== undefined ? { rowGroupSize: encoding.rowGroupSize } : {}),
      ...(encoding.columnBloomFilters && encoding.columnBloomFilters.length > 0 ? { bloomFilters: encoding.columnBloomFilters } : {}),
      metadata: {
        'parquet.avro.schema': baseFileAvroSchema(schema, encoding.tableName),
        'writer.model.name': 'avro',
        ...footerMetadata,
      },
    },
  ];
}

/**
 * Parquet bytes of a base file from batches that already carry the meta columns. `recordKeys`
 * are the keys of every row, for the bloom filter and key range.
 */
export function encodeBaseFile(
  batches: RecordBatch[],
  schema: Schema,
  recordKeys: Iterable<string>,
  encoding: BaseFileEncoding,
): Uint8Array {
  return writeParquet(...baseFileWrite(batches, schema, recordKeys, encoding));
}

/**
 * `encodeBaseFile` with the Parquet encoding on a worker thread when the file is large enough,
 * so the writer's thread goes on (with the next file group, or the next batch) meanwhile.
 * `onWorker: false` encodes in the calling thread: when it has nothing else to do meanwhile, a
 * worker would only add its own heap and WebAssembly memory to the process's peak.
 */
export async function encodeBaseFileAsync(
  batches: RecordBatch[],
  schema: Schema,
  recordKeys: Iterable<string>,
  encoding: BaseFileEncoding,
  { onWorker = true }: { onWorker?: boolean } = {},
): Promise<Uint8Array> {
  const write = baseFileWrite(batches, schema, recordKeys, encoding);
  return onWorker ? writeParquetAsync(...write) : writeParquet(...write);
}
