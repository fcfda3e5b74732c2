// Which partitions a sync adds and drops, read from the timeline as Hudi's sync does: the
// partitions written by every commit completed since the last synced one (partitionToWriteStats,
// and partitionToReplaceFileIds of replace commits), and the partitions dropped by
// delete_partition replace commits or by cleans that deleted a partition; a later write to a
// dropped partition brings it back. Only a first sync, or one whose last synced commit has left
// the active timeline, lists the table's folders.

import { decodeMetadataFile, listPartitions, WRITE_ACTIONS, type Instant, type Timeline } from '@lake/core/format';

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

/**
 * Completed writes and cleans after the last synced commit, oldest first. Where the timeline
 * records completion times, a write that started earlier but completed after the last sync
 * counts too.
 */
function instantsSince(timeline: Timeline, lastTime: string, lastCompletion: string | undefined): Instant[] {
  return timeline.completed().filter((i) => {
    if (!WRITE_ACTIONS.has(i.action) && i.action !== 'clean') return false;
    if (lastCompletion !== undefined && i.completionTime !== undefined) return i.completionTime > lastCompletion;
    return i.time > lastTime;
  });
}

/** Partitions a completed clean deleted whole (Hudi marks them `isPartitionDeleted`). */
async function partitionsDeletedByClean(timeline: Timeline, clean: Instant): Promise<string[]> {
  const meta = decodeMetadataFile(await timeline.instantBytes(clean), timeline.instantPath(clean));
  const partitions = meta?.partitionMetadata;
  if (partitions === null || typeof partitions !== 'object' || Array.isArray(partitions)) return [];
  return Object.entries(partitions)
    .filter(([, m]) => m !== null && typeof m === 'object' && !Array.isArray(m) && m.isPartitionDeleted === true)
    .map(([p]) => p);
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
  const write = (partition: string): void => {
    if (partition === '') return;
    written.add(partition);
    dropped.delete(partition);
  };
  const drop = (partition: string): void => {
    if (partition === '') return;
    dropped.add(partition);
    written.delete(partition);
  };
  for (const instant of instantsSince(timeline, lastTime, lastCompletion)) {
    if (rolledBack.has(instant.time)) continue;
    if (instant.action === 'clean') {
      (await partitionsDeletedByClean(timeline, instant)).forEach(drop);
      continue;
    }
    const meta = await timeline.commitMetadata(instant);
    for (const [partition, stats] of meta.partitionToWriteStats) if (stats.length > 0) write(partition);
    if (meta.operationType?.toLowerCase() === 'delete_partition') [...meta.partitionToReplaceFileIds.keys()].forEach(drop);
    else [...meta.partitionToReplaceFileIds.keys()].forEach(write);
  }
  return { written: [...written].sort(), dropped: [...dropped].sort() };
}
