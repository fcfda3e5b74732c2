// Why `lake rollback` left a pending write alone: its writer's heartbeat is fresh, so the writer
// may still be running (or died less than the expiry ago). Said in CLI terms, with the command
// that forces the rollback.

import type { HudiTable } from '@lake/core';
import { heartbeatKey, HEARTBEAT_EXPIRY_MS, WRITE_ACTIONS } from '@lake/core/format';

export async function livePendingWriteNotes(table: HudiTable, uri: string, now = Date.now()): Promise<string[]> {
  const timeline = await table.timeline();
  const notes: string[] = [];
  for (const instant of timeline.pending()) {
    if (!WRITE_ACTIONS.has(instant.action)) continue;
    const beat = await table.store.head(heartbeatKey(instant.time));
    const at = beat?.lastModified?.getTime();
    if (beat === undefined || (at !== undefined && now - at > HEARTBEAT_EXPIRY_MS)) continue;
    const age = at === undefined ? '' : ` ${Math.max(0, Math.round((now - at) / 1000))} s ago`;
    const expires = at === undefined ? '' : `, or wait until it expires in ${Math.max(0, Math.ceil((at + HEARTBEAT_EXPIRY_MS - now) / 1000))} s`;
    notes.push(
      `Nothing rolled back: the ${instant.action} ${instant.time} is pending and its writer sent a heartbeat${age}, so it may still be running. ` +
        `If that writer is dead, run 'lake rollback ${uri} --instant ${instant.time} --force'${expires}.`,
    );
  }
  return notes;
}
