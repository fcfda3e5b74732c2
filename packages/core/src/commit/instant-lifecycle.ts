// The life of a write's instant: holding an instant time no other writer holds (its claim and
// its heartbeat), creating its requested and inflight files, and removing them again when the
// write is abandoned before publishing.

import type { ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import type { InstantTimeGenerator } from '../timeline/instant-time.js';
import type { Action } from '../timeline/instant.js';
import { settleAll } from '../util/settle-all.js';
import { beatOnce, continueHeartbeat, type Heartbeat } from './heartbeat.js';
import { instantClaimKey, instantFileKey } from './paths.js';

/** What an instant's life needs of a write context. */
interface InstantContext {
  store: ObjectStore;
  config: TableConfig;
  instants: InstantTimeGenerator;
}

/** An instant time a writer holds: claimed by it alone, its heartbeat beating. */
export interface HeldInstant {
  instant: string;
  heartbeat: Heartbeat;
}

/**
 * Claims an instant time later than `latest` that no one else holds and starts its heartbeat,
 * both in one round trip. The heartbeat must exist before the requested file (a pending instant
 * without one looks dead to a lazy rollback, lake's or Hudi's), and nothing else depends on the
 * order of the two. A claim lost to a writer that picked the same millisecond leaves this
 * writer's beat on that writer's heartbeat: a fresh timestamp of a live writer, which it rewrites
 * and deletes itself (or, if it had already ended, a heartbeat of a finished instant, which no
 * rollback looks at).
 */
export async function holdInstant(ctx: InstantContext, latest?: string): Promise<HeldInstant> {
  const { store } = ctx;
  for (;;) {
    const instant = ctx.instants.next(latest);
    const [claim, beat] = await Promise.allSettled([store.putIfAbsent(instantClaimKey(instant), new Uint8Array()), beatOnce(store, instant)]);
    if (claim.status === 'rejected') throw claim.reason;
    if (!claim.value) {
      latest = instant;
      continue;
    }
    if (beat.status === 'rejected') {
      await store.delete(instantClaimKey(instant)).catch(() => undefined);
      throw beat.reason;
    }
    return { instant, heartbeat: continueHeartbeat(store, instant) };
  }
}

/** Gives up a held instant before any timeline file of it was written. */
export async function releaseInstant(store: ObjectStore, held: HeldInstant): Promise<void> {
  await Promise.all([store.delete(instantClaimKey(held.instant)).catch(() => undefined), held.heartbeat.stop()]);
}

/**
 * The requested and inflight files of a held instant (`workload` is the inflight file's content,
 * Hudi's workload profile of the write), together with `alongside`: requests of the write that
 * may go in the same round trip. An inflight commit or delta commit without its requested file (a
 * crash between the two) is a pending instant all the same, as on tables of Hudi versions before
 * the requested state. A pending replace commit is read through its requested file (Hudi looks for
 * a clustering plan in it), so that one is written first.
 */
export async function startInstant(ctx: InstantContext, instant: string, action: Action, workload: Uint8Array, alongside: Promise<unknown>[] = []): Promise<void> {
  const { store, config } = ctx;
  const requested = () => store.put(instantFileKey(config, { time: instant, action, state: 'requested' }), new Uint8Array());
  const inflight = () => store.put(instantFileKey(config, { time: instant, action, state: 'inflight' }), workload);
  if (action === 'replacecommit') {
    await settleAll([requested(), ...alongside]);
    await inflight();
    return;
  }
  await settleAll([requested(), inflight(), ...alongside]);
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
