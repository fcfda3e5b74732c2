// Merges base-file batches of a merge-on-read slice with its log records, column by column:
// each base row is kept, replaced by its log version (in place, so rows keep the base file's
// order) or dropped by a delete, and the result is gathered with typed-array takes instead of
// being rebuilt row by row. Log records no base row matched come last.

import type { RecordBatch, Schema } from 'apache-arrow';

import { concatBatches, takeRows } from '../arrow/take.js';
import type { RecordMergeMode, TableConfig } from '../config/table-config.js';
import type { LogRecords } from './log-records.js';
import { rowKeys } from './log-records.js';
import { newerSurvives } from './merge.js';

/** Which log versions a base row has already met (a key's first base row takes its version). */
export function matchState(logs: LogRecords): Uint8Array {
  return new Uint8Array(logs.row.length);
}

/** One base batch merged with the log versions of its keys; undefined when no row is left. */
export function mergeBaseBatch(
  config: TableConfig,
  mode: RecordMergeMode,
  work: Schema,
  batch: RecordBatch,
  logs: LogRecords,
  matched: Uint8Array,
): RecordBatch | undefined {
  const keys = rowKeys(config, work, batch);
  const n = batch.numRows;
  // Output row -> row of [batch, replacements]; allocated at the first row a log version touches.
  let indices: Int32Array | undefined;
  const replacements: number[] = [];
  let out = 0;
  for (let r = 0; r < n; r++) {
    const slot = logs.slots.get(keys.key(r));
    if (slot === undefined || matched[slot] === 1) {
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
  return takeRows(concatBatches(work, [batch, takeRows(logs.rows, replacements)]), indices.subarray(0, out));
}

/** The log rows no base row matched, deletes left out, in the order their keys first appeared. */
export function unmatchedLogRows(logs: LogRecords, matched: Uint8Array): RecordBatch | undefined {
  const rows: number[] = [];
  for (let slot = 0; slot < logs.row.length; slot++) if (matched[slot] === 0 && !logs.deleted[slot]) rows.push(logs.row[slot]);
  return rows.length > 0 ? takeRows(logs.rows, rows) : undefined;
}
