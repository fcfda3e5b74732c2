// "Which of these records are already in the table?" through the record-key index, for writers
// that must not overwrite (insert-only ingestion of immutable events).

import type { ObjectStore } from '@lake/storage';

import type { FileSlice } from '../file-group/file-slice.js';
import { createKeyGenerator, keyGeneratorOptionsFromProperties } from '../keygen/key-generator.js';
import type { KeySource } from '../keygen/field-values.js';
import { latestFileSlices, type FileSystemView } from '../table/fs-view.js';
import { writerSnapshots } from '../table/writer-snapshot.js';
import type { TableContext } from '../table/table-context.js';
import { locateLiveKeys } from './live-keys.js';
import { bucketIndexOf } from './bucket-layout.js';
import { bucketExistingRows } from './bucket-existing.js';

/**
 * Indexes of the rows of `records` whose record key already exists in the partition the table's
 * key generator assigns them to (the latest snapshot). Only the partitions the records fall in
 * are looked at, and only base files whose footer range and bloom filter admit a key are read
 * (and, on merge-on-read tables, the logs of the slices holding a key, for its deletes).
 */
export async function existingRecordRows(table: TableContext, records: KeySource): Promise<Set<number>> {
  if (records.numRows === 0) return new Set();
  const keygen = createKeyGenerator(keyGeneratorOptionsFromProperties(Object.fromEntries(table.config.raw)));
  const { recordKeys, partitionPaths } = keygen.generate(records);
  // The listing the table's writes keep (caught up from commit metadata): a writer that checks
  // every micro-batch does not list every partition of the table each time.
  const { view } = await writerSnapshots.view(table, table.store, await table.timeline());
  return liveKeyRows(table, view, recordKeys, partitionPaths);
}

/**
 * Indexes of the rows whose record key (`recordKeys[i]`, in partition `partitionPaths[i]`) is live
 * in `view`; `store` reads the files (a write passes its own, which keeps what it read).
 */
export async function liveKeyRows(
  table: TableContext,
  view: FileSystemView,
  recordKeys: readonly string[],
  partitionPaths: readonly string[],
  store: ObjectStore = table.store,
): Promise<Set<number>> {
  const out = new Set<number>();
  const rowsByPartition = new Map<string, number[]>();
  partitionPaths.forEach((p, i) => {
    const list = rowsByPartition.get(p) ?? [];
    list.push(i);
    rowsByPartition.set(p, list);
  });
  const bucketIndex = bucketIndexOf(table.config);
  if (bucketIndex) return bucketExistingRows(table, bucketIndex, view, recordKeys, rowsByPartition);
  const slicesByPartition = new Map<string, FileSlice[]>();
  for (const slice of latestFileSlices(view)) {
    if (!slice.baseFile || !rowsByPartition.has(slice.partitionPath)) continue;
    const list = slicesByPartition.get(slice.partitionPath) ?? [];
    list.push(slice);
    slicesByPartition.set(slice.partitionPath, list);
  }
  for (const [partition, rows] of rowsByPartition) {
    const slices = slicesByPartition.get(partition);
    if (!slices) continue;
    // A key deleted through a merge-on-read log is gone, though still in its base file.
    const found = await locateLiveKeys(store, slices, rows.map((i) => recordKeys[i]), { isValidInstant: view.isVisible, check: 'all' });
    for (const i of rows) if (found.has(recordKeys[i])) out.add(i);
  }
  return out;
}
