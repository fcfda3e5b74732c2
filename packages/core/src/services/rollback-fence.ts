// Whether a rollback may undo a pending write, decided through the instant's fence (see
// commit/fence.ts): a rollback goes ahead only once it holds the fence, so the writer can no
// longer publish. A writer that set the fence first is committing; if it died before publishing,
// its commit is rolled forward from the metadata in the fence instead.

import type { ObjectStore } from '@lake/storage';

import { InvalidWriteError } from '../errors.js';
import type { TableContext } from '../table/table-context.js';
import type { Action } from '../timeline/instant.js';
import { fenceRollback, publishFromFence } from '../commit/fence.js';
import { HEARTBEAT_EXPIRY_MS, isHeartbeatExpired } from '../commit/heartbeat.js';
import { listMarkers } from '../commit/markers.js';
import { fenceKey } from '../commit/paths.js';

export interface FenceDecision {
  /** True: this rollback holds the fence and may undo the write. */
  proceed: boolean;
  /** Why not, for a person who asked for this rollback. */
  reason?: string;
}

/**
 * How long a rollback's fence keeps other rollbacks of the same write away. Rollbacks run no
 * heartbeat; one that held the fence this long without finishing is taken to have died. Fixed,
 * not the writers' heartbeat expiry, which callers may shorten to reclaim dead writes sooner.
 */
const ROLLBACK_TAKEOVER_MS = HEARTBEAT_EXPIRY_MS;

/**
 * Takes the fence of pending write `time` for a rollback. `join` lets a rollback go ahead when
 * another rollback set the fence (it is idempotent on a pending write); otherwise that is only
 * done when the other one is older than ROLLBACK_TAKEOVER_MS, so presumably dead.
 */
export async function takeRollbackFence(
  table: TableContext,
  time: string,
  action: Action,
  options: { join: boolean; expiryMs?: number },
): Promise<FenceDecision> {
  const store = table.store;
  const expiryMs = options.expiryMs ?? HEARTBEAT_EXPIRY_MS;
  // A fence lifted between our attempt and our read (by a writer that published, or a rollback
  // that backed off) is tried again: the next attempt sees the settled state.
  for (let attempt = 0; attempt < 3; attempt++) {
    const taken = await fenceRollback(store, time);
    if (taken.won) return { proceed: true };
    const fence = taken.fence;
    if (!fence) continue;
    if (fence.outcome === 'commit') {
      if (await isHeartbeatExpired(store, time, { expiryMs })) await rollForward(table, time, action, fence.completed);
      return { proceed: false, reason: `write ${time} is committing (its writer decided to publish it); it is not rolled back` };
    }
    const age = taken.at ? Date.now() - taken.at.getTime() : Number.POSITIVE_INFINITY;
    if (options.join || age > ROLLBACK_TAKEOVER_MS) return { proceed: true };
    return { proceed: false, reason: `another rollback of ${time} is running` };
  }
  return { proceed: false, reason: `the fence of ${time} kept changing; try again` };
}

/**
 * Publishes the commit a writer fenced but did not publish (it died in between). The bytes are
 * the writer's own; if it is alive after all, its publish finds them and succeeds.
 */
async function rollForward(table: TableContext, time: string, action: Action, completed: string): Promise<void> {
  const store = table.store;
  if (!(await publishFromFence(store, table.config, time, action, completed))) return;
  // The instant's key stays: it holds the commit's intent (see commit/claims.ts).
  await store.deleteMany([...(await listMarkers(store, time)), fenceKey(time)]).catch(() => undefined);
}

/** Whether `time` completed: read afresh, not from a timeline loaded before the fence was set. */
export async function isCompletedNow(table: TableContext, time: string): Promise<boolean> {
  return (await table.timeline()).completedInstant(time) !== undefined;
}

/** A rollback that found its target completed after all lifts its fence and stands back. */
export async function backOff(store: ObjectStore, time: string, planKeys: string[] = []): Promise<void> {
  await store.deleteMany(planKeys);
  await store.delete(fenceKey(time));
}

export function refuse(time: string, reason: string | undefined): never {
  throw new InvalidWriteError(`Write ${time} was not rolled back: ${reason ?? 'its state changed'}. Look at the timeline again and retry if it still needs one.`);
}
