// The records of a merge-on-read slice's log blocks, collected in one pass over the scanned
// blocks: each data block is decoded once, to the columns the read needs, and the latest
// version of every record key is kept in flat arrays (no object per record), pointing at a row
// of one batch holding every log row.

import type { RecordBatch, Schema } from 'apache-arrow';
import { DataType, makeData, RecordBatch as ArrowRecordBatch, Struct, type Data } from 'apache-arrow';
import { openParquetBytes } from '@lake/parquet';

import { concatBatches } from '../arrow/take.js';
import { valueReader } from '../arrow/value-at.js';
import type { RecordMergeMode, TableConfig } from '../config/table-config.js';
import { LogFormatError, UnsupportedFeatureError } from '../errors.js';
import { decodeAvroDataBlock, decodeDeleteBlock } from '../log/data-block.js';
import { BlockType, HeaderKey } from '../log/log-format.js';
import type { LogBlock } from '../log/log-reader.js';
import type { ScannedBlock } from '../log/log-scanner.js';
import { META } from '../schema/table-schema.js';
import { makeColumnBuilder } from './column-builder.js';
import { KeySlots } from './key-slots.js';
import { conformTable } from './conform.js';
import { newerSurvives } from './merge.js';
import { recordKeyReader } from './record-key.js';

/** Key and ordering value of the rows of a batch in the read's working schema. */
export interface RowKeys {
  key: (row: number) => string;
  ordering: (row: number) => unknown;
}

export function rowKeys(config: TableConfig, work: Schema, batch: RecordBatch): RowKeys {
  const data = batch.data as unknown as Data;
  const col = (name: string): Data | undefined => {
    const i = work.fields.findIndex((f) => f.name === name);
    return i === -1 ? undefined : data.children[i];
  };
  // Made on first use: a merge that finds keys by their bytes never reads them as strings.
  let reader: ((row: number) => string) | undefined;
  const key = (row: number): string => {
    reader ??= recordKeyReader(
      config.populateMetaFields ? col(META.recordKey) : undefined,
      config.recordKeyFields.map((name) => ({ name, data: col(name) })),
    );
    return reader(row);
  };
  const orderingCol = config.orderingFields[0] ? col(config.orderingFields[0]) : undefined;
  return { key, ordering: orderingCol ? valueReader(orderingCol) : () => null };
}

/**
 * The key column of a batch when keys can be taken from its bytes: `_hoodie_record_key` as
 * Utf8 (a null key is the empty key, as recordKeyReader reads it). Undefined otherwise.
 */
export function keyBytesColumn(config: TableConfig, work: Schema, batch: RecordBatch): Data | undefined {
  if (!config.populateMetaFields) return undefined;
  const at = work.fields.findIndex((f) => f.name === META.recordKey);
  const col = at === -1 ? undefined : (batch.data as unknown as Data).children[at];
  return col && DataType.isUtf8(col.type) ? col : undefined;
}

/** Per row of a log batch, the slot of its key, given one if new. */
function keySlotter(config: TableConfig, work: Schema, batch: RecordBatch, slots: KeySlots, keys: RowKeys): (row: number) => number {
  const col = keyBytesColumn(config, work, batch);
  if (!col) return (r) => slots.internString(keys.key(r));
  const offsets = col.valueOffsets as Int32Array;
  const values = col.values as Uint8Array;
  return (r) => (col.nullCount === 0 || col.getValid(r) ? slots.intern(values, offsets[r], offsets[r + 1]) : slots.intern(values, 0, 0));
}

/** The surviving log version of each record key, in the order keys first appeared. */
export interface LogRecords {
  /** Every row of the slice's data blocks, in block order (the working schema). */
  rows: RecordBatch;
  /** Record key -> version slot. */
  slots: KeySlots;
  /** Per slot: the row in `rows` (-1 for a delete), its ordering value, whether it deletes. */
  row: number[];
  ordering: unknown[];
  deleted: boolean[];
}

