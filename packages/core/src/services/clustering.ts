// Clustering: small base files of a partition are stitched into files of
// the target size, committed as a `replacecommit` whose requested file carries Hudi's clustering
// plan, so small-batch ingestion does not end in a million tiny files. Records keep their commit
// times (incremental reads do not see them as new); readers see the old files until the commit.

import type { Schema } from 'apache-arrow';
import { mapLimit } from '@lake/storage';
import type { Compression } from '@lake/parquet';

import { ConflictError, InvalidWriteError } from '../errors.js';
import { bucketIndexOf } from '../index/bucket-layout.js';
import { forgetBaseFile } from '../index/key-index.js';
import { fileGroupKey } from '../file-group/file-slice.js';
import { readFileSlices } from '../read/file-slice-reader.js';
import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';
import { encodeAvroContainer } from '../avro/avro-container-writer.js';
import { withMetaFields } from '../schema/table-schema.js';
import { latestFileSlices } from '../table/fs-view.js';
import { writerSnapshots } from '../table/writer-snapshot.js';
import type { TableContext } from '../table/table-context.js';
import type { Instant } from '../timeline/instant.js';
import { decodeMetadataFile } from '../timeline/metadata-file.js';
import type { Timeline } from '../timeline/timeline.js';
import { claimCommit, latestClaim, notPendingIn, readIntents, recordIntent } from '../commit/claims.js';
import { intentTiming, retireIntentAfterHold } from '../commit/intent-retention.js';
import { pruneCommitRecords } from '../commit/prune-records.js';
import { fenceCommit } from '../commit/fence.js';
import { isHeartbeatExpired, startHeartbeat } from '../commit/heartbeat.js';
import { backOff, isCompletedNow, takeRollbackFence } from './rollback-fence.js';
import { checkIntentsSettled } from '../commit/settle-intent.js';
import { publishCompleted } from '../commit/publish.js';
import { listMarkers } from '../commit/markers.js';
import { fenceKey, heartbeatKey, instantClaimKey, instantFileKey, markedFile } from '../commit/paths.js';
import { commitMetadataJson, type WriteStatInput } from '../write/commit-metadata-json.js';
import { writeContext } from '../write/table-writes.js';
import { byteBudget } from '../write/byte-budget.js';
import { baseWriteBudget } from '../write/write-execute.js';
import { checkTimelineConflicts } from '../commit/conflicts.js';
import { REQUESTED_REPLACE_SCHEMA } from '../timeline/plans/plan-schemas.js';
import { pendingCompactionGroups } from '../timeline/plans/compaction-plan.js';
import { writeRewrittenBaseFile } from './base-rewrite.js';
import { hudiPath } from './table-paths.js';
import { planClusteringGroups, type ClusteringGroupPlan, type ClusteringPlanOptions } from './clustering-plan.js';

export interface ClusteringOptions extends ClusteringPlanOptions {
  parallelism?: number;
  compression?: Compression;
  onProgress?: (p: { instant: string; fileGroupsDone: number; fileGroupsTotal: number; bytesRead: number; bytesWritten: number }) => void;
}

export interface ClusteringRun {
  instant: string;
  /** Input file groups replaced. */
  fileGroups: number;
  filesWritten: number;
  bytesBefore: number;
  bytesAfter: number;
  records: number;
  millis: number;
}

const STRATEGY_CLASS = 'org.apache.hudi.client.clustering.run.strategy.SparkSortAndSizeExecutionStrategy';

