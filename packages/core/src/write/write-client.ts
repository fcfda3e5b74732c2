// The write path: one call = one atomic commit on the timeline. Records are keyed,
// de-duplicated (write-input.ts), routed to file groups through the record-key index, small files
// topped up first (write-plan.ts), written as new base file versions or log files with meta
// columns (write-execute.ts), and published by writing the completed instant last
// (write-commit.ts). Until then nothing is visible to readers; a write that fails leaves only an
// inflight instant and files that its own cleanup (or a rollback) removes.

import type { Table as ArrowTable } from 'apache-arrow';
import type { ObjectStore } from '@lake/storage';

import { hasIntent, listIntentKeys, notPendingIn, readIntents, recordIntent } from '../commit/claims.js';
import { retireIntentAfterHold } from '../commit/intent-retention.js';
import { planPrune } from '../commit/prune-records.js';
import { holdInstant, releaseInstant, startInstant, type HeldInstant } from '../commit/instant-lifecycle.js';
import { conflictOnVanishedInput } from '../commit/vanished-input.js';
import { InvalidWriteError } from '../errors.js';
import { settleAll } from '../util/settle-all.js';
import type { Action } from '../timeline/instant.js';
import { compareInstants } from '../timeline/instant-time.js';
import type { Timeline } from '../timeline/timeline.js';
import type { WriteStatInput } from './commit-metadata-json.js';
import { tableCompression } from './compression.js';
import { recordCreateSchema } from './create-schema.js';
import { writeSizing, type FileSizing } from './file-sizing.js';
import { logStage, type LogBlockFormat } from './log-append.js';
import { abandonWrite, commitClaim, commitWrite, type CommitAttempt } from './write-commit.js';
import { executeFileGroupWrites, plannedMarkers } from './write-execute.js';
import { prepareInput } from './write-input.js';
import { applyDuplicatePolicy, checkDuplicatePolicy } from './insert-duplicates.js';
import { operationTypes, type KeyedDeletes, type WriteContext, type WriteOperation, type WriteOptions, type WriteResult } from './write-options.js';
import { planWrite, type WritePlan } from './write-plan.js';
import { inflightWorkloadJson } from './workload-profile.js';

export { type KeyedDeletes, type WriteContext, type WriteOperation, type WriteOptions, type WriteResult } from './write-options.js';

/**
 * The instant time the write holds: the one held in its first round trip if nothing newer is on
 * `timeline` (released otherwise), else one held now.
 */
function heldFor(ctx: WriteContext, timeline: Timeline): Promise<HeldInstant> {
  const latest = timeline.instants.at(-1)?.time;
  const held = ctx.heldInstant?.();
  if (held && (latest === undefined || compareInstants(held.instant, latest) > 0)) return Promise.resolve(held);
  if (held) void releaseInstant(ctx.store, held);
  return holdInstant(ctx, latest);
}

/**
 * The deletes of a pruning pass, issued with requests a write makes anyway so that they add no
 * round trip: `now()` with its first timeline files if the pass was planned by then; `last()`
 * with what it removes after its acknowledgement (or once planned, if later still). Each hands
 * the deletes out once, never failing.
 */
function pruneWith(store: ObjectStore, planned: Promise<string[]>): { now(): Promise<void>[]; last(): Promise<void>[] } {
  let keys: string[] | undefined;
  let issued = false;
  const remove = (k: string[]) => (k.length === 0 ? Promise.resolve() : store.deleteMany(k).catch(() => undefined));
  planned.then(
    (k) => (keys = k),
    () => (keys = []),
  );
  return {
    now() {
      if (issued || keys === undefined) return [];
      issued = true;
      return [remove(keys)];
    },
    last() {
      if (issued) return [];
      issued = true;
      if (keys !== undefined) return [remove(keys)];
      void planned.then(remove, () => undefined);
      return [];
    },
  };
}

/** Runs one write as one commit. */
export function executeWrite(
  ctx: WriteContext,
  operation: WriteOperation,
  input: ArrowTable | KeyedDeletes,
  options: WriteOptions = {},
): Promise<WriteResult> {
  return conflictOnVanishedInput(undefined, ctx, () => runWrite(ctx, operation, input, options));
}

