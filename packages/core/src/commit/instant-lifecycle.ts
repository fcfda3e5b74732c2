// The life of a write's instant: choosing an instant time no other writer holds, creating its
// requested and inflight files under a running heartbeat, and removing them again when the write
// is abandoned before publishing.

import type { ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import type { InstantTimeGenerator } from '../timeline/instant-time.js';
import type { Action } from '../timeline/instant.js';
import type { Timeline } from '../timeline/timeline.js';
import { startHeartbeat, type Heartbeat } from './heartbeat.js';
import { instantClaimKey, instantFileKey } from './paths.js';

/** What an instant's life needs of a write context. */
interface InstantContext {
  store: ObjectStore;
  config: TableConfig;
  instants: InstantTimeGenerator;
}

/**
 * Chooses an instant time no one else holds and creates its requested file; the writer's
 * heartbeat runs from before the requested file exists until the write ends. A write runs it
 * while it plans (it needs nothing of the plan), then writes the inflight file (`markInflight`).
 */
export async function openInstant(ctx: InstantContext, timeline: Timeline, action: Action): Promise<{ instant: string; heartbeat: Heartbeat }> {
  const { store, config } = ctx;
  let latest = timeline.instants.at(-1)?.time;
  for (;;) {
    const instant = ctx.instants.next(latest);
    // A claim on the time itself: two writers picking the same millisecond must not share it.
    if (!(await store.putIfAbsent(instantClaimKey(instant), new Uint8Array()))) {
      latest = instant;
      continue;
    }
    const heartbeat = await startHeartbeat(store, instant);
    await store.put(instantFileKey(config, { time: instant, action, state: 'requested' }), new Uint8Array());
    return { instant, heartbeat };
  }
}

/** The inflight file: `workload` is its content, Hudi's workload profile of the write. */
export async function markInflight(ctx: InstantContext, instant: string, action: Action, workload: Uint8Array): Promise<void> {
  await ctx.store.put(instantFileKey(ctx.config, { time: instant, action, state: 'inflight' }), workload);
}

export async function abandonInstant(ctx: InstantContext, instant: string, action: Action, files: string[]): Promise<void> {
  const { store, config } = ctx;
  const file = (state: 'requested' | 'inflight') => instantFileKey(config, { time: instant, action, state });
  try {
    await store.deleteMany(files);
    await store.delete(file('inflight'));
    await store.delete(file('requested'));
    await store.delete(instantClaimKey(instant));
  } catch {
    // The instant stays pending; readers ignore it and a rollback removes its files later.
  }
}
