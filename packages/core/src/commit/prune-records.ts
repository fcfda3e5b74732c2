// The pruning pass of commit records: commit claims no live writer needs (claim-retention.ts),
// this process's intents whose hold has passed, and what writers that are gone left under
// `.hoodie/.aux/lake/instants/` (intents and empty instant keys), judged by rules that never
// remove an intent a writer may still need (see leftovers). A write plans the pass while it
// starts and issues its deletes with requests it makes anyway (see write-client.ts); table
// services run it whole once they committed.

import { mapLimit, type DirectoryListing, type ObjectMeta, type ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { archiveDir } from '../timeline/archived-timeline.js';
import { loadTimeline } from '../timeline/timeline.js';
import { prunableClaims, type ClaimRecord, type LiveWriter } from './claim-retention.js';
import type { CommitClaim, Intents } from './claims.js';
import { HEARTBEAT_EXPIRY_MS } from './heartbeat.js';
import { isRetiring, LEFTOVER_INTENT_AGE_MS, retireDueIntents } from './intent-retention.js';
import { CLAIMS_FOLDER, claimKey, heartbeatKey, instantClaimKey, instantFileKey } from './paths.js';

const intentsPrefix = instantClaimKey('');
const heartbeatsPrefix = heartbeatKey('');

/** Requests of a pass in flight at once. */
const PRUNE_CONCURRENCY = 8;

/** What a pass needs: the table, and the instant of the write or service that runs it (its key is no other writer's). */
export interface PruneContext {
  store: ObjectStore;
  config: TableConfig;
  own?: string;
  /** The claims start of `own`, if it has yet to claim. */
  ownStart?: number;
  /**
   * What a starting write read already (its snapshot's completed instants, the intents it read
   * and the listing it read them from): live writers' starts are taken from there instead of
   * reading their intents again.
   */
  read?: { known: (instant: string) => boolean; intents: Intents; keys?: Promise<DirectoryListing> };
}

/** One pruning pass; failures are left to the next pass (nothing here is needed for correctness). */
export async function pruneCommitRecords(ctx: PruneContext): Promise<void> {
  const keys = await planPrune(ctx);
  if (keys.length > 0) await ctx.store.deleteMany(keys);
}

/**
 * The keys a pruning pass removes (this process's due intents are removed on the way). In the
 * common case one round trip: three listings together.
 */
export async function planPrune(ctx: PruneContext): Promise<string[]> {
  const { store } = ctx;
  const [claims, keys, beats] = await Promise.all([
    store.listDirectory(CLAIMS_FOLDER),
    // the listing the write read its intents from, when it made one (the same moment)
    ctx.read?.keys ?? store.listDirectory(intentsPrefix),
    store.listDirectory(heartbeatsPrefix),
    retireDueIntents(store),
  ]);
  // A writer is live while its heartbeat is fresh (see heartbeat.ts), by the listing's times
  // (store timestamps: compared with the wall clock, not the monotonic intentTiming).
  const now = Date.now();
  const beating = new Set(
    beats.objects.filter((o) => o.lastModified === undefined || now - o.lastModified.getTime() <= HEARTBEAT_EXPIRY_MS).map((o) => o.key.slice(heartbeatsPrefix.length)),
  );
  const others = keys.objects.filter((o) => {
    const instant = o.key.slice(intentsPrefix.length);
    return instant !== ctx.own && !isRetiring(store, instant);
  });
  const gone = others.filter((o) => !beating.has(o.key.slice(intentsPrefix.length)));
  const live = await mapLimit(
    others.filter((o) => beating.has(o.key.slice(intentsPrefix.length))),
    PRUNE_CONCURRENCY,
    (o) => liveWriter(ctx, o),
  );
  if (ctx.ownStart !== undefined) live.push({ start: ctx.ownStart });
  const records: ClaimRecord[] = [];
  for (const o of claims.objects) {
    const match = /(\d{20})\.json$/.exec(o.key);
    if (match) records.push({ seq: Number(match[1]), at: o.lastModified?.getTime() });
  }
  return [...prunableClaims(records, live).map(claimKey), ...(await leftovers(ctx, gone))];
}

/** A live writer's start: recorded in its intent, else stood in for by when its instant key was made. */
async function liveWriter(ctx: PruneContext, key: ObjectMeta): Promise<LiveWriter> {
  const { store, read } = ctx;
  const heldAt = key.lastModified?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (key.size === 0) return { heldAt };
  const instant = key.key.slice(intentsPrefix.length);
  if (read) {
    // Completed (its heartbeat not removed yet): it claims no more.
    if (read.known(instant)) return { heldAt: Number.POSITIVE_INFINITY };
    const intent = (await read.intents).intents.find((i) => i.instant === instant);
    // Recorded after the write listed intents: its start is not known here, so it may need any claim.
    return typeof intent?.start === 'number' ? { start: intent.start } : { start: 0 };
  }
  try {
    const intent = JSON.parse(new TextDecoder().decode(await store.get(key.key))) as CommitClaim;
    // An intent without a start (an older writer) could need any claim.
    return typeof intent.start === 'number' ? { start: intent.start } : { start: 0 };
  } catch (error) {
    // Removed meanwhile: its write is done and needs no claim.
    if ((error as { code?: string }).code === 'NOT_FOUND') return { heldAt: Number.POSITIVE_INFINITY };
    return { start: 0 };
  }
}

/**
 * Removes what writers that are gone (heartbeat expired or removed) left, once older than
 * LEFTOVER_INTENT_AGE_MS by the store's time:
 * - an empty instant key: its write never recorded an intent, so no writer reads it;
 * - an intent whose instant is pending on the timeline is kept: its write may still be fenced and
 *   published from its fence, and a writer starting after its claim needs it (a rollback removes it);
 * - an intent whose instant is completed, once its completed file is that old: any writer that
 *   missed that commit in its snapshot started before it and is long past its window;
 * - an intent whose instant is gone from the active timeline: rolled back or abandoned (it can
 *   never publish), or archived, once the newest archive file is that old.
 * The timeline is listed after the keys: an instant whose key holds an intent had its requested
 * file written before, so its absence means it was removed.
 */
async function leftovers(ctx: PruneContext, gone: readonly ObjectMeta[]): Promise<string[]> {
  const { store, config } = ctx;
  const now = Date.now();
  const old = (at: Date | undefined) => at !== undefined && at.getTime() < now - LEFTOVER_INTENT_AGE_MS;
  const aged = gone.filter((o) => old(o.lastModified));
  if (aged.length === 0) return [];
  const remove = aged.filter((o) => o.size === 0).map((o) => o.key);
  const intents = aged.filter((o) => o.size > 0);
  if (intents.length > 0) {
    const timeline = await loadTimeline(store, config);
    const activeStart = timeline.instants[0]?.time;
    let archiveOld: Promise<boolean> | undefined;
    await mapLimit(intents, PRUNE_CONCURRENCY, async (o) => {
      const time = o.key.slice(intentsPrefix.length);
      const completed = timeline.completedInstant(time);
      if (completed) {
        if (old((await store.head(instantFileKey(config, completed)))?.lastModified)) remove.push(o.key);
        return;
      }
      if (timeline.instants.some((i) => i.time === time)) return;
      if (activeStart === undefined || time >= activeStart) {
        remove.push(o.key);
        return;
      }
      archiveOld ??= newestArchiveFileOld(store, config, old);
      if (await archiveOld) remove.push(o.key);
    });
  }
  return remove;
}

/** Whether every file of the archived timeline is older than `old` tells (so every archived commit is). */
async function newestArchiveFileOld(store: ObjectStore, config: TableConfig, old: (at: Date | undefined) => boolean): Promise<boolean> {
  for await (const o of store.list(`${archiveDir(config)}/`)) if (!old(o.lastModified)) return false;
  return true;
}
