// Conflict checks run just before a commit claims its sequence number: whatever completed on the
// timeline since this commit's snapshot (Hudi writers and lake writers alike) must not have
// changed what this commit read or is about to supersede. A clash is a ConflictError: nothing of
// the loser is visible, and retrying it from a fresh snapshot orders it after the winner.

import { ConflictError } from '../errors.js';
import { fileGroupKey } from '../file-group/file-slice.js';
import { parseLogFileName } from '../file-group/log-file.js';
import { pendingCompactionGroups } from '../timeline/plans/compaction-plan.js';
import { writtenFileGroups } from '../timeline/commit-metadata.js';
import type { Timeline } from '../timeline/timeline.js';
import { conflictOnVanishedInput, type VanishedInputRecheck } from './vanished-input.js';

/** The table as it is now, read afresh for each check. */
export interface TimelineSource {
  timeline(): Promise<Timeline>;
}

/** `partition/fileId` of a file group key, as conflicts name file groups. */
function groupName(key: string): string {
  return key.replace('\u0000', '/');
}

/** Fails with ConflictError when a write completed since `known` changed or replaced a file group in `changed`. */
export async function checkTimelineConflicts(ctx: TimelineSource, known: ReadonlySet<string>, instant: string, changed: ReadonlySet<string>): Promise<void> {
  if (changed.size === 0) return;
  const now = await ctx.timeline();
  for (const i of now.completedWrites()) {
    if (known.has(i.time) || i.time === instant) continue;
    const meta = await now.commitMetadata(i);
    const overlap = writtenFileGroups(meta)
      .map((g) => fileGroupKey(g.partitionPath, g.fileId))
      .filter((k) => changed.has(k));
    for (const [p, ids] of meta.partitionToReplaceFileIds) for (const id of ids) if (changed.has(fileGroupKey(p, id))) overlap.push(fileGroupKey(p, id));
    if (overlap.length > 0) throw new ConflictError(instant, i.time, overlap.map(groupName));
  }
}

/**
 * A log file belongs to the slice it was named after; if a compaction was scheduled on the file
 * group meanwhile, that slice is about to be superseded and the log's records would be lost.
 * `appended` maps each file group key to the base instant of the slice its log was named after.
 */
export async function checkCompactionConflicts(ctx: TimelineSource, instant: string, appended: ReadonlyMap<string, string>): Promise<void> {
  const now = await pendingCompactionGroups(await ctx.timeline());
  const clashes: string[] = [];
  let by = '';
  for (const [key, base] of appended) {
    const compaction = now.get(key);
    if (compaction !== undefined && compaction > base) {
      clashes.push(groupName(key));
      by = compaction;
    }
  }
  if (clashes.length > 0) throw new ConflictError(instant, by, clashes);
}

/** A file group a compaction merges, and the base instant of the slice it merges. */
export interface CompactedSlice {
  partitionPath: string;
  fileId: string;
  baseInstantTime: string;
}

/**
 * A write that completed meanwhile into a compacted slice (a log named after the slice's base
 * instant, or a new base file) holds records the compaction has not merged: fail, leaving the
 * compaction pending; the next run includes them. Logs into the compaction's own new slices are
 * what writers are meant to do meanwhile.
 */
export async function checkCompactedSliceConflicts(
  table: TimelineSource & VanishedInputRecheck,
  known: ReadonlySet<string>,
  instant: string,
  slices: readonly CompactedSlice[],
): Promise<void> {
  const groups = new Set(slices.map((o) => fileGroupKey(o.partitionPath, o.fileId)));
  const baseOf = new Map(slices.map((o) => [fileGroupKey(o.partitionPath, o.fileId), o.baseInstantTime]));
  const now = await table.timeline();
  for (const w of now.completedWrites()) {
    if (known.has(w.time) || w.time === instant) continue;
    const touched: string[] = [];
    for (const [partition, stats] of (await conflictOnVanishedInput(instant, table, () => now.commitMetadata(w))).partitionToWriteStats) {
      for (const stat of stats) {
        const key = fileGroupKey(stat.partitionPath || partition, stat.fileId);
        if (!groups.has(key)) continue;
        const name = (stat.path ?? '').slice((stat.path ?? '').lastIndexOf('/') + 1);
        const log = parseLogFileName(name);
        if (log && log.instantTime !== baseOf.get(key)) continue;
        touched.push(`${stat.partitionPath || partition}/${stat.fileId}`);
      }
    }
    if (touched.length > 0) throw new ConflictError(instant, w.time, touched);
  }
}
