// Whether a file slice's logs can hold delete blocks, answered from commit metadata instead of
// reading the logs: every delta commit records, per log file it wrote, how many deletes it wrote
// (`numDeletes`). A slice all of whose log files are accounted for by active commits that wrote
// no deletes has no delete block to scan. Anything the metadata does not vouch for (a log file no
// active commit names, commits since archived) is treated as possibly holding deletes.

import { mapLimit } from '@lake/storage';

import type { FileSlice } from '../file-group/file-slice.js';
import type { Timeline } from '../timeline/timeline.js';

/** Commit metadata files fetched at once (each is one GET on an object store). */
const METADATA_CONCURRENCY = 8;

/**
 * False when commit metadata proves that no valid write put a delete into any of the slice's log
 * files; true when some did or when the metadata cannot tell.
 */
export async function sliceMayHaveDeletes(timeline: Timeline, slice: FileSlice, isValidInstant: (t: string) => boolean): Promise<boolean> {
  if (slice.logFiles.length === 0) return false;
  // Writes into these logs happened at or after the instant each log is named after.
  const since = slice.logFiles.reduce((min, f) => (f.instantTime < min ? f.instantTime : min), slice.logFiles[0].instantTime);
  const first = timeline.instants[0]?.time;
  // Commits before the active timeline's first instant are archived: their stats are not at hand.
  if (first === undefined || since < first) return true;
  const writes = timeline.completedWrites().filter((w) => w.time >= since && isValidInstant(w.time));
  const metas = await mapLimit(writes, METADATA_CONCURRENCY, (w) => timeline.commitMetadata(w));
  const logPaths = new Set(slice.logFiles.map((f) => f.path));
  const accounted = new Set<string>();
  for (const meta of metas) {
    for (const stat of meta.partitionToWriteStats.get(slice.partitionPath) ?? []) {
      const path = stat.path?.replace(/^\/+/, '');
      if (stat.fileId !== slice.fileId || path === undefined || !logPaths.has(path)) continue;
      if (stat.numDeletes > 0) return true;
      accounted.add(path);
    }
  }
  return accounted.size < logPaths.size;
}
