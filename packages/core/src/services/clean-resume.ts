// Cleans left pending by a run that died between planning and completing them: their plans
// (`clean.requested`, HoodieCleanerPlan) say which files they delete, so any later run can
// finish them, as Hudi's cleaner finishes inflight cleans before planning a new one.

import { decodeMetadataFile, jsonRecord as record } from '../timeline/metadata-file.js';
import type { Timeline } from '../timeline/timeline.js';
import type { TableContext } from '../table/table-context.js';
import { executeClean, plannedCleanFiles } from './clean-execute.js';

export interface PendingClean {
  instant: string;
  plan: Uint8Array;
  /** Store keys of the files to delete, per partition. */
  files: Map<string, string[]>;
  earliest: string;
  policy: string;
}

/** Cleans planned but not completed, oldest first. */
export async function pendingCleans(timeline: Timeline): Promise<PendingClean[]> {
  const out: PendingClean[] = [];
  const times = new Set(timeline.instants.filter((i) => i.action === 'clean' && i.state === 'requested' && !timeline.completedInstant(i.time)).map((i) => i.time));
  for (const time of [...times].sort()) {
    const requested = { time, action: 'clean', state: 'requested' } as const;
    const plan = await timeline.instantBytes(requested);
    const json = decodeMetadataFile(plan, timeline.instantPath(requested));
    if (!json) continue;
    const retain = record(json.earliestInstantToRetain);
    out.push({
      instant: time,
      plan,
      files: plannedCleanFiles(json, timeline.store.uri, `Cleaner plan ${timeline.instantPath(requested)}`),
      earliest: typeof retain?.timestamp === 'string' ? retain.timestamp : '',
      policy: typeof json.policy === 'string' ? json.policy : '',
    });
  }
  return out;
}

/** Store keys of the files a completed clean deleted (from its HoodieCleanMetadata). */
/** Finishes every clean that was planned but never completed, as Hudi's cleaner does first. Returns their instants. */
export async function finishPendingCleans(table: TableContext, timeline: Timeline): Promise<string[]> {
  const done: string[] = [];
  for (const c of await pendingCleans(timeline)) {
    await executeClean(table, timeline, { instant: c.instant, files: c.files, earliest: c.earliest, policyName: c.policy || 'KEEP_LATEST_COMMITS', plan: c.plan });
    done.push(c.instant);
  }
  return done;
}
