// Where a source resumes: the checkpoint stored in the extra metadata of the latest completed
// commit written from that source. The commit that writes a batch is the one that records how far
// the source was read, so the table alone says what is in it, whatever happened to acks.

import type { HudiTable } from '@lake/core';
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
    const extra = (await timeline.commitMetadata(instant)).extraMetadata;
    if (extra.get(SOURCE_ID_KEY) !== sourceId) continue;
    const text = extra.get(CHECKPOINT_KEY);
    if (text === undefined) continue;
    try {
      return { checkpoint: JSON.parse(text) as Checkpoint, instant: instant.time };
    } catch {
      throw new CheckpointError(`Commit ${instant.time} holds checkpoint ${JSON.stringify(text)} for source ${sourceId}, which is not JSON; roll the commit back or ingest under another source id.`);
    }
  }
  return undefined;
}