function requestedPlanBytes(table: TableContext, groups: ClusteringGroupPlan[]): Uint8Array {
  // Hadoop Path strings (file:/..., s3://...), as Hudi's clustering planner writes them
  const abs = (path: string) => hudiPath(table.store.uri, path);
  return encodeAvroContainer(REQUESTED_REPLACE_SCHEMA, [
    {
      operationType: 'CLUSTER',
      clusteringPlan: {
        inputGroups: groups.map((g) => ({
          slices: g.slices.map((s) => ({
            dataFilePath: s.baseFile ? abs(s.baseFile.path) : null,
            deltaFilePaths: s.logFiles.map((f) => abs(f.path)),
            fileId: s.fileId,
            partitionPath: s.partitionPath,
            bootstrapFilePath: null,
            version: 1,
          })),
          metrics: { TOTAL_FILE_SIZE: g.slices.reduce((n, s) => n + (s.baseFile?.size ?? 0), 0), TOTAL_FILES: g.slices.length },
          numOutputFileGroups: 1,
          version: 1,
        })),
        strategy: { strategyClassName: STRATEGY_CLASS, strategyParams: {}, version: 1 },
        extraMetadata: {},
        version: 1,
        preserveHoodieMetadata: true,
      },
      extraMetadata: {},
      version: 1,
    },
  ]);
}

/** Whether the replace commit at `time` is a clustering (its requested file says CLUSTER). */
export async function isClusteringInstant(timeline: Timeline, time: string): Promise<boolean> {
  const requested: Instant = { time, action: 'replacecommit', state: 'requested' };
  let bytes: Uint8Array;
  try {
    bytes = await timeline.instantBytes(requested);
  } catch {
    return false;
  }
  if (bytes.length === 0) return false;
  const json = decodeMetadataFile(bytes, timeline.instantPath(requested));
  return json?.operationType === 'CLUSTER';
}

/** Pending replace commits that are clusterings. */
async function pendingClusterings(timeline: Timeline): Promise<Instant[]> {
  const out: Instant[] = [];
  for (const i of timeline.pending()) if (i.action === 'replacecommit' && (await isClusteringInstant(timeline, i.time))) out.push(i);
  return out;
}

/**
 * Undoes a pending clustering whose run is gone (its heartbeat expired, or it never had one: a
 * crashed run, or another engine's), taking its commit fence first as a rollback does, so a run
 * that was only slow can no longer publish what is being removed. A run still beating is left
 * to finish; a new plan over the same file groups then conflicts with it, and one of them wins.
 */
async function abandonDeadClustering(table: TableContext, instant: string): Promise<void> {
  if (!(await isHeartbeatExpired(table.store, instant))) return;
  const decision = await takeRollbackFence(table, instant, 'replacecommit', { join: false });
  if (!decision.proceed) return;
  if (await isCompletedNow(table, instant)) {
    await backOff(table.store, instant);
    return;
  }
  await abandonClustering(table, instant);
}

/**
 * Undoes a clustering that never completed: its output files (named by its markers), markers and
 * instant files. Nothing of it was visible, so readers are unaffected.
 */
async function abandonClustering(table: TableContext, instant: string): Promise<void> {
  const store = table.store;
  const markers = await listMarkers(store, instant);
  const outputs = markers.map((m) => markedFile(instant, m));
  await store.deleteMany(outputs);
  await store.deleteMany(markers);
  for (const state of ['inflight', 'requested'] as const) await store.delete(instantFileKey(table.config, { time: instant, action: 'replacecommit', state }));
  await store.deleteMany([instantClaimKey(instant), heartbeatKey(instant)]);
}

/**
 * Clusters a table's small base files (merge-on-read: those without log files). Abandons clusterings an earlier run left
 * unfinished, plans, writes the plan, stitches each group into one new file group and commits a
 * `replacecommit`. Returns undefined when no partition has two small files.
 */
