// The copy-on-write write path: one call = one atomic commit on the timeline. Records are keyed,
// de-duplicated, located through the record-key index, bucketed per file group (small files
// topped up first), written as new base file versions with meta columns, and published by
// writing the completed instant last. Until then nothing is visible to readers; a write that
// fails leaves only an inflight instant and files that its own cleanup (or a rollback) removes.

import { Schema, Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { mapLimit, type ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { ConflictError, InvalidWriteError } from '../errors.js';
import { fileGroupKey, type FileSlice } from '../file-group/file-slice.js';
import type { InstantTimeGenerator } from '../timeline/instant-time.js';
import { createKeyGenerator, keyGeneratorOptionsFromProperties } from '../keygen/key-generator.js';
import { committedLogExtents, refuseCorruptLogBlocks } from '../read/log-corruption.js';
import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';
import { reconcileSchemas } from '../schema/compatibility.js';
import { withMetaFields as tableWithMetaFields } from '../schema/table-schema.js';
import { buildFileSystemView, checkLatestBaseFiles, latestFileSlices, type FileSystemView } from '../table/fs-view.js';
import { writtenFileGroups } from '../timeline/commit-metadata.js';
import { instantFileName, type Action } from '../timeline/instant.js';
import type { Timeline } from '../timeline/timeline.js';
import { concatBatches, takeRows } from '../arrow/take.js';
import { claimCommit, latestClaim } from './commit-claims.js';
import { encodeNewKeys } from './new-key-fingerprints.js';
import { commitMetadataJson, type WriteStatInput } from './commit-metadata-json.js';
import { inflightWorkloadJson } from './workload-profile.js';
import { recordCreateSchema } from './create-schema.js';
import { tableCompression } from './compression.js';
import { averageRecordSize, planInsertBuckets, writeSizing, type FileSizing } from './file-sizing.js';
import { locateLiveKeys } from './live-keys.js';
import { appendLogFile, type LogBlockFormat } from './log-append.js';
import { keysDeletedInLogs } from './log-deletes.js';
import { abandonInstant, instantClaimKey, startInstant } from './instant-lifecycle.js';
import { fenceCommit, fenceKey } from './commit-fence.js';
import { conflictOnVanishedInput } from './vanished-input.js';
import { sliceMayHaveDeletes } from './slice-deletes.js';
import { publishCompleted } from './publish.js';
import { writeFileGroup, type GroupPlan, type Incoming } from './file-group-rewrite.js';
import { pendingCompactionGroups } from '../timeline/plans/compaction-plan.js';
import { bucketIndexOf } from '../index/bucket-layout.js';
import { routeToBuckets } from '../index/bucket-route.js';
import { withoutMetaFields } from './meta-columns.js';
import { dedupeByKey, orderingReader } from './ordering.js';
import { tableMergeMode } from '../read/merge.js';
import type { Compression } from '@lake/parquet';

export type WriteOperation = 'insert' | 'upsert' | 'delete' | 'insert_overwrite' | 'insert_overwrite_table';

export interface WriteOptions {
  /** File sizing (`hoodie.parquet.max.file.size`, `hoodie.parquet.small.file.limit`, ...). */
  sizing?: Partial<FileSizing>;
  compression?: Compression;
  /** Extra commit metadata (e.g. a source checkpoint), stored with the commit. */
  extraMetadata?: Record<string, string>;
  /**
   * Merge-on-read tables: the data block format of log files. Default: the table's
   * `hoodie.logfile.data.block.format`, else Parquet.
   */
  logBlockFormat?: LogBlockFormat;
}

export interface WriteContext {
  store: ObjectStore;
  config: TableConfig;
  timeline(): Promise<Timeline>;
  /** The table's data schema (meta fields removed), or undefined before the first write. */
  /** The table's data schema; `view` (built on `timeline`) saves listing the partitions again. */
  dataSchema(timeline: Timeline, view?: FileSystemView): Promise<Schema | undefined>;
  instants: InstantTimeGenerator;
  newFileId: () => string;
}

export interface WriteResult {
  instant: string;
  action: Action;
  operation: WriteOperation;
  inserted: number;
  updated: number;
  deleted: number;
  filesWritten: number;
  filesReplaced: number;
  bytesWritten: number;
  partitions: string[];
  /** Index work: base files whose footers were checked, and files whose keys were read. */
  index: { filesConsidered: number; filesRead: number };
}

const operationTypes: Record<WriteOperation, string> = {
  insert: 'INSERT',
  upsert: 'UPSERT',
  delete: 'DELETE',
  insert_overwrite: 'INSERT_OVERWRITE',
  insert_overwrite_table: 'INSERT_OVERWRITE_TABLE',
};

/** Records to delete, named by record key and partition path (no data columns needed). */
export interface KeyedDeletes {
  keys: string[];
  partitions: string[];
}

/** Log files written at once by one write. */
const LOG_APPEND_CONCURRENCY = 8;

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
  const mor = config.type === 'MERGE_ON_READ';
  if (!config.populateMetaFields) {
    throw new InvalidWriteError('The table was created with hoodie.populate.meta.fields=false; lake writes only tables with meta fields.');
  }
  const sizing: FileSizing = writeSizing(operation === 'insert', options.sizing);
  const compression = tableCompression(config.raw, options.compression);
  const timeline = await ctx.timeline();
  const claimStart = await latestClaim(store);
  const knownCompleted = new Set(timeline.completed().map((i) => i.time));

  const view = await buildFileSystemView(store, timeline, {});
  // Schema: the incoming batch must fit the table's schema, which may evolve by this write.
  const tableSchema = await ctx.dataSchema(timeline, view);
  if (!(input instanceof ArrowTable)) {
    if (operation !== 'delete') throw new InvalidWriteError(`Operation ${operation} needs records, not only keys.`);
    if (input.keys.length !== input.partitions.length) throw new InvalidWriteError('Keyed deletes need one partition path per key.');
  }
  const inputSchema = input instanceof ArrowTable ? input.schema : tableSchema ?? new Schema([]);
  const incomingSchema = withoutMetaFields(inputSchema);
  let dataSchema: Schema;
  let batch: RecordBatch;
  const inputBatch = input instanceof ArrowTable ? concatBatches(input.schema, input.batches) : concatBatches(inputSchema, []);
  if (operation === 'delete') {
    // Deletes name records; their columns (often only key and partition fields) never define
    // the table's schema.
    dataSchema = tableSchema ?? new Schema([]);
    batch = inputBatch;
  } else if (tableSchema && tableSchema.fields.length > 0) {
    const reconciled = reconcileSchemas(tableSchema, incomingSchema);
    dataSchema = reconciled.schema;
    batch = reconciled.align(inputBatch);
  } else {
    dataSchema = incomingSchema;
    batch = reconcileSchemas(incomingSchema, incomingSchema).align(inputBatch);
  }
  const fullSchema = tableWithMetaFields(dataSchema, config);

  let incoming: Incoming;
  if (input instanceof ArrowTable) {
    // New rows must not produce keys that collide; deletes still reach rows engines stored so.
    const keygen = createKeyGenerator({ ...keyGeneratorOptionsFromProperties(Object.fromEntries(config.raw)), rejectAmbiguousKeys: operation !== 'delete' });
    const generated = keygen.generate(batch);
    incoming = { batch, keys: generated.recordKeys, partitions: generated.partitionPaths };
  } else {
    incoming = { batch, keys: input.keys, partitions: input.partitions };
  }

  // De-duplicate within the batch: per (partition, key), the greatest ordering value wins.
  if (operation !== 'delete') {
    const ordering = config.orderingFields[0] ? orderingReader(batch.getChild(config.orderingFields[0])) : undefined;
    const composite = incoming.keys.map((k, i) => `${incoming.partitions[i]}\u0000${k}`);
    const keep = dedupeByKey(composite, ordering);
    if (keep.length !== batch.numRows) {
      incoming = {
        batch: takeRows(batch, keep),
        keys: Array.from(keep, (i) => incoming.keys[i]),
        partitions: Array.from(keep, (i) => incoming.partitions[i]),
      };
    }
  }

  // Merging into a stale file version would bring deleted or replaced records back.
  await checkLatestBaseFiles(view, timeline);
  const slicesByPartition = new Map<string, FileSlice[]>();
  for (const slice of latestFileSlices(view)) {
    const list = slicesByPartition.get(slice.partitionPath) ?? [];
    list.push(slice);
    slicesByPartition.set(slice.partitionPath, list);
  }
  // Merge-on-read: file groups in a pending compaction take their logs under its instant.
  const compacting = mor ? await pendingCompactionGroups(timeline) : new Map<string, string>();
  const rowsByPartition = new Map<string, number[]>();
  incoming.partitions.forEach((p, i) => {
    const list = rowsByPartition.get(p) ?? [];
    list.push(i);
    rowsByPartition.set(p, list);
  });

  const indexStats = { filesConsidered: 0, filesRead: 0 };
  const groups = new Map<string, GroupPlan>();
  const group = (partition: string, fileId: string, slice?: FileSlice): GroupPlan => {
    const key = fileGroupKey(partition, fileId);
    let plan = groups.get(key);
    if (!plan) {
      plan = { partition, fileId, slice, updates: [], inserts: [] };
      groups.set(key, plan);
    }
    return plan;
  };
  const replaced = new Map<string, string[]>();
  const overwrite = operation === 'insert_overwrite' || operation === 'insert_overwrite_table';

  if (overwrite) {
    const partitions = operation === 'insert_overwrite_table' ? new Set([...slicesByPartition.keys(), ...rowsByPartition.keys()]) : new Set(rowsByPartition.keys());
    for (const p of partitions) {
      const ids = (slicesByPartition.get(p) ?? []).map((s) => s.fileId);
      if (ids.length > 0) replaced.set(p, ids);
    }
  }

  const recordSize = averageRecordSize(await recentWriteStats(timeline)) ?? sizing.recordSizeEstimate;
  // A bucket-indexed table routes by hashing keys, never reading files.
  const bucketIndex = bucketIndexOf(config);
  for (const [partition, rows] of rowsByPartition) {
    const slices = overwrite ? [] : slicesByPartition.get(partition) ?? [];
    if (bucketIndex) {
      for (const route of routeToBuckets(bucketIndex, partition, slices, rows, incoming.keys, ctx.newFileId)) {
        // Deletes into a bucket with no file group have nothing to delete.
        if (!route.slice && operation === 'delete') continue;
        const target = route.slice ? group(partition, route.fileId, route.slice).updates : group(partition, route.fileId).inserts;
        for (const i of route.rows) target.push(i);
      }
      continue;
    }
    const sliceById = new Map(slices.map((s) => [s.fileId, s]));
    const located = operation === 'insert' || overwrite
      ? new Map<string, string>()
      : await locateLiveKeys(store, slices, rows.map((i) => incoming.keys[i]), { isValidInstant: view.isVisible, check: 'ambiguous' }, indexStats);
    const fresh: number[] = [];
    for (const i of rows) {
      const fileId = located.get(incoming.keys[i]);
      if (fileId !== undefined) group(partition, fileId, sliceById.get(fileId)).updates.push(i);
      else if (operation !== 'delete') fresh.push(i);
    }
    if (fresh.length === 0) continue;
    const candidates = slices
      .filter((s) => s.baseFile && s.logFiles.length === 0 && !compacting.has(fileGroupKey(s.partitionPath, s.fileId)))
      .map((s) => ({ fileId: s.fileId, sizeBytes: s.baseFile!.size ?? 0 }));
    let at = 0;
    const maxCandidates = mor ? sizing.mergeOnReadSmallFileCandidates : Number.POSITIVE_INFINITY;
    for (const bucket of planInsertBuckets(fresh.length, candidates, sizing, recordSize, maxCandidates)) {
      const fileId = bucket.fileId ?? ctx.newFileId();
      const slice = bucket.fileId ? sliceById.get(bucket.fileId) : undefined;
      // A loop, not push(...rows): spreading a million row indexes overflows the call stack.
      const inserts = group(partition, fileId, slice).inserts;
      for (let i = at; i < at + bucket.records && i < fresh.length; i++) inserts.push(fresh[i]);
      at += bucket.records;
    }
  }

  const action: Action = overwrite ? 'replacecommit' : mor ? 'deltacommit' : 'commit';
  const logFormat: LogBlockFormat = options.logBlockFormat ?? (config.raw.get('hoodie.logfile.data.block.format') === 'avro' ? 'avro' : 'parquet');
  const appended = new Map<string, string>();
  // a table created without a schema records its first write's, as Spark does on creation
  await recordCreateSchema(store, config, dataSchema);
  const workload = inflightWorkloadJson(
    [...groups.values()].map((g) => ({ partition: g.partition, fileId: g.fileId, baseInstant: g.slice?.baseInstantTime, updates: g.updates.length, inserts: g.inserts.length })),
    operationTypes[operation],
  );
  const { instant, heartbeat } = await startInstant(ctx, timeline, action, workload);
  const written: string[] = [];
  const markers: string[] = [];
  let uncertain = false;
  let rolledBack = false;
  try {
    const stats: WriteStatInput[] = [];
    let writerPartition = 0;
    const partitionsWritten = new Set<string>();
    const logWrites: { plan: GroupPlan & { slice: FileSlice }; logBaseInstant: string; writerPartition: number }[] = [];
    const baseWrites: { plan: GroupPlan; writerPartition: number }[] = [];
    const plans = [...groups.values()];
    const logged = (plan: GroupPlan) => mor && plan.slice !== undefined && plan.inserts.length === 0 && plan.updates.length > 0;
    // Independent per group: checked concurrently rather than one slice's logs after another's.
    const reinserts = await mapLimit(plans, LOG_APPEND_CONCURRENCY, (plan) =>
      logged(plan) ? reinsertsAfterDelete(ctx, timeline, plan, incoming, operation, view.isVisible) : Promise.resolve(false),
    );
    for (const [n, plan] of plans.entries()) {
      if (plan.slice && logged(plan) && !reinserts[n]) {
        // Updates and deletes of existing records append to the file group's log.
        const key = fileGroupKey(plan.partition, plan.fileId);
        // A pending compaction newer than the slice starts the slice new logs belong to.
        const pendingAt = compacting.get(key);
        const logBaseInstant = pendingAt !== undefined && pendingAt > plan.slice.baseInstantTime ? pendingAt : plan.slice.baseInstantTime;
        appended.set(key, logBaseInstant);
        logWrites.push({ plan: { ...plan, slice: plan.slice }, logBaseInstant, writerPartition: writerPartition++ });
      } else {
        baseWrites.push({ plan, writerPartition: writerPartition++ });
      }
    }
    // Log files are small and independent: several are written at once, which matters on an
    // object store where each costs two round trips. Base files are written one at a time, so
    // memory holds one merged file group.
    const logStats = await mapLimit(logWrites, LOG_APPEND_CONCURRENCY, ({ plan, logBaseInstant, writerPartition: wp }) =>
      appendLogFile({
        store,
        config,
        partition: plan.partition,
        fileId: plan.fileId,
        slice: plan.slice,
        logBaseInstant,
        instant,
        dataSchema,
        batch: incoming.batch,
        keys: incoming.keys,
        rows: plan.updates,
        deletes: operation === 'delete',
        format: logFormat,
        compression,
        writerPartition: wp,
        onMarker: (m) => markers.push(m),
        onFile: (p) => written.push(p),
      }),
    );
    logWrites.forEach(({ plan }, n) => {
      stats.push(logStats[n]);
      partitionsWritten.add(plan.partition);
    });
    // Rewriting a slice with logs into a base file drops what its damaged log blocks held.
    const corruption = {
      onCorruptLogBlocks: refuseCorruptLogBlocks(`Write ${instant}`, { remedy: 'compact the table with force (`lake compact --force`) first' }),
      committedLogExtent: committedLogExtents(timeline, view.isVisible),
    };
    for (const { plan, writerPartition: wp } of baseWrites) {
      const stat = await writeFileGroup(ctx, {
        plan,
        instant,
        deletes: operation === 'delete',
        incoming,
        fullSchema,
        dataSchema,
        writerPartition: wp,
        compression,
        isValidInstant: (t) => view.validInstants.has(t),
        corruption,
        onFile: (path, marker) => {
          written.push(path);
          markers.push(marker);
        },
      });
      if (stat) {
        stats.push(stat);
        partitionsWritten.add(plan.partition);
      }
    }
    for (const partition of partitionsWritten) await ensurePartitionMetadata(store, partition, instant);

    // Another writer may have committed while this one worked: Hudi writers (seen on the
    // timeline) and lake writers (seen through commit claims) alike.
    const changed = [...groups.values()].filter((g) => g.slice).map((g) => fileGroupKey(g.partition, g.fileId));
    for (const [p, ids] of replaced) for (const id of ids) changed.push(fileGroupKey(p, id));
    await checkTimelineConflicts(ctx, knownCompleted, instant, new Set(changed));
    if (appended.size > 0) await checkCompactionConflicts(ctx, instant, appended);
    await claimCommit(store, claimStart, {
      instant,
      action,
      fileGroups: changed.map((k) => k.replace('\u0000', '/')),
      newKeys: newRecordKeys(operation, incoming, groups.values()),
    });

    const body = commitMetadataJson({
      stats,
      // A delete before any write knows no columns; an empty record schema would hide the real
      // one from readers that take the schema of the latest commit.
      schema: dataSchema.fields.length > 0 ? JSON.stringify(arrowSchemaToAvro(dataSchema, { tableName: config.name })) : undefined,
      operationType: operationTypes[operation],
      extraMetadata: options.extraMetadata,
      replaced: overwrite ? replaced : undefined,
    });
    // The commit point is the fence: from here no rollback may undo this instant (and if one
    // already took it, because this writer paused past its heartbeat's expiry, nothing commits).
    const fenced = await fenceCommit(store, instant, body);
    if (fenced.outcome === 'unknown') {
      uncertain = true;
      throw fenced.error;
    }
    // No fence was set: nothing is decided, and this write is abandoned like any failed one.
    if (fenced.outcome === 'failed') throw fenced.error;
    if (fenced.outcome === 'lost') {
      rolledBack = true;
      throw new ConflictError(instant, 'rollback', [], rolledBackMessage(instant));
    }
    const completedKey = `${config.timelineDir}/${instantFileName({ time: instant, action, state: 'completed' }, config.timelineLayoutVersion)}`;
    const published = await publishCompleted(store, completedKey, body);
    if (published.outcome === 'unknown') {
      // Whether the commit landed cannot be told now: nothing may be deleted. The instant is
      // either complete or left pending for a rollback once this writer's heartbeat is gone.
      uncertain = true;
      throw published.error;
    }
    if (published.outcome === 'taken' || published.outcome === 'failed') {
      // A lost answer may hide our own failure (the object missing); either way not committed.
      throw published.error ?? new InvalidWriteError(`Instant ${instant} was completed by someone else; retry the write.`);
    }
    await store.deleteMany([...markers, instantClaimKey(instant), fenceKey(instant)]).catch(() => undefined);
    await heartbeat.stop();
    const sum = (f: (s: WriteStatInput) => number) => stats.reduce((n, s) => n + f(s), 0);
    return {
      instant,
      action,
      operation,
      inserted: sum((s) => s.numInserts),
      updated: sum((s) => s.numUpdateWrites),
      deleted: sum((s) => s.numDeletes),
      filesWritten: stats.length,
      filesReplaced: [...replaced.values()].reduce((n, ids) => n + ids.length, 0),
      bytesWritten: sum((s) => s.fileSizeInBytes),
      partitions: [...partitionsWritten].sort(),
      index: indexStats,
    };
  } catch (error) {
    // Nothing was published: remove what this attempt wrote, so nothing of it lingers.
    // Rolled back by someone else: its rollback owns the instant files; only files this writer
    // may have written after the rollback listed them are removed here.
    if (rolledBack) await store.deleteMany([...written, ...markers]).catch(() => undefined);
    else if (!uncertain) await abandonInstant(ctx, instant, action, [...written, ...markers]);
    await heartbeat.stop();
    throw error;
  }
}

export function rolledBackMessage(instant: string): string {
  return (
    `Write ${instant} lost a conflict with a rollback of it by another process: its heartbeat had expired before ` +
    'it could commit (the writer was paused or too slow to renew it). Nothing of it is visible; retry the write.'
  );
}

async function recentWriteStats(timeline: Timeline): Promise<{ totalWriteBytes: number; numWrites: number }[]> {
  const writes = timeline.completedWrites().slice(-3);
  // An unreadable commit only costs the estimate.
  const metas = await Promise.all(writes.map((w) => timeline.commitMetadata(w).catch(() => undefined)));
  return metas.flatMap((m) => (m ? [...m.partitionToWriteStats.values()].flat() : []));
}

/** Fails with ConflictError when a write completed since `known` changed or replaced a file group in `changed`. */
export async function checkTimelineConflicts(ctx: WriteContext, known: ReadonlySet<string>, instant: string, changed: ReadonlySet<string>): Promise<void> {
  if (changed.size === 0) return;
  const now = await ctx.timeline();
  for (const i of now.completedWrites()) {
    if (known.has(i.time) || i.time === instant) continue;
    const meta = await now.commitMetadata(i);
    const overlap = writtenFileGroups(meta)
      .map((g) => fileGroupKey(g.partitionPath, g.fileId))
      .filter((k) => changed.has(k));
    for (const [p, ids] of meta.partitionToReplaceFileIds) for (const id of ids) if (changed.has(fileGroupKey(p, id))) overlap.push(fileGroupKey(p, id));
    if (overlap.length > 0) throw new ConflictError(instant, i.time, overlap.map((k) => k.replace('\u0000', '/')));
  }
}

/**
 * Whether an event-time upsert brings back keys the group's logs deleted: logged, such a record
 * would lose to its older base-file version when engines merge (see log-deletes.ts); the group is
 * rewritten instead.
 */
async function reinsertsAfterDelete(
  ctx: WriteContext,
  timeline: Timeline,
  plan: GroupPlan,
  incoming: Incoming,
  operation: WriteOperation,
  isValidInstant: (t: string) => boolean,
): Promise<boolean> {
  if (operation === 'delete' || tableMergeMode(ctx.config) !== 'EVENT_TIME_ORDERING' || !plan.slice || plan.slice.logFiles.length === 0) return false;
  // Commit metadata that shows no deletes in the slice's logs spares reading them.
  if (!(await sliceMayHaveDeletes(timeline, plan.slice, isValidInstant))) return false;
  const keys = new Set(plan.updates.map((i) => incoming.keys[i]));
  return (await keysDeletedInLogs(ctx.store, plan.slice, isValidInstant, keys)).size > 0;
}

/**
 * A log file belongs to the slice it was named after; if a compaction was scheduled on the file
 * group meanwhile, that slice is about to be superseded and the log's records would be lost.
 */
async function checkCompactionConflicts(ctx: WriteContext, instant: string, appended: ReadonlyMap<string, string>): Promise<void> {
  const now = await pendingCompactionGroups(await ctx.timeline());
  const clashes: string[] = [];
  let by = '';
  for (const [key, base] of appended) {
    const compaction = now.get(key);
    if (compaction !== undefined && compaction > base) {
      clashes.push(key.replace('\u0000', '/'));
      by = compaction;
    }
  }
  if (clashes.length > 0) throw new ConflictError(instant, by, clashes);
}

async function ensurePartitionMetadata(store: ObjectStore, partition: string, instant: string): Promise<void> {
  const key = partition === '' ? '.hoodie_partition_metadata' : `${partition}/.hoodie_partition_metadata`;
  if (await store.head(key)) return;
  const depth = partition === '' ? 0 : partition.split('/').length;
  const text = `#partition metadata\n#${new Date().toUTCString()}\ncommitTime=${instant}\npartitionDepth=${depth}\n`;
  await store.putIfAbsent(key, new TextEncoder().encode(text));
}

/**
 * Fingerprints of the keys an upsert inserts as new records, for the commit claim; undefined for
 * operations that do not keep keys unique (insert, bulk insert) and for ones that insert nothing.
 */
function newRecordKeys(operation: WriteOperation, incoming: Incoming, plans: Iterable<GroupPlan>): string | undefined {
  if (operation !== 'upsert') return undefined;
  const rows: number[] = [];
  for (const plan of plans) for (const i of plan.inserts) rows.push(i);
  return rows.length === 0 ? undefined : encodeNewKeys(incoming.partitions, incoming.keys, rows);
}
