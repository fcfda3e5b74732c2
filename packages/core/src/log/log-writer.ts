// Encodes Hudi log blocks byte for byte as Hudi's log writer frames them: magic, block size,
// format version, block type, header, content, footer and the trailing total length. A log file
// is one or more such blocks back to back; object stores cannot append, so each write of a file
// slice is a new log file version.

import { Table, type RecordBatch } from 'apache-arrow';
import { mostlyDistinctColumns, writeParquet, writeParquetAsync, type BloomFilterColumn, type Compression, type WriteOptions } from '@lake/parquet';
import { DEFAULT_COMPRESSION } from '../write/compression.js';
import { META } from '../schema/table-schema.js';

import { encodeAvroRecords } from '../avro/encode.js';
import type { AvroJsonRecord } from '../avro/avro-schema.js';
import { AvroWriter } from '../avro/avro-writer.js';
import { GrowableBytes } from '../bytes/growable-bytes.js';
import { writeOrderingValue } from './delete-record.js';
import { BlockType, CommandType, HeaderKey, LOG_FORMAT_VERSION, LOG_MAGIC } from './log-format.js';

/** Big-endian Java DataOutput primitives, as the log format uses. */
class DataOutput extends GrowableBytes {
  int(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v, false);
    this.pos += 4;
  }
  long(v: number): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, BigInt(v), false);
    this.pos += 8;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
  /** The written bytes without copying them (a view when the buffer is larger); the writer is done. */
  release(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos);
  }
}

const utf8 = new TextEncoder();

function metadataBytes(entries: Map<number, string>): Uint8Array {
  const out = new DataOutput();
  out.int(entries.size);
  for (const [key, value] of entries) {
    const v = utf8.encode(value);
    out.int(key);
    out.int(v.length);
    out.raw(v);
  }
  return out.bytes();
}

export interface LogBlockInput {
  type: number;
  header: Map<number, string>;
  content: Uint8Array;
  footer?: Map<number, string>;
}

/** One framed block. */
export function encodeLogBlock(block: LogBlockInput): Uint8Array {
  const header = metadataBytes(block.header);
  const footer = metadataBytes(block.footer ?? new Map());
  // Everything after the size field: version, type, header, content length, content, footer,
  // and the trailing length.
  const size = 4 + 4 + header.length + 8 + block.content.length + footer.length + 8;
  const out = new DataOutput(LOG_MAGIC.length + 8 + size);
  out.raw(LOG_MAGIC);
  out.long(size);
  out.int(LOG_FORMAT_VERSION);
  out.int(block.type);
  out.raw(header);
  out.long(block.content.length);
  out.raw(block.content);
  out.raw(footer);
  out.long(size + LOG_MAGIC.length);
  // sized exactly: the block is the buffer itself, not a copy of it
  return out.release();
}

