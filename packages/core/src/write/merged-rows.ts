// One stored batch of a file group after a write's changes: stored rows kept in their order, an
// updated row replaced by its incoming version, a deleted one dropped. The merged batch is made in
// at most one copy of the stored rows (none when every incoming row can be written over the row
// it replaces), where concatenating the incoming rows to the batch and then taking the output
// rows from that copies every column twice, and leaves two batches' worth of garbage per batch.

import { makeData, RecordBatch, Struct, type Data } from 'apache-arrow';

import { interleaveData } from '../arrow/interleave.js';
import { keepRowsInPlace } from '../arrow/keep-in-place.js';
import { takeRows } from '../arrow/take.js';
import { replaceInPlace } from '../read/replace-in-place.js';

/**
 * The output rows `picks` of the virtual concatenation [stored, incoming]: below
 * `stored.numRows` a stored row, otherwise row `picks[i] - stored.numRows` of `incoming`.
 * `incoming` has `stored`'s columns in the same order. `stored` must be freshly decoded for this
 * merge (its buffers may be written over); `incoming` is only read.
 */
export function mergedRows(stored: RecordBatch, incoming: RecordBatch, picks: readonly number[]): RecordBatch {
  const n = stored.numRows;
  let inPlace = picks.length === n;
  let identity = picks.length === n;
  let fresh = 0;
  for (let i = 0; i < picks.length; i++) {
    const p = picks[i];
    if (p >= n) {
      fresh++;
      identity = false;
    } else if (p !== i) {
      identity = false;
      inPlace = false;
    }
  }
  if (fresh === 0) {
    if (identity) return stored;
    // rows only dropped (in stored order): the kept ones are moved down in the stored buffers
    const rows = Int32Array.from(picks);
    return rows.every((r, i) => i === 0 || r > rows[i - 1]) ? keepRowsInPlace(stored, rows) : takeRows(stored, rows);
  }
  const base = (stored.data as unknown as Data).children;
  const extra = (incoming.data as unknown as Data).children;
  if (inPlace) {
    // every stored row keeps its position: replaced rows are written over where the layout allows
    const rows = new Int32Array(fresh);
    const from = new Int32Array(fresh);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (picks[i] < n) continue;
      rows[k] = i;
      from[k++] = picks[i] - n;
    }
    if (replaceInPlace(base, extra, rows, from)) return stored;
  }
  const indices = Int32Array.from(picks);
  const children = base.map((b, c) => interleaveData(b, extra[c], indices));
  return new RecordBatch(stored.schema, makeData({ type: new Struct(stored.schema.fields), length: indices.length, nullCount: 0, children }));
}