/** Arrow batch (of `work`) from the records of an Avro data block. */
function avroRecordsToBatch(work: Schema, records: Record<string, unknown>[]): RecordBatch {
  const builders = work.fields.map((f) => makeColumnBuilder(f.type));
  for (const rec of records) work.fields.forEach((f, c) => builders[c].appendValue(rec[f.name]));
  const children = builders.map((b) => b.finish());
  return new ArrowRecordBatch(work, makeData({ type: new Struct(work.fields), length: records.length, nullCount: 0, children }));
}

/**
 * A Parquet data block's rows, reading only the columns of `work` the block holds. Decoded in
 * JavaScript where the block allows (see openParquetBytes): a slice's log holds many small
 * blocks, each of which would cost parquet-wasm a fixed ~2 ms whatever its size.
 */
function parquetBlockBatches(block: LogBlock, path: string, work: Schema): RecordBatch[] {
  try {
    const reader = openParquetBytes(block.content);
    const present = new Set(reader.fields);
    const columns = work.fields.map((f) => f.name).filter((n) => present.has(n));
    // A block always holds its record keys; reading no column at all would lose its row count.
    const table = reader.read(columns.length > 0 ? { columns } : {});
    return conformTable(table, work);
  } catch (e) {
    if (e instanceof LogFormatError) throw e;
    throw new LogFormatError(`Parquet data block does not decode: ${String((e as Error)?.message ?? e)}`, { path, cause: e });
  }
}

/** The rows of a data block in the working schema. */
function dataBlockBatches(block: LogBlock, path: string, work: Schema): RecordBatch[] {
  if (block.type === BlockType.AVRO_DATA) return [avroRecordsToBatch(work, decodeAvroDataBlock(block, path).records)];
  return parquetBlockBatches(block, path, work);
}

/**
 * Collects the versions of the scanned blocks (merge order) under `mode`. `fill` completes a
 * decoded batch (partition columns dropped from the files).
 */
export async function collectLogRecords(
  config: TableConfig,
  mode: RecordMergeMode,
  work: Schema,
  blocks: readonly ScannedBlock[],
  fill: (batch: RecordBatch) => RecordBatch,
): Promise<LogRecords> {
  const batches: RecordBatch[] = [];
  const slots = new KeySlots();
  const row: number[] = [];
  const ordering: unknown[] = [];
  const deleted: boolean[] = [];
  let rowsSoFar = 0;
  const put = (slot: number, at: number, order: unknown, isDelete: boolean): void => {
    if (slot === row.length) {
      row.push(at);
      ordering.push(order);
      deleted.push(isDelete);
    } else if (newerSurvives(mode, ordering[slot], deleted[slot], order, isDelete)) {
      row[slot] = at;
      ordering[slot] = order;
      deleted[slot] = isDelete;
    }
  };
  for (const { block, logFile } of blocks) {
    if (block.type === BlockType.AVRO_DATA || block.type === BlockType.PARQUET_DATA) {
      // Hudi 1.1 partial-update blocks hold only the changed columns; read as whole records they
      // would null out every other column.
      if (block.header.get(HeaderKey.IS_PARTIAL) === 'true') {
        throw new UnsupportedFeatureError(`Log file ${logFile.path} holds partial-update data blocks, which lake does not merge yet; compact the table with Spark (run_compaction) and read it again`);
      }
      for (const decoded of dataBlockBatches(block, logFile.path, work)) {
        const batch = fill(decoded);
        const keys = rowKeys(config, work, batch);
        const slotOf = keySlotter(config, work, batch, slots, keys);
        for (let r = 0; r < batch.numRows; r++) put(slotOf(r), rowsSoFar + r, keys.ordering(r), false);
        batches.push(batch);
        rowsSoFar += batch.numRows;
      }
    } else if (block.type === BlockType.DELETE) {
      for (const d of decodeDeleteBlock(block, logFile.path)) put(slots.internString(d.recordKey), -1, d.orderingValue, true);
    } else if (block.type === BlockType.HFILE_DATA || block.type === BlockType.CDC_DATA) {
      throw new UnsupportedFeatureError(`Log file ${logFile.path} holds ${block.type === BlockType.HFILE_DATA ? 'HFile' : 'CDC'} data blocks, which table reads do not support`);
    }
  }
  return { rows: concatBatches(work, batches), slots, row, ordering, deleted };
}
