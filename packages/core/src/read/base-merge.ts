// Merges base-file batches of a merge-on-read slice with its log records, column by column:
// each base row is kept, replaced by its log version (in place, so rows keep the base file's
// order) or dropped by a delete, and the result is gathered with typed-array copies (base rows
// and their replacements in one pass) instead of being rebuilt row by row. Log records no base
// row matched come last.

import { DataType, makeData, RecordBatch, Struct, type Data, type Schema } from 'apache-arrow';

import { interleaveData } from '../arrow/interleave.js';
import { takeRows } from '../arrow/take.js';
import type { RecordMergeMode, TableConfig } from '../config/table-config.js';
import { META } from '../schema/table-schema.js';
import { KeyBytesIndex } from './key-bytes-index.js';
import { rowKeys, type LogRecords, type RowKeys } from './log-records.js';
import { newerSurvives } from './merge.js';

/** What a slice's merge carries from one base batch to the next. */
export interface MergeState {
  /** Per log version slot: whether a base row has met it (a key's first base row takes it). */
  matched: Uint8Array;
  /** The log keys, found by their bytes. */
  index: KeyBytesIndex;
}

export function mergeState(logs: LogRecords): MergeState {
  return { matched: new Uint8Array(logs.row.length), index: new KeyBytesIndex(logs.slots) };
}

/**
 * Per row of a base batch, the slot of its key's log version (or -1): from the bytes of the
 * `_hoodie_record_key` column when the table stores it, otherwise from the formatted key.
 */
function slotFinder(config: TableConfig, work: Schema, batch: RecordBatch, logs: LogRecords, index: KeyBytesIndex, keys: RowKeys): (row: number) => number {
  const at = config.populateMetaFields ? work.fields.findIndex((f) => f.name === META.recordKey) : -1;
  const col = at === -1 ? undefined : (batch.data as unknown as Data).children[at];
  if (col && DataType.isUtf8(col.type)) {
    const offsets = col.valueOffsets as Int32Array;
    const values = col.values as Uint8Array;
    const nullSlot = logs.slots.get('') ?? -1;
    if (col.nullCount === 0) return (row) => index.find(values, offsets[row], offsets[row + 1]);
    return (row) => (col.getValid(row) ? index.find(values, offsets[row], offsets[row + 1]) : nullSlot);
  }
  return (row) => logs.slots.get(keys.key(row)) ?? -1;
}

/** One base batch merged with the log versions of its keys; undefined when no row is left. */
export function mergeBaseBatch(
  config: TableConfig,
  mode: RecordMergeMode,
  work: Schema,
  batch: RecordBatch,
  logs: LogRecords,
  state: MergeState,
): RecordBatch | undefined {
  const { matched, index } = state;
  const keys = rowKeys(config, work, batch);
  const slotOf = slotFinder(config, work, batch, logs, index, keys);
  const n = batch.numRows;
  // Output row -> row of [batch, replacements]; allocated at the first row a log version touches.
  let indices: Int32Array | undefined;
  const replacements: number[] = [];
  let out = 0;
  for (let r = 0; r < n; r++) {
    const slot = slotOf(r);
    if (slot === -1 || matched[slot] === 1) {
      if (indices) indices[out] = r;
      out++;
      continue;
    }
    matched[slot] = 1;
    if (!indices) {
      indices = new Int32Array(n);
      for (let k = 0; k < out; k++) indices[k] = k;
    }
    if (!newerSurvives(mode, keys.ordering(r), false, logs.ordering[slot], logs.deleted[slot])) {
      indices[out++] = r;
    } else if (!logs.deleted[slot]) {
      indices[out++] = n + replacements.length;
      replacements.push(logs.row[slot]);
    }
  }
  if (!indices) return batch;
  if (out === 0) return undefined;
  if (replacements.length === 0) return out === n ? batch : takeRows(batch, indices.subarray(0, out));
  const base = batch.data as unknown as Data;
  const replaced = takeRows(logs.rows, replacements).data as unknown as Data;
  const picked = indices.subarray(0, out);
  const children = work.fields.map((_, c) => interleaveData(base.children[c], replaced.children[c], picked));
  return new RecordBatch(work, makeData({ type: new Struct(work.fields), length: out, nullCount: 0, children }));
}

/** The log rows no base row matched, deletes left out, in the order their keys first appeared. */
export function unmatchedLogRows(logs: LogRecords, { matched }: MergeState): RecordBatch | undefined {
  const rows: number[] = [];
  for (let slot = 0; slot < logs.row.length; slot++) if (matched[slot] === 0 && !logs.deleted[slot]) rows.push(logs.row[slot]);
  return rows.length > 0 ? takeRows(logs.rows, rows) : undefined;
}
