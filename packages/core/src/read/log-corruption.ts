// Corrupt or truncated log blocks, told apart by whether a completed write owns them. A block that
// cannot be parsed may be a committed update or delete (its loss changes what readers see) or
// the torn tail of a write that never completed (a crashed writer, rolled back later), which
// Hudi ignores. A block whose header survived names its instant; otherwise the commit metadata
// says how far completed writes filled each log file (Hudi records the log file's size after
// each append), and bytes past that belong to no completed write.

import { CorruptLogBlockError } from '../errors.js';
import { parseLogFileName } from '../file-group/log-file.js';
import type { Timeline } from '../timeline/timeline.js';

export interface CorruptLogBlock {
  /** Log file path, relative to the table root. */
  path: string;
  offset: number;
  length: number;
  /** The instant named in the damaged block's header, when that much of it survived. */
  instantTime?: string;
  /**
   * Whether a completed write may own the damaged bytes: then records may be missing from what
   * was read. False for the leftovers of writes that never completed, which readers ignore.
   */
  committed: boolean;
}

/**
 * How many bytes of a log file completed writes account for, or undefined when the active
 * timeline cannot tell (the file is older than it: its writes may be archived).
 */
export type CommittedLogExtent = (path: string) => Promise<number | undefined>;

/**
 * Committed extents of log files from the commit metadata of the completed writes `isValid`
 * accepts. Loaded on first use only: tables without corrupt blocks never pay for it.
 */
export function committedLogExtents(timeline: Timeline, isValid: (instant: string) => boolean): CommittedLogExtent {
  let loaded: Promise<Map<string, number>> | undefined;
  const load = async (): Promise<Map<string, number>> => {
    const sizes = new Map<string, number>();
    for (const i of timeline.completedWrites()) {
      if (!isValid(i.time)) continue;
      for (const stats of (await timeline.commitMetadata(i)).partitionToWriteStats.values()) {
        for (const s of stats) {
          if (!s.path || !parseLogFileName(s.path.slice(s.path.lastIndexOf('/') + 1))) continue;
          sizes.set(s.path, Math.max(sizes.get(s.path) ?? 0, s.fileSizeInBytes, s.totalWriteBytes));
        }
      }
    }
    return sizes;
  };
  const earliest = timeline.instants[0]?.time;
  return async (path) => {
    loaded ??= load();
    const size = (await loaded).get(path);
    if (size !== undefined) return size;
    // Writes into a log file come after the instant it is named after; if that instant is on
    // the active timeline, so is every write that could have completed into the file.
    const base = parseLogFileName(path.slice(path.lastIndexOf('/') + 1))?.instantTime;
    return base !== undefined && earliest !== undefined && base >= earliest ? 0 : undefined;
  };
}

/** Decides, per damaged stretch, whether a completed write may own it. */
export async function classifyCorruptRegions(
  regions: readonly { path: string; offset: number; length: number; instantTime?: string }[],
  ownerCompleted: (instant: string) => boolean,
  extent: CommittedLogExtent | undefined,
): Promise<CorruptLogBlock[]> {
  const out: CorruptLogBlock[] = [];
  for (const r of regions) {
    let committed: boolean;
    if (r.instantTime !== undefined) committed = ownerCompleted(r.instantTime);
    else {
      // Without a header, only bytes past everything completed writes wrote are known to be spare.
      const size = extent ? await extent(r.path) : undefined;
      committed = size === undefined || r.offset < size;
    }
    out.push({ ...r, committed });
  }
  return out;
}

/**
 * A corruption handler for table services and rewrites: refuses (CorruptLogBlockError) when a
 * completed write owns a damaged block, unless forced.
 */
export function refuseCorruptLogBlocks(operation: string, options: { force?: boolean; remedy: string }): (blocks: CorruptLogBlock[]) => void {
  return (blocks) => {
    const committed = blocks.filter((b) => b.committed);
    if (committed.length > 0 && !options.force) throw new CorruptLogBlockError(operation, committed, options.remedy);
  };
}

/** One line per damaged block, for warnings. */
export function describeCorruptLogBlock(b: CorruptLogBlock): string {
  const owner = b.committed
    ? `records of a completed write${b.instantTime ? ` (${b.instantTime})` : ''} may be missing`
    : `belongs to no completed write${b.instantTime ? ` (${b.instantTime})` : ''}; ignored`;
  return `corrupt log block in ${b.path} at byte ${b.offset} (${b.length} bytes): ${owner}`;
}
