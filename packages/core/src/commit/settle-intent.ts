// Settling another write's intent that overlaps this commit (see claims.ts): the other write may
// be alive between its claim and its publish, dead, or already published, and those look alike
// from its intent. Its commit fence tells them apart.

import type { ObjectStore } from '@lake/storage';

import type { Action } from '../timeline/instant.js';
import { checkIntents, type CommitClaim, type IntentOutcome, type Intents } from './claims.js';
import { fenceRollback, publishFromFence } from './fence.js';
import { fenceKey, instantFileKey, type TimelineLocation } from './paths.js';

/**
 * Stands another write back whose intent overlaps this one: takes its commit fence as a rollback
 * would. Won, and not completed: it can never publish (it fails with ConflictError, or was dead
 * already, and a rollback removes its files). Lost to its own fence: it is committing; its commit
 * is published from the fence at once (the same bytes it publishes itself), so a retry of this
 * write sees it. Completed already: this write conflicts with it.
 */
async function settleIntent(store: ObjectStore, timeline: TimelineLocation, other: CommitClaim): Promise<IntentOutcome> {
  const taken = await fenceRollback(store, other.instant);
  if (!taken.won && taken.fence?.outcome === 'commit') {
    await publishFromFence(store, timeline, other.instant, other.action as Action, taken.fence.completed);
    return 'committing';
  }
  // No fence any more: it published and lifted it.
  if (!taken.won && taken.fence === undefined) return 'committing';
  // Taken here, or by a rollback: the other write can no longer publish, unless it already did.
  // A write lifts its fence once published, and a rollback that then takes the fence backs off
  // again when it finds the commit, so the fence alone cannot tell. The completed file can: it
  // is written before the fence is lifted. A fence taken here for a completed write is lifted.
  const completed = instantFileKey(timeline, { time: other.instant, action: other.action as Action, state: 'completed' });
  if ((await store.head(completed)) === undefined) return 'vetoed';
  if (taken.won) await store.delete(fenceKey(other.instant));
  return 'committing';
}

/**
 * checkIntents with the intents settled through their writes' fences. The instants of writes
 * stood back are added to `vetoed`: they can never publish, so their claims need no check.
 */
export function checkIntentsSettled(store: ObjectStore, timeline: TimelineLocation, claim: CommitClaim, intents: Intents, vetoed?: Set<string>): Promise<void> {
  return checkIntents(claim, intents, async (other) => {
    const outcome = await settleIntent(store, timeline, other);
    if (outcome === 'vetoed') vetoed?.add(other.instant);
    return outcome;
  });
}
