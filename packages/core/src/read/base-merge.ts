// Merges base-file batches of a merge-on-read slice with its log records, column by column:
// each base row is kept, replaced by its log version (in place, so rows keep the base file's
// order) or dropped by a delete, and the result is gathered with typed-array copies (base rows
// and their replacements in one pass) instead of being rebuilt row by row. Log records no base
// row matched come last.

import { makeData, RecordBatch, Struct, type Data, type Schema } from 'apache-arrow';

import { interleaveData } from '../arrow/interleave.js';
import { replaceInPlace } from './replace-in-place.js';
import { takeRows } from '../arrow/take.js';
import type { RecordMergeMode, TableConfig } from '../config/table-config.js';
import type { KeySlots } from './key-slots.js';
import { keyBytesColumn, rowKeys, type LogRecords, type RowKeys } from './log-records.js';
import { newerSurvives } from './merge.js';

/** What a slice's merge carries from one base batch to the next. */
export interface MergeState {
  /** Per log version slot: whether a base row has met it (a key's first base row takes it). */
  matched: Uint8Array;
}

export function mergeState(logs: LogRecords): MergeState {
  return { matched: new Uint8Array(logs.row.length) };
}

/**
 * Per row of a base batch, the slot of its key's log version (or -1): from the bytes of the
 * `_hoodie_record_key` column when the table stores it, otherwise from the formatted key.
 */
function slotFinder(config: TableConfig, work: Schema, batch: RecordBatch, slots: KeySlots, keys: RowKeys): (row: number) => number {
  const col = keyBytesColumn(config, work, batch);
  if (col) {
    const offsets = col.valueOffsets as Int32Array;
    const values = col.values as Uint8Array;
    if (col.nullCount === 0) return (row) => slots.find(values, offsets[row], offsets[row + 1]);
    const nullSlot = slots.find(values, 0, 0);
    return (row) => (col.getValid(row) ? slots.find(values, offsets[row], offsets[row + 1]) : nullSlot);
  }
  return (row) => slots.get(keys.key(row)) ?? -1;
}

/** `batch`'s columns named in `out` (a projection of `work`), without copying. */
function project(work: Schema, batch: RecordBatch, out: Schema): RecordBatch {
  if (out === work) return batch;
  const data = batch.data as unknown as Data;
  const children = out.fields.map((f) => data.children[work.fields.findIndex((w) => w.name === f.name)]);
  return new RecordBatch(out, makeData({ type: new Struct(out.fields), length: batch.numRows, nullCount: 0, children }));
}

/**
 * One base batch merged with the log versions of its keys, with the columns of `out` (a
 * projection of `work`: key and ordering columns are needed to merge, often not after);
 * undefined when no row is left.
 */
export function mergeBaseBatch(
  config: TableConfig,
  mode: RecordMergeMode,
  work: Schema,
  batch: RecordBatch,
  logs: LogRecords,
  state: MergeState,
  out: Schema = work,
): RecordBatch | undefined {
  const { matched } = state;
  const keys = rowKeys(config, work, batch);
  const slotOf = slotFinder(config, work, batch, logs.slots, keys);
  const n = batch.numRows;
  // Output row -> row of the virtual concatenation [batch, logs.rows]; allocated at the first
  // row a log version touches.
  let indices: Int32Array | undefined;
  let replaced = false;
  let kept = 0;
  // base row and log row of each replacement, for writing them in place
  const replacedRows: number[] = [];
  const replacingRows: number[] = [];
  for (let r = 0; r < n; r++) {
    const slot = slotOf(r);
    if (slot === -1 || matched[slot] === 1) {
      if (indices) indices[kept] = r;
      kept++;
      continue;
    }
    matched[slot] = 1;
    if (!indices) {
      indices = new Int32Array(n);
      for (let k = 0; k < kept; k++) indices[k] = k;
    }
    if (!newerSurvives(mode, keys.ordering(r), false, logs.ordering[slot], logs.deleted[slot])) {
      indices[kept++] = r;
    } else if (!logs.deleted[slot]) {
      replacedRows.push(r);
      replacingRows.push(logs.row[slot]);
      indices[kept++] = n + logs.row[slot];
      replaced = true;
    }
  }
  const projected = project(work, batch, out);
  if (!indices) return projected;
  if (kept === 0) return undefined;
  if (!replaced) return kept === n ? projected : takeRows(projected, indices.subarray(0, kept));
  const base = projected.data as unknown as Data;
  const logRows = project(work, logs.rows, out).data as unknown as Data;
  if (kept === n && replaceInPlace(base.children, logRows.children, Int32Array.from(replacedRows), Int32Array.from(replacingRows))) return projected;
  const picked = indices.subarray(0, kept);
  const children = out.fields.map((_, c) => interleaveData(base.children[c], logRows.children[c], picked));
  return new RecordBatch(out, makeData({ type: new Struct(out.fields), length: kept, nullCount: 0, children }));
}

/** The log rows no base row matched, deletes left out, in the order their keys first appeared. */
export function unmatchedLogRows(logs: LogRecords, { matched }: MergeState): RecordBatch | undefined {
  const rows: number[] = [];
  for (let slot = 0; slot < logs.row.length; slot++) if (matched[slot] === 0 && !logs.deleted[slot]) rows.push(logs.row[slot]);
  return rows.length > 0 ? takeRows(logs.rows, rows) : undefined;
}
