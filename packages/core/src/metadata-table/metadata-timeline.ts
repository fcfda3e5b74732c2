// Whether a metadata table's timeline agrees with its data table's, and which of its instants
// count. Hudi updates the metadata table before it completes the data-table instant, so a
// metadata delta commit is read only once the data-table instant of the same time completed; a
// metadata table that missed a data-table instant (behind), or folded an instant the data table
// never completed into a base file (ahead), would list the wrong files and is not used.

import { WRITE_ACTIONS } from '../timeline/instant.js';
import type { Timeline } from '../timeline/timeline.js';

/** Data-table actions whose completion Hudi mirrors as a delta commit of the metadata table. */
export const MIRRORED_ACTIONS: ReadonlySet<string> = new Set(['commit', 'deltacommit', 'replacecommit', 'clean', 'rollback', 'restore']);

/** Metadata-table instants initialising its partitions: `00000000000000` and a 3-digit suffix. */
const INIT_PREFIX = '00000000000000';

export type MetadataTableState =
  | { usable: true; isValidInstant: (instant: string) => boolean }
  | { usable: false; reason: 'behind' | 'ahead'; detail: string };

/** Compares the two timelines for a read as of `asOf` (latest when undefined). */
export function metadataTableState(data: Timeline, mt: Timeline, asOf?: string): MetadataTableState {
  const dataPending = new Set(data.pending().map((i) => i.time));
  const dataCompleted = new Set(data.completed().map((i) => i.time));
  // Older than the data table's active timeline: archived there, so completed.
  const dataStart = data.instants[0]?.time;
  const mtCompleted = mt.completed();
  const mtDeltas = mtCompleted.filter((i) => i.action === 'deltacommit' && !i.time.startsWith(INIT_PREFIX)).map((i) => i.time);
  const mirrorsCompleted = (t: string): boolean => !dataPending.has(t) && (dataCompleted.has(t) || (dataStart !== undefined && t < dataStart));
  const deltaSet = new Set(mtDeltas);
  const isValidInstant = (t: string): boolean => !deltaSet.has(t) || mirrorsCompleted(t);

  const mtDone = new Set(mtCompleted.map((i) => i.time));
  const mtFirst = mtCompleted[0]?.time;
  if (asOf !== undefined && mtFirst !== undefined && asOf < mtFirst) {
    return { usable: false, reason: 'behind', detail: `the metadata table begins at ${mtFirst}, after the instant ${asOf} read` };
  }
  // Only writes add live files. Cleans, rollbacks and restores take files away, and the data
  // table's own timeline hides what they took (Hudi records a rollback of a write that never
  // reached the metadata table nowhere in it), so a metadata table without them lists extra
  // files the view drops, never too few.
  const mirrored = data.completed().filter((i) => WRITE_ACTIONS.has(i.action) && (asOf === undefined || i.time <= asOf));
  const last = mirrored.at(-1);
  if (last && !mtDone.has(last.time)) {
    return { usable: false, reason: 'behind', detail: `the data table's ${last.action} ${last.time} completed, but the metadata table has no completed instant for it` };
  }
  // Once the metadata table mirrors the data table, it mirrors every instant after that.
  const first = mtDeltas[0];
  const gap = first === undefined ? undefined : mirrored.find((i) => i.time > first && !mtDone.has(i.time));
  if (gap) {
    return { usable: false, reason: 'behind', detail: `the data table's ${gap.action} ${gap.time} completed, but the metadata table has no completed instant for it` };
  }
  // A compaction of the metadata table folds the delta commits before it into its base file.
  const compacted = mtCompleted.filter((i) => i.action === 'commit').at(-1)?.time;
  const folded = compacted === undefined ? undefined : mtDeltas.find((t) => t < compacted && !mirrorsCompleted(t));
  if (folded) {
    return { usable: false, reason: 'ahead', detail: `the metadata table compacted delta commit ${folded}, which the data table has not completed` };
  }
  return { usable: true, isValidInstant };
}
