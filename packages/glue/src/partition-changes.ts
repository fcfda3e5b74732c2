// Which partitions a sync adds and drops, read from the timeline as Hudi's sync does: the
// partitions written by every commit completed since the last synced one (partitionToWriteStats),
// and the partitions dropped by delete_partition replace commits. Only a first sync, or one whose
// last synced commit has left the active timeline, lists the table's folders.

import { listPartitions, type Instant, type Timeline } from '@lake/core';

import { GlueSyncConfigError } from './errors.js';

export interface PartitionChanges {
  /** Every partition path when the whole table was listed; else undefined. */
  all?: string[];
  written: string[];
  dropped: string[];
  /** Why the sync listed the table instead of reading commits since the last sync. */
  fullReason?: 'first-sync' | 'archived';
}

/** Partition values from a partition path, as Hudi's MultiPartKeysValueExtractor reads them. */
export function partitionValuesOf(path: string, keys: readonly string[]): string[] {
  if (keys.length === 0) return [];
  const values = path.split('/').map((seg) => {
    const eq = seg.indexOf('=');
    return eq === -1 ? seg : seg.slice(eq + 1);
  });
  if (values.length !== keys.length) {
    throw new GlueSyncConfigError(
      `partition path "${path}" has ${values.length} segment(s) but the table has ${keys.length} partition field(s) (${keys.join(', ')}); ` +
        'each partition field must be one folder level for the catalog to hold its values',
    );
  }
  return values;
}

/** Completed writes after the last synced one, compared by completion time where the timeline records it. */
function writesSince(timeline: Timeline, lastTime: string, lastCompletion: string | undefined): Instant[] {
  return timeline.completedWrites().filter((i) => {
    if (lastCompletion !== undefined && i.completionTime !== undefined) return i.completionTime > lastCompletion;
    return i.time > lastTime;
  });
}

export async function partitionChanges(timeline: Timeline, lastTime: string | undefined, lastCompletion: string | undefined): Promise<PartitionChanges> {
  const firstActive = timeline.instants[0]?.time;
  const archived = lastTime !== undefined && firstActive !== undefined && lastTime < firstActive;
  if (lastTime === undefined || archived) {
    const listed = await listPartitions(timeline.store);
    const all = listed.map((p) => p.path).filter((p) => p !== '');
    return { all, written: [], dropped: [], fullReason: lastTime === undefined ? 'first-sync' : 'archived' };
  }
  const rolledBack = await timeline.rolledBackInstants();
  const written = new Set<string>();
  const dropped = new Set<string>();
  for (const instant of writesSince(timeline, lastTime, lastCompletion)) {
    if (rolledBack.has(instant.time)) continue;
    const meta = await timeline.commitMetadata(instant);
    const deletesPartitions = meta.operationType?.toLowerCase() === 'delete_partition';
    for (const [partition, stats] of meta.partitionToWriteStats) {
      if (partition !== '' && stats.length > 0) {
        written.add(partition);
        dropped.delete(partition);
      }
    }
    if (deletesPartitions) {
      for (const partition of meta.partitionToReplaceFileIds.keys()) {
        if (partition === '') continue;
        dropped.add(partition);
        written.delete(partition);
      }
    }
  }
  return { written: [...written].sort(), dropped: [...dropped].sort() };
}
