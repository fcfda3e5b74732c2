// Decoding of data-carrying block contents: Avro data blocks (records in the writer schema of
// the SCHEMA header), Parquet data blocks (an embedded Parquet file) and delete blocks (Avro
// HoodieDeleteRecordList, content version 3, schema in delete-record.ts).

import type { Table } from 'apache-arrow';
import { openParquetBytes } from '@lake/parquet';

import { AvroDecodeError, LogFormatError } from '../errors.js';
import { AvroReader, readDatum, type AvroRecord } from '../avro/avro-decoder.js';
import { DELETE_RECORD_LIST, LEGACY_DELETE_RECORD_LIST, orderingValueOf } from './delete-record.js';
import { parseAvroSchema, type AvroType } from '../avro/avro-schema.js';
import { HeaderKey } from './log-format.js';
import type { LogBlock } from './log-reader.js';

export interface AvroBlockRecords {
  schema: AvroType;
  schemaJson: string;
  records: AvroRecord[];
}

function bigEndian(content: Uint8Array): DataView {
  return new DataView(content.buffer, content.byteOffset, content.byteLength);
}

function need(content: Uint8Array, pos: number, n: number, path: string | undefined): void {
  if (pos + n > content.length) throw new LogFormatError(`data block content ends early at byte ${pos}`, { path });
}

const schemaCache = new Map<string, AvroType>();

function writerSchema(block: LogBlock, path: string | undefined): { schema: AvroType; json: string } {
  const json = block.header.get(HeaderKey.SCHEMA);
  if (!json) throw new LogFormatError('data block has no SCHEMA header', { path });
  let schema = schemaCache.get(json);
  if (!schema) {
    try {
      schema = parseAvroSchema(json);
    } catch (e) {
      throw new LogFormatError(`data block SCHEMA header is not a valid Avro schema`, { path, cause: e });
    }
    if (schemaCache.size > 64) schemaCache.clear();
    schemaCache.set(json, schema);
  }
  return { schema, json };
}

/**
 * Decodes an Avro data block: content version (4 bytes), record count (4, from version 2), then
 * each record as a 4-byte length and an Avro datum that must fill exactly that length.
 */
export function decodeAvroDataBlock(block: LogBlock, path?: string): AvroBlockRecords {
  const { schema, json } = writerSchema(block, path);
  const c = block.content;
  const view = bigEndian(c);
  need(c, 0, 4, path);
  const version = view.getInt32(0, false);
  let pos = 4;
  let count = -1;
  if (version >= 2) {
    need(c, pos, 4, path);
    count = view.getInt32(pos, false);
    pos += 4;
    if (count < 0) throw new LogFormatError(`data block record count ${count} is negative`, { path });
  }
  const records: AvroRecord[] = [];
  while (count === -1 ? pos < c.length : records.length < count) {
    need(c, pos, 4, path);
    const len = view.getInt32(pos, false);
    pos += 4;
    if (len < 0) throw new LogFormatError(`record length ${len} is negative`, { path });
    need(c, pos, len, path);
    const r = new AvroReader(c, pos, pos + len);
    let rec: unknown;
    try {
      rec = readDatum(schema, r);
    } catch (e) {
      if (e instanceof AvroDecodeError) throw new LogFormatError(`record ${records.length} does not decode: ${e.message}`, { path, cause: e });
      throw e;
    }
    if (r.pos !== pos + len) {
      throw new LogFormatError(`record ${records.length} decodes to ${r.pos - pos} bytes, its length says ${len}`, { path });
    }
    records.push(rec as AvroRecord);
    pos += len;
  }
  return { schema, schemaJson: json, records };
}

/**
 * Decodes a Parquet data block: the content is a whole Parquet file, small, so its flat columns
 * are decoded in JavaScript where they can be (see openParquetBytes).
 */
export function decodeParquetDataBlock(block: LogBlock, path?: string, columns?: string[]): Table {
  try {
    return openParquetBytes(block.content).read(columns ? { columns } : {});
  } catch (e) {
    throw new LogFormatError(`Parquet data block does not decode: ${String((e as Error)?.message ?? e)}`, { path, cause: e });
  }
}

export interface DeleteRecord {
  recordKey: string;
  partitionPath?: string;
  /** Ordering value the delete carries; Hudi writes 0 when it has none. */
  orderingValue: unknown;
}

/** Decodes the payload, which must fill exactly its length. */
function readDeleteRecordList(schema: AvroType, c: Uint8Array, len: number): unknown {
  const r = new AvroReader(c, 8, 8 + len);
  const list = readDatum(schema, r);
  if (r.pos !== 8 + len) throw new AvroDecodeError(`the payload decodes to ${r.pos - 8} bytes, its length says ${len}`);
  return list;
}

/** Decodes a delete block: content version (4 bytes), payload length (4), HoodieDeleteRecordList. */
export function decodeDeleteBlock(block: LogBlock, path?: string): DeleteRecord[] {
  const c = block.content;
  const view = bigEndian(c);
  need(c, 0, 8, path);
  const version = view.getInt32(0, false);
  if (version < 3) {
    throw new LogFormatError(
      `delete block content version ${version} uses Java serialization, which is not supported; compact the file group with Hudi first`,
      { path },
    );
  }
  const len = view.getInt32(4, false);
  if (len < 0) throw new LogFormatError(`delete block payload length ${len} is negative`, { path });
  need(c, 8, len, path);
  let legacy = false;
  let list: unknown;
  try {
    list = readDeleteRecordList(DELETE_RECORD_LIST, c, len);
  } catch (e) {
    // blocks written by earlier lake versions use a plain union for orderingVal
    try {
      list = readDeleteRecordList(LEGACY_DELETE_RECORD_LIST, c, len);
      legacy = true;
    } catch {
      throw new LogFormatError(`delete block does not decode: ${(e as Error).message}`, { path, cause: e });
    }
  }
  const items = (list as { deleteRecordList: AvroRecord[] }).deleteRecordList;
  const out: DeleteRecord[] = [];
  for (const item of items) {
    const key = item.recordKey;
    if (typeof key !== 'string') throw new LogFormatError('delete record has no record key', { path });
    let ordering: unknown;
    try {
      ordering = orderingValueOf(item.orderingVal, legacy);
    } catch (e) {
      throw new LogFormatError(`delete record ${key} has an unreadable ordering value: ${(e as Error).message}`, { path, cause: e });
    }
    const rec: DeleteRecord = { recordKey: key, orderingValue: ordering };
    if (typeof item.partitionPath === 'string') rec.partitionPath = item.partitionPath;
    out.push(rec);
  }
  return out;
}