/** Concatenates framed blocks into one log file's bytes. */
export function logFileBytes(blocks: Uint8Array[]): Uint8Array {
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function dataHeader(instant: string, schemaJson: string): Map<number, string> {
  return new Map([
    [HeaderKey.INSTANT_TIME, instant],
    [HeaderKey.SCHEMA, schemaJson],
  ]);
}

/**
 * A Parquet data block: the records (meta columns first) as one embedded Parquet file, with the
 * writer schema (meta fields included) in the SCHEMA header.
 */
export function parquetDataBlock(
  batch: RecordBatch,
  schemaJson: string,
  instant: string,
  compression: Compression = DEFAULT_COMPRESSION,
  bloomFilters: readonly BloomFilterColumn[] = [],
): Uint8Array {
  const table = new Table(batch.schema, [batch]);
  const content = writeParquet(table, parquetBlockOptions(table, schemaJson, compression, bloomFilters));
  return encodeLogBlock({ type: BlockType.PARQUET_DATA, header: dataHeader(instant, schemaJson), content });
}

/**
 * `parquetDataBlock` with its Parquet content encoded on a Parquet worker, or on the calling
 * thread when every worker is taken (log blocks of several file groups are encoded at once, and
 * the caller has nothing else to do meanwhile): the same bytes.
 */
export async function parquetDataBlockAsync(
  batch: RecordBatch,
  schemaJson: string,
  instant: string,
  compression: Compression = DEFAULT_COMPRESSION,
  bloomFilters: readonly BloomFilterColumn[] = [],
): Promise<Uint8Array> {
  const table = new Table(batch.schema, [batch]);
  const content = await writeParquetAsync(table, parquetBlockOptions(table, schemaJson, compression, bloomFilters), { callerWhenBusy: true });
  return encodeLogBlock({ type: BlockType.PARQUET_DATA, header: dataHeader(instant, schemaJson), content });
}

const UNIQUE_META_COLUMNS: readonly string[] = [META.commitSeqno, META.recordKey];

function parquetBlockOptions(table: Table, schemaJson: string, compression: Compression, bloomFilters: readonly BloomFilterColumn[]): WriteOptions {
  const distinct = new Set([...UNIQUE_META_COLUMNS, ...mostlyDistinctColumns(table)]);
  return {
    compression,
    ...(bloomFilters.length > 0 ? { bloomFilters } : {}),
    metadata: { 'parquet.avro.schema': schemaJson, 'writer.model.name': 'avro' },
    // One record per key in a block, and a sequence number per record; data columns whose
    // sampled values are mostly distinct too: a dictionary of them would hold every value once
    // and add an index per row, so plain pages are smaller and cheaper to encode.
    withoutDictionary: [...distinct],
  };
}

/**
 * An Avro data block, content version 3: the record count, then every record as a 4-byte
 * big-endian length and its Avro datum in the SCHEMA header's schema.
 */
export function avroDataBlock(batch: RecordBatch, schema: AvroJsonRecord, instant: string): Uint8Array {
  const records = encodeAvroRecords(batch, schema);
  const out = new DataOutput(64 + records.reduce((n, r) => n + r.length + 4, 0));
  out.int(3);
  out.int(records.length);
  for (const r of records) {
    out.int(r.length);
    out.raw(r);
  }
  return encodeLogBlock({ type: BlockType.AVRO_DATA, header: dataHeader(instant, JSON.stringify(schema)), content: out.release() });
}

export interface DeleteEntry {
  recordKey: string;
  partitionPath: string;
  /** The ordering value the delete carries; omitted means Hudi's natural order (int 0): the delete always wins. */
  orderingValue?: number | bigint | string;
}

/**
 * A delete block, content version 3: a 4-byte length and an Avro HoodieDeleteRecordList datum
 * (delete-record.ts).
 * Hudi puts the table's writer schema in its header too.
 */
export function deleteBlock(entries: readonly DeleteEntry[], schemaJson: string, instant: string): Uint8Array {
  const datum = new AvroWriter();
  if (entries.length > 0) {
    datum.long(entries.length);
    for (const e of entries) {
      datum.long(1);
      datum.string(e.recordKey);
      datum.long(1);
      datum.string(e.partitionPath);
      writeOrderingValue(datum, e.orderingValue);
    }
  }
  datum.long(0);
  const payload = datum.slice(0);
  const out = new DataOutput(8 + payload.length);
  out.int(3);
  out.int(payload.length);
  out.raw(payload);
  return encodeLogBlock({ type: BlockType.DELETE, header: dataHeader(instant, schemaJson), content: out.release() });
}

/** A rollback command block: blocks of `target` in this file slice no longer count. */
export function rollbackBlock(instant: string, target: string): Uint8Array {
  return encodeLogBlock({
    type: BlockType.COMMAND,
    header: new Map([
      [HeaderKey.INSTANT_TIME, instant],
      [HeaderKey.TARGET_INSTANT_TIME, target],
      [HeaderKey.COMMAND_BLOCK_TYPE, String(CommandType.ROLLBACK_BLOCK)],
    ]),
    content: new Uint8Array(),
  });
}
