// Decides, once per instant, whether a pending write commits or is rolled back. A writer about to
// publish and a rollback about to undo the same instant both create `.hoodie/.aux/lake/fences/<instant>`
// with a conditional create; whoever creates it first decides. A writer that paused past its
// heartbeat's expiry therefore cannot publish a commit whose files a rollback is deleting, and a
// rollback cannot undo a write that is committing. The writer's fence carries its commit metadata,
// so a writer that died between fence and publish is rolled forward, not left pending.

import { NotFoundError, type ObjectStore } from '@lake/storage';

import type { Action } from '../timeline/instant.js';
import { heartbeatLapsed } from './heartbeat.js';
import { fenceKey, instantFileKey, type TimelineLocation } from './paths.js';
import { publishCompleted } from './publish.js';

/** A rollback's fence names its process, so two rollbacks never both read theirs back as won. */
export type Fence = { outcome: 'commit'; completed: string } | { outcome: 'rollback'; by: string };

function encode(fence: Fence): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(fence));
}

function decode(bytes: Uint8Array): Fence | undefined {
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { outcome?: unknown; completed?: unknown; by?: unknown };
    if (json.outcome === 'rollback') return { outcome: 'rollback', by: String(json.by ?? '') };
    if (json.outcome === 'commit' && typeof json.completed === 'string') return { outcome: 'commit', completed: json.completed };
  } catch {
    // An unreadable fence decides nothing; callers treat it as held by someone else.
  }
  return undefined;
}

/** The fence of `instant` and when it was set, or undefined when none is set. */
async function readFence(store: ObjectStore, instant: string): Promise<{ fence: Fence | undefined; at?: Date } | undefined> {
  const key = fenceKey(instant);
  try {
    const [bytes, meta] = await Promise.all([store.get(key), store.head(key)]);
    return { fence: decode(bytes), at: meta?.lastModified };
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * A writer's claim to commit `instant` with `completed` as its commit metadata: 'won' (publish
 * now), 'lost' (a rollback took the instant: publish nothing), 'failed' (the store failed and no
 * fence was set: nothing decided, the writer abandons its write), or 'unknown' (the store failed
 * and reading back failed too: leave everything for a later rollback or roll-forward to decide).
 */
export async function fenceCommit(store: ObjectStore, instant: string, completed: Uint8Array): Promise<{ outcome: 'won' | 'lost' | 'failed' | 'unknown'; error?: unknown }> {
  // A writer whose heartbeat lapsed may have been rolled back already, and the rollback's fence
  // removed long after (see removeSettledFences): it stands back without asking.
  if (heartbeatLapsed(instant)) return { outcome: 'lost' };
  const body = encode({ outcome: 'commit', completed: new TextDecoder().decode(completed) });
  const { outcome, error } = await publishCompleted(store, fenceKey(instant), body);
  return { outcome: outcome === 'published' ? 'won' : outcome === 'taken' ? 'lost' : outcome, error };
}

/**
 * A rollback's claim to undo `instant`: 'won', or the fence someone else set first (a committing
 * writer's, or another rollback's).
 */
export async function fenceRollback(store: ObjectStore, instant: string): Promise<{ won: true } | { won: false; fence: Fence | undefined; at?: Date }> {
  const body = encode({ outcome: 'rollback', by: `${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const { outcome, error } = await publishCompleted(store, fenceKey(instant), body);
  if (outcome === 'published') return { won: true };
  if (outcome === 'unknown' || outcome === 'failed') throw error;
  const there = await readFence(store, instant);
  // Removed between our attempt and the read: only a writer that published removes its fence.
  if (!there) return { won: false, fence: undefined };
  return { won: false, ...there };
}

/**
 * Publishes the commit a writer fenced, from the metadata in its fence: the writer's own bytes,
 * so if it is alive its own publish finds them and succeeds. True when the commit is published.
 */
export async function publishFromFence(store: ObjectStore, timeline: TimelineLocation, time: string, action: Action, completed: string): Promise<boolean> {
  const key = instantFileKey(timeline, { time, action, state: 'completed' });
  return (await publishCompleted(store, key, new TextEncoder().encode(completed))).outcome === 'published';
}