export async function clusterSmallFiles(table: TableContext, options: ClusteringOptions & { dryRun?: boolean } = {}): Promise<(ClusteringRun & { groups: ClusteringGroupPlan[] }) | undefined> {
  if (bucketIndexOf(table.config)) {
    // Stitching files together would merge buckets: keys would no longer be where their hash says.
    throw new InvalidWriteError(`Clustering does not apply to ${table.uri}: it has a bucket index, whose file groups are fixed by key hash (each bucket is already one file group).`);
  }
  const started = Date.now();
  const store = table.store;
  const ctx = writeContext(table);
  let listedAt = intentTiming.now();
  let timeline = await table.timeline();
  if (!options.dryRun) {
    for (const i of await pendingClusterings(timeline)) await abandonDeadClustering(table, i.time);
    listedAt = intentTiming.now();
    timeline = await table.timeline();
  }
  // The newest claim, then the intents of writes claimed before it but missing from the
  // timeline (see claims.ts), read while the run plans: within the hold of the listing.
  const claimStart = options.dryRun ? Promise.resolve(0) : latestClaim(store);
  const intents = claimStart.then(() => (options.dryRun ? { intents: [] } : readIntents(store, { known: notPendingIn(timeline), listedAt, relist: () => table.timeline() })));
  claimStart.catch(() => undefined);
  intents.catch(() => undefined);
  // The listing this table object's writes keep up to date (from commit and clean metadata): an
  // inline clustering of a long-running ingestion does not list every partition again.
  const { view } = await writerSnapshots.view(table, store, timeline);
  // Merge-on-read: only base-only slices are stitched (those with logs are compaction's work),
  // and none a pending compaction is about to rewrite.
  const compacting = table.config.type === 'MERGE_ON_READ' ? await pendingCompactionGroups(timeline) : new Map<string, string>();
  const groups = planClusteringGroups(latestFileSlices(view).filter((s) => !compacting.has(fileGroupKey(s.partitionPath, s.fileId))), options);
  const bytesBefore = groups.reduce((n, g) => n + g.slices.reduce((m, s) => m + (s.baseFile?.size ?? 0), 0), 0);
  const instant0 = ctx.instants.next(timeline.instants.at(-1)?.time);
  const summary = (instant: string) => ({ instant, fileGroups: groups.reduce((n, g) => n + g.slices.length, 0), filesWritten: groups.length, bytesBefore, bytesAfter: 0, records: 0, millis: 0, groups });
  if (groups.length === 0) return undefined;
  if (options.dryRun) return summary(instant0);

  const dataSchema = await ctx.dataSchema(timeline);
  if (!dataSchema) return undefined;
  const fullSchema = withMetaFields(dataSchema, table.config);
  const known = new Set(timeline.completed().map((i) => i.time));
  let latest = timeline.instants.at(-1)?.time;
  let instant: string;
  for (;;) {
    instant = ctx.instants.next(latest);
    const requested = instantFileKey(table.config, { time: instant, action: 'replacecommit', state: 'requested' });
    if (await store.putIfAbsent(requested, requestedPlanBytes(table, groups))) {
      // The instant key too, as writers hold theirs (see holdInstant): it will hold this run's
      // intent, and shows pruners it may still claim (see claim-retention.ts). A writer that
      // picked the same millisecond holds it already; its intent is not this run's to replace.
      if (await store.putIfAbsent(instantClaimKey(instant), new Uint8Array())) break;
      await store.delete(requested);
    }
    latest = instant;
  }
  // A heartbeat, as a writer keeps: a later run leaves this clustering alone while it beats.
  const heartbeat = await startHeartbeat(store, instant);
  await store.put(instantFileKey(table.config, { time: instant, action: 'replacecommit', state: 'inflight' }), new Uint8Array());
  let uncertain = false;
  try {
    const progress = { instant, fileGroupsDone: 0, fileGroupsTotal: groups.length, bytesRead: 0, bytesWritten: 0 };
    options.onProgress?.({ ...progress });
    // Groups run `parallelism` at a time, and large ones no more at once than a write merges
    // large file groups (baseWriteBudget: as many as there are Parquet workers), so a clustering
    // inline in a writer holds about what its writes do.
    const budget = byteBudget(baseWriteBudget());
    const stats = await mapLimit(groups, Math.max(1, options.parallelism ?? 2), async (g, i) => {
      const groupBytes = g.slices.reduce((n, s) => n + (s.baseFile?.size ?? 0), 0);
      const stat = await budget.run(groupBytes, () => stitchGroup(table, g, instant, fullSchema, dataSchema, i, ctx.newFileId(), view.isVisible, options.compression));
      progress.fileGroupsDone++;
      progress.bytesRead += groupBytes;
      progress.bytesWritten += stat.fileSizeInBytes;
      options.onProgress?.({ ...progress });
      return stat;
    });
    const replaced = new Map<string, string[]>();
    for (const g of groups) replaced.set(g.partitionPath, [...(replaced.get(g.partitionPath) ?? []), ...g.slices.map((s) => s.fileId)]);
    const inputs = new Set(groups.flatMap((g) => g.slices.map((s) => fileGroupKey(s.partitionPath, s.fileId))));
    // A writer that changed an input file group meanwhile wins; this clustering is undone.
    await checkTimelineConflicts(ctx, known, instant, inputs);
    // The same protocol as a write's (write-commit.ts): an intent before the claim, so a writer
    // starting between this claim and the publish learns of it, and a fence, so such a writer
    // can stand this clustering back instead of having its update replaced.
    const claim = { instant, action: 'replacecommit', fileGroups: [...inputs].map((k) => k.replace('\u0000', '/')) };
    await recordIntent(store, claim, await claimStart);
    await checkIntentsSettled(store, table.config, claim, intents);
    await claimCommit(store, await claimStart, claim);
    const body = commitMetadataJson({
      stats,
      schema: JSON.stringify(arrowSchemaToAvro(dataSchema, { tableName: table.config.name })),
      operationType: 'CLUSTER',
      replaced,
    });
    const fenced = await fenceCommit(store, instant, body);
    if (fenced.outcome === 'unknown') {
      uncertain = true;
      throw fenced.error;
    }
    if (fenced.outcome === 'failed') throw fenced.error;
    if (fenced.outcome === 'lost') throw new ConflictError(instant, 'a rollback', [], `Clustering ${instant} was stood back by a writer or a rollback that took its commit fence first; nothing of it is visible. Run it again.`);
    const published = await publishCompleted(store, instantFileKey(table.config, { time: instant, action: 'replacecommit', state: 'completed' }), body);
    if (published.outcome === 'unknown') {
      uncertain = true;
      throw published.error;
    }
    if (published.outcome === 'taken' || published.outcome === 'failed') throw published.error ?? new InvalidWriteError(`Clustering ${instant} was completed by someone else.`);
    // The stitched files are replaced: what this process cached of them is of no more use.
    for (const g of groups) for (const s of g.slices) if (s.baseFile) forgetBaseFile(store, s.baseFile.path, { written: true });
    await store.deleteMany([...(await listMarkers(store, instant)), fenceKey(instant)]).catch(() => undefined);
    retireIntentAfterHold(store, instant);
    await pruneCommitRecords({ store, config: table.config, own: instant }).catch(() => undefined);
    return {
      ...summary(instant),
      bytesAfter: stats.reduce((n, s) => n + s.fileSizeInBytes, 0),
      records: stats.reduce((n, s) => n + s.numWrites, 0),
      millis: Date.now() - started,
    };
  } catch (error) {
    // Undone unless it may have committed (the store lost the answer and cannot say).
    if (!uncertain) await abandonClustering(table, instant).catch(() => undefined);
    throw error;
  } finally {
    await heartbeat.stop();
  }
}

async function stitchGroup(
  table: TableContext,
  group: ClusteringGroupPlan,
  instant: string,
  fullSchema: Schema,
  dataSchema: Schema,
  writerPartition: number,
  fileId: string,
  isVisible: (t: string) => boolean,
  compression: Compression | undefined,
): Promise<WriteStatInput> {
  const started = Date.now();
  // The group's slices one after another (the next ones' files opened meanwhile), each batch
  // written as it is read.
  const records = readFileSlices(
    { store: table.store, config: table.config, mergeMode: table.mergeMode, isValidInstant: isVisible, table: fullSchema, output: fullSchema },
    group.slices,
  );
  const out = await writeRewrittenBaseFile(table, records, {
    partitionPath: group.partitionPath,
    fileId,
    instant,
    writerPartition,
    dataSchema,
    compression,
    marker: 'CREATE',
  });
  return {
    fileId,
    path: out.path,
    partitionPath: group.partitionPath,
    numWrites: out.records,
    numDeletes: 0,
    numUpdateWrites: 0,
    numInserts: out.records,
    fileSizeInBytes: out.bytes,
    totalCreateTimeMs: Date.now() - started,
  };
}
