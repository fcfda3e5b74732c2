// How long a commit's intent stays after its publish, and the window a writer's start must fit in.
//
// A writer W whose snapshot misses commit I (I published after W's timeline listing began) and
// whose claims start is at or past I's claim learns of I only from I's intent, read in W's
// intents listing. The writer of I removes its intent HOLD after its publish returned (by its own
// clock); W checks that the time from just before its timeline listing was issued to just after
// its intents (listing and bodies) were read is below HOLD (by its own clock). Then I's removal
// comes after W's start + HOLD, after W read the intents: W cannot miss it. A W slower than that
// fails with a ConflictError (retrying starts afresh). HOLD is far above a round trip, so only a
// paused process ever exceeds it.

import type { ObjectStore } from '@lake/storage';

import { instantClaimKey } from './paths.js';

/**
 * The hold (milliseconds) and the clock both sides use. Tests shorten the hold; every process
 * writing one table must use the same value. The clock is monotonic: it measures durations
 * within one process only, so a step of the wall clock (NTP, a suspended VM) during a write can
 * neither stretch nor shorten the window a writer measures. Ages of objects, judged by the
 * store's timestamps, use the wall clock (see prune-records.ts).
 */
export const intentTiming = { holdMs: 5_000, now: (): number => performance.now() };

/**
 * Intents whose writer exited before removing them are removed by other writers once they are
 * this old, and only once the store's own timestamps show their commit done for as long.
 */
export const LEFTOVER_INTENT_AGE_MS = 10 * 60_000;

/** Whether a writer whose timeline listing was issued at `listedAt` may still rely on the intents it has read. */
export function withinIntentWindow(listedAt: number, now = intentTiming.now()): boolean {
  return now - listedAt < intentTiming.holdMs;
}

/** Intents this process will remove once their hold has passed, by table and instant (see retireKey). */
const retiring = new Map<string, { uri: string; instant: string; due: number }>();

function retireKey(store: ObjectStore, instant: string): string {
  return `${store.uri}\u0000${instant}`;
}

/**
 * Removes the intent of `instant`, whose publish just returned, once the hold has passed: on an
 * unref'd timer (a process that exits first leaves it to other writers, see prune-records.ts),
 * or at this process's next pruning pass after that time.
 */
export function retireIntentAfterHold(store: ObjectStore, instant: string): void {
  const key = retireKey(store, instant);
  const due = intentTiming.now() + intentTiming.holdMs;
  retiring.set(key, { uri: store.uri, instant, due });
  const timer = setTimeout(() => {
    if (retiring.get(key)?.due !== due) return;
    retiring.delete(key);
    void store.delete(instantClaimKey(instant)).catch(() => undefined);
  }, intentTiming.holdMs + 1);
  timer.unref?.();
}

/** Whether this process holds the intent of `instant` for removal later (no other pruner needs to judge it). */
export function isRetiring(store: ObjectStore, instant: string): boolean {
  return retiring.has(retireKey(store, instant));
}

/**
 * Waits until the hold of every intent this process retires on `store`'s table has passed (at
 * most the hold after the last publish), then removes them: a process about to exit leaves none
 * for other writers to judge.
 */
export async function retireAllIntents(store: ObjectStore): Promise<void> {
  let last: number | undefined;
  for (const r of retiring.values()) if (r.uri === store.uri) last = Math.max(last ?? r.due, r.due);
  if (last === undefined) return;
  const wait = last - intentTiming.now();
  if (wait >= 0) await new Promise((resolve) => setTimeout(resolve, wait + 1));
  await retireDueIntents(store);
}

/** Removes the intents of this process whose hold has passed on `store`'s table (timers may lag behind a busy process). */
export async function retireDueIntents(store: ObjectStore, now = intentTiming.now()): Promise<void> {
  const due: string[] = [];
  for (const [key, r] of retiring) {
    if (r.uri !== store.uri || r.due >= now) continue;
    retiring.delete(key);
    due.push(instantClaimKey(r.instant));
  }
  if (due.length > 0) await store.deleteMany(due);
}
