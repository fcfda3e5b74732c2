// "Which of these records are already stored?" on a bucket table. A bucket's file group takes new
// keys as log blocks on merge-on-read tables, so base-file footers cannot answer; instead each
// touched bucket's slice is read, record keys only, merged with its logs (deletes included).

import { META } from '../schema/table-schema.js';
import { projectSchema } from '../read/conform.js';
import { readFileSlice } from '../read/file-slice-reader.js';
import type { FileSystemView } from '../table/fs-view.js';
import { latestFileSlices } from '../table/fs-view.js';
import type { TableContext } from '../table/table-context.js';
import type { FileSlice } from '../file-group/file-slice.js';
import { routeToBuckets } from './bucket-route.js';
import type { BucketIndexSpec } from './bucket-layout.js';

/** Indexes of rows whose key is live in its partition's bucket file group. */
export async function bucketExistingRows(
  table: TableContext,
  spec: BucketIndexSpec,
  view: FileSystemView,
  keys: readonly string[],
  rowsByPartition: ReadonlyMap<string, number[]>,
): Promise<Set<number>> {
  const out = new Set<number>();
  const slicesByPartition = new Map<string, FileSlice[]>();
  for (const slice of latestFileSlices(view)) {
    if (!rowsByPartition.has(slice.partitionPath)) continue;
    const list = slicesByPartition.get(slice.partitionPath) ?? [];
    list.push(slice);
    slicesByPartition.set(slice.partitionPath, list);
  }
  if (slicesByPartition.size === 0) return out;
  const full = await table.schema();
  const output = projectSchema(full, new Set([META.recordKey]));
  for (const [partition, rows] of rowsByPartition) {
    const slices = slicesByPartition.get(partition);
    if (!slices) continue;
    // Existing buckets only: a new file id is never used here.
    for (const route of routeToBuckets(spec, partition, slices, rows, keys, () => '')) {
      if (!route.slice) continue;
      const live = new Set<string>();
      const plan = { store: table.store, config: table.config, mergeMode: table.mergeMode, isValidInstant: view.isVisible, table: full, output };
      for await (const batch of readFileSlice(plan, route.slice)) {
        const column = batch.getChild(META.recordKey);
        for (let r = 0; r < batch.numRows; r++) live.add(String(column?.get(r)));
      }
      for (const i of route.rows) if (live.has(keys[i])) out.add(i);
    }
  }
  return out;
}
