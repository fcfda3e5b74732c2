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
 * Creates the requested and inflight instant files, choosing an instant time no one else holds;
 * the writer's heartbeat runs from before the requested file exists until the write ends.
 */
/** `workload` is the inflight file's content: Hudi's workload profile of the write. */
export async function startInstant(ctx: InstantContext, timeline: Timeline, action: Action, workload: Uint8Array): Promise<{ instant: string; heartbeat: Heartbeat }> {
  const { store, config } = ctx;
  let latest = timeline.instants.at(-1)?.time;
  for (;;) {
    const instant = ctx.instants.next(latest);
    // A claim on the time itself: two writers picking the same millisecond must not share it.
    if (!(await store.putIfAbsent(instantClaimKey(instant), new Uint8Array()))) {
      latest = instant;
      continue;
    }
    const file = (state: 'requested' | 'inflight') => instantFileKey(config, { time: instant, action, state });
    const heartbeat = await startHeartbeat(store, instant);
    await store.put(file('requested'), new Uint8Array());
    await store.put(file('inflight'), workload);
    return { instant, heartbeat };
  }
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
