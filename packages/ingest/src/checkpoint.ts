// Where a source resumes: the checkpoint stored in the extra metadata of the latest completed
// commit written from that source (in the archived timeline when it was archived). The commit that writes a batch is the one that records how far
// the source was read, so the table alone says what is in it, whatever happened to acks.

import { loadArchivedTimeline, type HudiTable } from '@lake/core/format';
import { CheckpointError } from './errors.js';
import type { Checkpoint } from './source.js';

/** Hudi Streamer's key for the source checkpoint of a commit. */
export const CHECKPOINT_KEY = 'deltastreamer.checkpoint.key';
/** Which source the checkpoint belongs to, so several sources can feed one table. */
export const SOURCE_ID_KEY = 'lake.ingest.source.id';
/** The quarantine file of the batch, when it had invalid records. */
export const QUARANTINE_KEY = 'lake.ingest.quarantine';

export interface CommittedCheckpoint {
  checkpoint: Checkpoint;
  /** The commit that stored it. */
  instant: string;
}

/** The commit metadata entries that record `checkpoint` for `sourceId`. */
export function checkpointMetadata(sourceId: string, checkpoint: Checkpoint): Record<string, string> {
  return { [CHECKPOINT_KEY]: JSON.stringify(checkpoint), [SOURCE_ID_KEY]: sourceId };
}

/**
 * The last committed checkpoint of `sourceId`, walking the completed writes from the newest back
 * (rolled-back commits do not count); undefined when the source never committed to this table.
 */
export async function lastCommittedCheckpoint(table: HudiTable, sourceId: string): Promise<CommittedCheckpoint | undefined> {
  const timeline = await table.timeline();
  const rolledBack = await timeline.rolledBackInstants();
  const writes = timeline.completedWrites();
  for (let i = writes.length - 1; i >= 0; i--) {
    const instant = writes[i];
    if (rolledBack.has(instant.time)) continue;
    const found = checkpointOf((await timeline.commitMetadata(instant)).extraMetadata, sourceId, instant.time);
    if (found) return found;
  }
  // Other sources may have kept the table busy long enough for this source's last commit to be
  // archived; starting over would ingest everything again.
  const archived = await loadArchivedTimeline(table.store, table.config);
  const old = archived.completedWrites().filter((i) => writes.length === 0 || i.time < writes[0].time);
  for (let i = old.length - 1; i >= 0; i--) {
    const found = checkpointOf(archived.commitMetadata(old[i]).extraMetadata, sourceId, old[i].time);
    if (found) return found;
  }
  return undefined;
}

function checkpointOf(extra: ReadonlyMap<string, string>, sourceId: string, instant: string): CommittedCheckpoint | undefined {
  if (extra.get(SOURCE_ID_KEY) !== sourceId) return undefined;
  const text = extra.get(CHECKPOINT_KEY);
  if (text === undefined) return undefined;
  try {
    return { checkpoint: JSON.parse(text) as Checkpoint, instant };
  } catch {
    throw new CheckpointError(`Commit ${instant} holds checkpoint ${JSON.stringify(text)} for source ${sourceId}, which is not JSON; roll the commit back or ingest under another source id.`);
  }
}