async function runWrite(ctx: WriteContext, operation: WriteOperation, input: ArrowTable | KeyedDeletes, options: WriteOptions): Promise<WriteResult> {
  const { store, config } = ctx;
  if (!config.populateMetaFields) {
    throw new InvalidWriteError('The table was created with hoodie.populate.meta.fields=false; lake writes only tables with meta fields.');
  }
  checkDuplicatePolicy(options.duplicates);
  const sizing: FileSizing = writeSizing(operation === 'insert', options.sizing);
  const compression = tableCompression(config.raw, options.compression);
  // The starting point and the newest claim are independent reads; the intents are listed after
  // the claim (see readIntents), together with the instant's first files.
  const snapshot = ctx.snapshot();
  snapshot.catch(() => undefined);
  const [startTimeline, claimStart] = await Promise.all([ctx.startTimeline(), ctx.claimStart()]);
  const knownCompleted = new Set(startTimeline.completed().map((i) => i.time));
  const listedAt = ctx.startListedAt();
  const known = notPendingIn(startTimeline);
  const { timeline, view, partitionsWithMetadata } = await snapshot;

  // Schema: the incoming batch must fit the table's schema, which may evolve by this write.
  const tableSchema = await ctx.dataSchema(timeline, view);
  const prepared = prepareInput(config, operation, input, tableSchema);
  const { dataSchema, fullSchema } = prepared;
  const { incoming, dropped } = await applyDuplicatePolicy(ctx, operation, options.duplicates, prepared.incoming, view);
  const overwrite = operation === 'insert_overwrite' || operation === 'insert_overwrite_table';
  const action: Action = overwrite ? 'replacecommit' : config.type === 'MERGE_ON_READ' ? 'deltacommit' : 'commit';
  const logFormat: LogBlockFormat = options.logBlockFormat ?? (config.raw.get('hoodie.logfile.data.block.format') === 'avro' ? 'avro' : 'parquet');
  // a table created without a schema records its first write's, as Spark does on creation
  await recordCreateSchema(store, config, dataSchema);
  // The instant time (claimed, its heartbeat beating) needs nothing of the plan: held since the
  // write's first round trip, or else held while the index is looked up.
  const holding = heldFor(ctx, timeline);
  holding.catch(() => undefined);
  let plan: WritePlan;
  try {
    plan = await planWrite(ctx, operation, incoming, timeline, view, sizing);
  } catch (error) {
    ctx.earlyIntents?.();
    const held = await holding.catch(() => undefined);
    if (held) await releaseInstant(store, held);
    throw error;
  }
  const workload = inflightWorkloadJson(
    [...plan.groups.values()].map((g) => ({ partition: g.partition, fileId: g.fileId, baseInstant: g.slice?.baseInstantTime, updates: g.updates.length, inserts: g.inserts.length })),
    operationTypes[operation],
  );
  const { instant, heartbeat } = await holding;
  let pruning: ReturnType<typeof pruneWith> | undefined;
  const attempt: CommitAttempt = { written: [], markers: [], uncertain: false, rolledBack: false };
  try {
    const claim = commitClaim(instant, action, operation, plan, incoming);
    // One round trip before any data file: the instant's requested and inflight files, and the
    // markers of the files it plans to put (a marker must exist before its file).
    // The intents of commits claimed before this write's start but published after its snapshot go
    // in that round trip too (within the hold of the snapshot's listing, or listed again: see
    // readIntents), and so do the listings of a pruning pass (this write is one of the live
    // writers it sees, by its instant key), whose deletes go with requests made anyway.
    const stage = logStage();
    const markers = plannedMarkers(config.type === 'MERGE_ON_READ', plan, instant, stage);
    attempt.markers.push(...markers);
    const earlier = ctx.earlyIntents?.();
    const keys = listIntentKeys(store);
    keys.catch(() => undefined);
    const intents = readIntents(store, { known, listedAt, relist: () => ctx.timeline(), insertsNewKeys: claim.newKeys !== undefined, earlier: () => earlier, listing: keys });
    pruning = pruneWith(store, planPrune({ store, config, own: instant, ownStart: claimStart, read: { known, intents, keys } }));
    const started = startInstant(ctx, instant, action, workload, [intents, ...markers.map((m) => store.put(m, new Uint8Array()))]);
    started.catch(() => undefined);
    // The files are merged and encoded while that round trip is in flight (reads only): nothing
    // of them is put before it is done. This write's intent goes with its data files: in place
    // before its claim, as claims.ts requires, and only once its own intents were read. Two
    // writers that each read the other's intent would stand each other back; one whose intent is
    // written after reading intents can only be seen by writers that started later, which it
    // does not see. Both settle before a failure is handled: the attempt must know all it put.
    const [, executed] = await settleAll([
      started,
      executeFileGroupWrites(
        ctx,
        {
          operation, plan, incoming, timeline, view, partitionsWithMetadata, instant, dataSchema, fullSchema, compression, logFormat,
          encodeOnWorker: options.encodeOnWorker, premarked: new Set(markers), logStage: stage, started, alongsidePuts: async () => {
            await Promise.all([recordIntent(store, claim, claimStart), ...(pruning?.now() ?? [])]);
          },
        },
        attempt,
      ),
    ]);
    const done = await commitWrite(ctx, { instant, action, operation, claim, claimStart, knownCompleted, intents, plan, executed, dataSchema, extraMetadata: options.extraMetadata }, attempt);
    // Committed: what it no longer needs goes after the acknowledgement (see after-ack.ts); a
    // failure there leaves only litter. Its intent goes once its hold has passed (see
    // intent-retention.ts); the deletes of its pruning pass go now if they did not go with its
    // data files.
    if (hasIntent(claim)) retireIntentAfterHold(store, instant);
    const lift = async () => {
      await Promise.all([store.deleteMany(done).catch(() => undefined), heartbeat.stop(), ...(pruning?.last() ?? [])]);
    };
    if (ctx.afterAck) ctx.afterAck(lift);
    else await lift();
    const { stats, partitionsWritten } = executed;
    const sum = (f: (s: WriteStatInput) => number) => stats.reduce((n, s) => n + f(s), 0);
    return {
      instant,
      action,
      operation,
      inserted: sum((s) => s.numInserts),
      updated: sum((s) => s.numUpdateWrites),
      deleted: sum((s) => s.numDeletes),
      filesWritten: stats.length,
      filesReplaced: [...plan.replaced.values()].reduce((n, ids) => n + ids.length, 0),
      bytesWritten: sum((s) => s.fileSizeInBytes),
      partitions: [...partitionsWritten].sort(),
      dropped,
      index: plan.indexStats,
    };
  } catch (error) {
    await abandonWrite(ctx, instant, action, attempt);
    await heartbeat.stop();
    throw error;
  }
}
