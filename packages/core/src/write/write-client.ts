// The write path: one call = one atomic commit on the timeline. Records are keyed,
// de-duplicated (write-input.ts), routed to file groups through the record-key index, small files
// topped up first (write-plan.ts), written as new base file versions or log files with meta
// columns (write-execute.ts), and published by writing the completed instant last
// (write-commit.ts). Until then nothing is visible to readers; a write that fails leaves only an
// inflight instant and files that its own cleanup (or a rollback) removes.

import type { Table as ArrowTable } from 'apache-arrow';

import { notPendingIn, readIntents } from '../commit/claims.js';
import { abandonInstant, markInflight, openInstant } from '../commit/instant-lifecycle.js';
import { conflictOnVanishedInput } from '../commit/vanished-input.js';
import { InvalidWriteError } from '../errors.js';
import type { Action } from '../timeline/instant.js';
import type { WriteStatInput } from './commit-metadata-json.js';
import { tableCompression } from './compression.js';
import { recordCreateSchema } from './create-schema.js';
import { writeSizing, type FileSizing } from './file-sizing.js';
import type { LogBlockFormat } from './log-append.js';
import { abandonWrite, commitWrite, type CommitAttempt } from './write-commit.js';
import { executeFileGroupWrites } from './write-execute.js';
import { prepareInput } from './write-input.js';
import { operationTypes, type KeyedDeletes, type WriteContext, type WriteOperation, type WriteOptions, type WriteResult } from './write-options.js';
import { planWrite, type WritePlan } from './write-plan.js';
import { inflightWorkloadJson } from './workload-profile.js';

export { type KeyedDeletes, type WriteContext, type WriteOperation, type WriteOptions, type WriteResult } from './write-options.js';

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
  const sizing: FileSizing = writeSizing(operation === 'insert', options.sizing);
  const compression = tableCompression(config.raw, options.compression);
  // The starting point and the newest claim are independent reads; the intents must be listed
  // after the claim (see readIntents), and are, while the view is built; they are awaited only
  // at commit time.
  const snapshot = ctx.snapshot();
  snapshot.catch(() => undefined);
  const [startTimeline, claimStart] = await Promise.all([ctx.startTimeline(), ctx.claimStart()]);
  const knownCompleted = new Set(startTimeline.completed().map((i) => i.time));
  // Commits claimed before this write's start but published after its snapshot, read now.
  const intents = readIntents(store, notPendingIn(startTimeline));
  const { timeline, view, partitionsWithMetadata } = await snapshot;

  // Schema: the incoming batch must fit the table's schema, which may evolve by this write.
  const tableSchema = await ctx.dataSchema(timeline, view);
  const { dataSchema, fullSchema, incoming } = prepareInput(config, operation, input, tableSchema);
  const overwrite = operation === 'insert_overwrite' || operation === 'insert_overwrite_table';
  const action: Action = overwrite ? 'replacecommit' : config.type === 'MERGE_ON_READ' ? 'deltacommit' : 'commit';
  const logFormat: LogBlockFormat = options.logBlockFormat ?? (config.raw.get('hoodie.logfile.data.block.format') === 'avro' ? 'avro' : 'parquet');
  // a table created without a schema records its first write's, as Spark does on creation
  await recordCreateSchema(store, config, dataSchema);
  // The instant (its time, heartbeat and requested file) needs nothing of the plan: it is opened
  // while the index is looked up; the inflight file, which describes the plan, follows it.
  const opening = openInstant(ctx, timeline, action);
  opening.catch(() => undefined);
  let plan: WritePlan;
  try {
    plan = await planWrite(ctx, operation, incoming, timeline, view, sizing);
  } catch (error) {
    const opened = await opening.catch(() => undefined);
    if (opened) {
      await abandonInstant(ctx, opened.instant, action, []);
      await opened.heartbeat.stop();
    }
    throw error;
  }
  const workload = inflightWorkloadJson(
    [...plan.groups.values()].map((g) => ({ partition: g.partition, fileId: g.fileId, baseInstant: g.slice?.baseInstantTime, updates: g.updates.length, inserts: g.inserts.length })),
    operationTypes[operation],
  );
  const { instant, heartbeat } = await opening;
  const attempt: CommitAttempt = { written: [], markers: [], uncertain: false, rolledBack: false };
  try {
    await markInflight(ctx, instant, action, workload);
    const executed = await executeFileGroupWrites(
      ctx,
      { operation, plan, incoming, timeline, view, partitionsWithMetadata, instant, dataSchema, fullSchema, compression, logFormat },
      attempt,
    );
    const done = await commitWrite(ctx, { instant, action, operation, claimStart, knownCompleted, intents, plan, incoming, executed, dataSchema, extraMetadata: options.extraMetadata }, attempt);
    // Committed: what it no longer needs goes in one round trip; a failure here leaves only litter.
    await Promise.all([store.deleteMany(done).catch(() => undefined), heartbeat.stop()]);
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
      index: plan.indexStats,
    };
  } catch (error) {
    await abandonWrite(ctx, instant, action, attempt);
    await heartbeat.stop();
    throw error;
  }
}
