// Key lookups across partitions, and their result kept for a write that has to route the same
// keys again. A delete by key alone must first find which partitions hold its keys; the plan of
// the delete then needs, per partition, the file group of each key: the same lookup. Handing the
// first result to the plan (tied to the snapshot it was made in) spares the second pass over
// every candidate file's footer and key column.

import { mapLimit, type ObjectStore } from '@lake/storage';

import type { FileSlice } from '../file-group/file-slice.js';
import type { FileSystemView } from '../table/fs-view.js';
import type { IndexLookupStats } from './key-index.js';
import { locateLiveKeys, type LiveKeyOptions } from './live-keys.js';

/**
 * Partitions looked up at once. Each lookup bounds its own footer and key-column reads; this
 * bounds how many of those run side by side (memory: key columns are held while compared).
 */
const PARTITION_LOOKUP_CONCURRENCY = 4;

/**
 * The key index's answer for `keys` in the partitions of one snapshot: per partition, the file
 * group each found key is routed to (as a writer routes it: check 'ambiguous'). A partition
 * absent from `found` holds none of the keys.
 */
export interface LocatedKeys {
  /** The snapshot the lookup ran in; a plan built on another view looks the keys up itself. */
  view: FileSystemView;
  /** Every key that was looked up, in every partition of the snapshot. */
  keys: ReadonlySet<string>;
  found: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** What the lookup cost, reported as the write's index work. */
  stats: IndexLookupStats;
}

/**
 * Looks up `keysOf(partition)` in each partition's latest slices, several partitions at once.
 * The result lists partitions in `slicesByPartition`'s order and omits those where no key was
 * found (and those `keysOf` gives no keys for, which are not read at all).
 */
export async function locateInPartitions(
  store: ObjectStore,
  slicesByPartition: ReadonlyMap<string, readonly FileSlice[]>,
  keysOf: (partition: string) => readonly string[],
  options: LiveKeyOptions,
  stats?: IndexLookupStats,
): Promise<Map<string, Map<string, string>>> {
  const partitions = [...slicesByPartition.keys()];
  const located = await mapLimit(partitions, PARTITION_LOOKUP_CONCURRENCY, (partition) => {
    const keys = keysOf(partition);
    if (keys.length === 0) return Promise.resolve(new Map<string, string>());
    return locateLiveKeys(store, slicesByPartition.get(partition) ?? [], keys, options, stats);
  });
  const out = new Map<string, Map<string, string>>();
  partitions.forEach((partition, n) => {
    if (located[n].size > 0) out.set(partition, located[n]);
  });
  return out;
}

/** Latest slices with a base file (the only ones the key index can find keys in), by partition, in view order. */
export function baseSlicesByPartition(slices: readonly FileSlice[]): Map<string, FileSlice[]> {
  const out = new Map<string, FileSlice[]>();
  for (const slice of slices) {
    if (!slice.baseFile) continue;
    const list = out.get(slice.partitionPath) ?? [];
    list.push(slice);
    out.set(slice.partitionPath, list);
  }
  return out;
}
