// Compaction of merge-on-read tables, as Hudi runs it: schedule (a `compaction.requested` instant
// holding the plan: which file slices), execute (merge each slice's base file and logs into a new
// base file at the compaction instant; file groups in parallel), complete as a `commit`. Until
// the commit lands readers see the slices as before; writers meanwhile log into the compaction's
// new slices, so nothing they write is lost. A run that dies is finished by the next one.
// Over 350 lines on purpose: scheduling, running, finishing and undoing one compaction share its plan.

import type { Schema } from 'apache-arrow';
import { mapLimit, type ObjectStore } from '@lake/storage';
import type { Compression } from '@lake/parquet';

import { ConflictError, InvalidWriteError } from '../errors.js';
import { parseBaseFileName } from '../file-group/base-file.js';
import { fileGroupKey, type FileSlice } from '../file-group/file-slice.js';
import { compareLogFileNames } from '../file-group/log-file.js';
import { readFileSlice, type SliceReadPlan } from '../read/file-slice-reader.js';
import { committedLogExtents, refuseCorruptLogBlocks } from '../read/log-corruption.js';
import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';
import { withMetaFields } from '../schema/table-schema.js';
import { buildFileSystemView, latestFileSlices, replacedFileGroups, type FileSystemView } from '../table/fs-view.js';
import type { TableContext } from '../table/table-context.js';
import type { Instant } from '../timeline/instant.js';
import type { Timeline } from '../timeline/timeline.js';
import { claimCommit, latestClaim, notPendingIn, readIntents } from '../commit/claims.js';
import { intentTiming } from '../commit/intent-retention.js';
import { pruneCommitRecords } from '../commit/prune-records.js';
import { forgetBaseFile } from '../index/key-index.js';
import { checkIntentsSettled } from '../commit/settle-intent.js';
import { publishCompleted } from '../commit/publish.js';
import { conflictOnVanishedInput } from '../commit/vanished-input.js';
import { checkCompactedSliceConflicts } from '../commit/conflicts.js';
import { listMarkers } from '../commit/markers.js';
import { takeHeartbeat } from '../commit/heartbeat.js';
import { instantClaimKey, instantFileKey } from '../commit/paths.js';
import { commitMetadataJson, type WriteStatInput } from '../write/commit-metadata-json.js';
import { defaultFileSizing } from '../write/file-sizing.js';
import { writeContext } from '../write/table-writes.js';
import {
  compactionRequested,
  encodeCompactionPlan,
  pendingCompactionGroups,
  pendingCompactions,
  type CompactionOperation,
  type CompactionPlan,
} from '../timeline/plans/compaction-plan.js';
import { writeRewrittenBaseFile } from './base-rewrite.js';
import { compactionMetrics } from './compaction-metrics.js';

/** Which file slices a new compaction plan takes. */
export type CompactionStrategy =
  /** Every slice with logs, once at least `minDeltaCommits` delta commits completed since the last compaction. */
  | { kind: 'num-commits'; minDeltaCommits: number }
  /** Slices whose log files add up to at least `minLogBytes`. */
  | { kind: 'log-size'; minLogBytes: number }
  /** The listed file groups (`partitionPath/fileId`, or the file id alone). */
  | { kind: 'file-groups'; fileGroups: string[] };

export interface CompactionProgress {
  instant: string;
  fileGroupsDone: number;
  fileGroupsTotal: number;
  bytesRead: number;
  bytesWritten: number;
}

export interface CompactionOptions {
  strategy?: CompactionStrategy;
  /** File groups merged at once (default 2). */
  parallelism?: number;
  compression?: Compression;
  onProgress?: (p: CompactionProgress) => void;
  /**
   * Compact file slices even when log blocks of completed writes in them cannot be parsed (their
   * records are then lost for good). Without it such a slice fails the run with
   * CorruptLogBlockError and the compaction stays pending.
   */
  force?: boolean;
  /**
   * How old another run's heartbeat on the same compaction must be before this run takes it
   * over (default two minutes, as for writers). Negative: at once, for when no other run can be
   * alive (the process that ran it is known to be dead).
   */
  heartbeatExpiryMs?: number;
}

export interface CompactionRun {
  instant: string;
  fileGroups: number;
  logFilesMerged: number;
  bytesBefore: number;
  bytesAfter: number;
  records: number;
  /** Whether this run finished a compaction an earlier run had started. */
  resumed: boolean;
  millis: number;
}

export const DEFAULT_COMPACTION_STRATEGY: CompactionStrategy = { kind: 'num-commits', minDeltaCommits: 1 };

function requireMor(table: TableContext): void {
  if (table.config.type !== 'MERGE_ON_READ') {
    throw new InvalidWriteError(`Compaction merges log files of MERGE_ON_READ tables; ${table.uri} is ${table.config.type} (use clustering to merge small files).`);
  }
}

/** Delta commits completed after the last completed compaction. */
function deltaCommitsSinceCompaction(timeline: Timeline): number {
  const writes = timeline.completedWrites();
  let n = 0;
  for (let i = writes.length - 1; i >= 0; i--) {
    if (writes[i].action === 'commit') break;
    if (writes[i].action === 'deltacommit') n++;
  }
  return n;
}

function logBytes(slice: FileSlice): number {
  return slice.logFiles.reduce((n, f) => n + (f.size ?? 0), 0);
}

function selectSlices(slices: FileSlice[], strategy: CompactionStrategy, timeline: Timeline): FileSlice[] {
  const withLogs = slices.filter((s) => s.logFiles.length > 0);
  switch (strategy.kind) {
    case 'num-commits':
      return deltaCommitsSinceCompaction(timeline) >= strategy.minDeltaCommits ? withLogs : [];
    case 'log-size':
      return withLogs.filter((s) => logBytes(s) >= strategy.minLogBytes);
    case 'file-groups': {
      const wanted = new Set(strategy.fileGroups);
      return withLogs.filter((s) => wanted.has(`${s.partitionPath}/${s.fileId}`) || wanted.has(s.fileId));
    }
  }
}

function operationOf(slice: FileSlice, defaultBaseFileBytes: number): CompactionOperation {
  return {
    partitionPath: slice.partitionPath,
    fileId: slice.fileId,
    baseInstantTime: slice.baseInstantTime,
    ...(slice.baseFile ? { dataFileName: slice.baseFile.fileName } : {}),
    deltaFileNames: [...slice.logFiles].sort(compareLogFileNames).map((f) => f.fileName),
    metrics: compactionMetrics(slice, defaultBaseFileBytes),
  };
}

/**
 * Schedules a compaction: picks slices by the strategy (skipping file groups already in a
 * pending compaction) and writes the plan as `<instant>.compaction.requested`. Returns undefined
 * when nothing qualifies.
 */
export async function scheduleCompaction(
  table: TableContext,
  options: { strategy?: CompactionStrategy; dryRun?: boolean; extraMetadata?: Record<string, string> } = {},
): Promise<{ instant: string; plan: CompactionPlan } | undefined> {
  requireMor(table);
  const ctx = writeContext(table);
  const timeline = await table.timeline();
  const view = await buildFileSystemView(table.store, timeline, {});
  const busy = await pendingCompactionGroups(timeline);
  const candidates = latestFileSlices(view).filter((s) => !busy.has(fileGroupKey(s.partitionPath, s.fileId)));
  const slices = selectSlices(candidates, options.strategy ?? DEFAULT_COMPACTION_STRATEGY, timeline);
  if (slices.length === 0) return undefined;
  // a slice without a base file compacts into a file of about the table's maximum size
  const maxFileSize = Number(table.config.raw.get('hoodie.parquet.max.file.size'));
  const defaultBaseFileBytes = Number.isSafeInteger(maxFileSize) && maxFileSize > 0 ? maxFileSize : defaultFileSizing.maxFileSizeBytes;
  const plan: CompactionPlan = { operations: slices.map((s) => operationOf(s, defaultBaseFileBytes)), extraMetadata: { ...options.extraMetadata } };
  let latest = timeline.instants.at(-1)?.time;
  const instant = ctx.instants.next(latest);
  if (options.dryRun) return { instant, plan };
  // The plan is the instant's requested file; a concurrent scheduler with the same time loses.
  for (;;) {
    const time = ctx.instants.next(latest);
    if (await table.store.putIfAbsent(instantFileKey(table.config, compactionRequested(time)), encodeCompactionPlan(plan))) {
      return { instant: time, plan };
    }
    latest = time;
  }
}

interface GroupResult {
  stat: WriteStatInput;
  logFiles: number;
  bytesBefore: number;
  records: number;
}

/** Finds the slice an operation names in the current view: its base file and every log of its base instant. */
function sliceForOperation(view: FileSystemView, op: CompactionOperation): FileSlice {
  const group = view.fileGroups.find((g) => g.partitionPath === op.partitionPath && g.fileId === op.fileId);
  const base = group?.slices.map((s) => s.baseFile).find((b) => b?.instantTime === op.baseInstantTime);
  if (op.dataFileName && !base) {
    throw new InvalidWriteError(
      `Compaction input ${op.partitionPath}/${op.dataFileName} is gone from the table; the plan cannot run. Roll the compaction back.`,
    );
  }
  const logs = (group?.slices ?? []).flatMap((s) => s.logFiles).filter((f) => f.instantTime === op.baseInstantTime);
  return {
    partitionPath: op.partitionPath,
    fileId: op.fileId,
    baseInstantTime: op.baseInstantTime,
    ...(base ? { baseFile: base } : {}),
    logFiles: logs.sort(compareLogFileNames),
  };
}

async function compactGroup(
  table: TableContext,
  view: FileSystemView,
  op: CompactionOperation,
  instant: string,
  fullSchema: Schema,
  dataSchema: Schema,
  writerPartition: number,
  compression: Compression | undefined,
  corruption: Pick<SliceReadPlan, 'onCorruptLogBlocks' | 'committedLogExtent'>,
): Promise<GroupResult> {
  const started = Date.now();
  const slice = sliceForOperation(view, op);
  const stream = readFileSlice(
    {
      store: table.store,
      config: table.config,
      mergeMode: table.mergeMode,
      // Every completed write in the slice's logs: a write that ignored the plan and logged into
      // the old slice after the compaction instant still belongs to it.
      isValidInstant: view.isVisible,
      table: fullSchema,
      output: fullSchema,
      ...corruption,
    },
    slice,
  );
  const out = await writeRewrittenBaseFile(table, stream, {
    partitionPath: op.partitionPath,
    fileId: op.fileId,
    instant,
    writerPartition,
    dataSchema,
    compression,
    marker: 'MERGE',
  });
  const logSize = slice.logFiles.reduce((n, f) => n + (f.size ?? 0), 0);
  return {
    stat: {
      fileId: op.fileId,
      path: out.path,
      partitionPath: op.partitionPath,
      prevCommit: op.baseInstantTime,
      numWrites: out.records,
      numDeletes: 0,
      numUpdateWrites: out.records,
      numInserts: 0,
      fileSizeInBytes: out.bytes,
      totalUpsertTimeMs: Date.now() - started,
      compacted: { logRecords: 0, logFiles: slice.logFiles.length, logBytes: logSize, updatedRecords: out.records, logBlocks: 0 },
    },
    logFiles: slice.logFiles.length,
    bytesBefore: logSize + (slice.baseFile?.size ?? 0),
    records: out.records,
  };
}

/** Removes what a dead run of this compaction left: base files at its instant, and markers. */
async function removeLeftovers(store: ObjectStore, plan: CompactionPlan, instant: string): Promise<void> {
  const partitions = new Set(plan.operations.map((o) => o.partitionPath));
  const ids = new Set(plan.operations.map((o) => fileGroupKey(o.partitionPath, o.fileId)));
  const doomed: string[] = [];
  for (const p of partitions) {
    const { objects } = await store.listDirectory(p === '' ? '' : `${p}/`);
    for (const o of objects) {
      const name = o.key.slice(o.key.lastIndexOf('/') + 1);
      const base = parseBaseFileName(name);
      if (base && base.instantTime === instant && ids.has(fileGroupKey(p, base.fileId))) doomed.push(o.key);
    }
  }
  doomed.push(...(await listMarkers(store, instant)));
  if (doomed.length > 0) await store.deleteMany(doomed);
}

/**
 * Executes a scheduled compaction and completes it as a `commit`. Safe to call again after a
 * crash at any point: leftovers of the earlier attempt are removed first.
 */
export async function runCompaction(table: TableContext, instant: string, options: CompactionOptions = {}): Promise<CompactionRun> {
  requireMor(table);
  const started = Date.now();
  const store = table.store;
  const listedAt = intentTiming.now();
  const timeline = await table.timeline();
  if (timeline.completedInstant(instant)) throw new InvalidWriteError(`Compaction ${instant} has already completed.`);
  const pending = (await pendingCompactions(timeline)).find((p) => p.instant.time === instant);
  if (!pending) throw new InvalidWriteError(`No pending compaction ${instant} on the timeline of ${table.uri}.`);
  // One run per compaction: a second run would remove the first one's files as leftovers.
  const run = await takeHeartbeat(store, instant, { expiryMs: options.heartbeatExpiryMs });
  if (!run) throw new CompactionRunningError(instant);
  const keyMade = { made: false };
  try {
    const done = await executeCompaction(table, instant, pending, { timeline, listedAt, keyMade }, options, started);
    await pruneCommitRecords({ store, config: table.config, own: instant }).catch(() => undefined);
    return done;
  } finally {
    // Its instant key showed pruners this run may still claim (see executeCompaction).
    await Promise.all([run.stop(), keyMade.made ? store.delete(instantClaimKey(instant)).catch(() => undefined) : undefined]);
  }
}

/** A compaction another process is running now (its heartbeat is fresh). */
class CompactionRunningError extends ConflictError {
  constructor(instant: string) {
    super(
      instant,
      instant,
      [],
      `Compaction ${instant} is being run by another process (its heartbeat is fresh), which completes it. ` +
        'If that process died, run it again once its heartbeat has expired (two minutes).',
    );
  }
}

async function executeCompaction(
  table: TableContext,
  instant: string,
  pending: { instant: Instant; plan: CompactionPlan },
  start: { timeline: Timeline; listedAt: number; keyMade: { made: boolean } },
  options: CompactionOptions,
  started: number,
): Promise<CompactionRun> {
  const store = table.store;
  const { timeline } = start;
  const { plan } = pending;
  const resumed = pending.instant.state === 'inflight';
  // An empty instant key shows pruners that this run may still claim, from about now on (see
  // claim-retention.ts); made with the read of the newest claim. Created only if absent: a
  // writer that picked the same millisecond holds it for its intent (this run then goes unseen
  // by pruners, which may cost it a retry, never a lost update).
  const [claimStart, made] = await Promise.all([latestClaim(store), store.putIfAbsent(instantClaimKey(instant), new Uint8Array())]);
  start.keyMade.made = made;
  // Writes claimed before this run started but published after its snapshot (see claims.ts).
  const intents = readIntents(store, { known: notPendingIn(timeline), listedAt: start.listedAt, relist: () => table.timeline() });
  await removeLeftovers(store, plan, instant);
  const inflight: Instant = { time: instant, action: 'compaction', state: 'inflight' };
  if (!resumed) await store.put(instantFileKey(table.config, inflight), new Uint8Array());

  const view = await buildFileSystemView(store, timeline, {});
  const known = new Set(timeline.completed().map((i) => i.time));
  const dataSchema = await writeContext(table).dataSchema(timeline);
  if (!dataSchema) throw new InvalidWriteError(`Table ${table.uri} has no schema yet; nothing to compact.`);
  const fullSchema = withMetaFields(dataSchema, table.config);
  const progress: CompactionProgress = { instant, fileGroupsDone: 0, fileGroupsTotal: plan.operations.length, bytesRead: 0, bytesWritten: 0 };
  options.onProgress?.({ ...progress });
  const corruption = {
    onCorruptLogBlocks: refuseCorruptLogBlocks(`Compaction ${instant}`, {
      force: options.force,
      remedy: 'compact with force (`lake compact --force`) to drop them; until then the compaction stays pending',
    }),
    committedLogExtent: committedLogExtents(timeline, view.isVisible),
  };
  // A file group an insert overwrite replaced after scheduling is no longer the table's: there is
  // nothing left to compact in it.
  const replaced = await replacedFileGroups(timeline, view.validInstants);
  const operations = plan.operations.filter((o) => !replaced.has(fileGroupKey(o.partitionPath, o.fileId)));
  progress.fileGroupsTotal = operations.length;
  // Inputs removed meanwhile (a failed write's logs rolled back) make this run a conflict.
  const results = await conflictOnVanishedInput(instant, table, () => mapLimit(operations, Math.max(1, options.parallelism ?? 2), async (op, i) => {
    const r = await compactGroup(table, view, op, instant, fullSchema, dataSchema, i, options.compression, corruption);
    progress.fileGroupsDone++;
    progress.bytesRead += r.bytesBefore;
    progress.bytesWritten += r.stat.fileSizeInBytes;
    options.onProgress?.({ ...progress });
    return r;
  }));

  // A write into a compacted slice meanwhile leaves this compaction pending for the next run.
  await checkCompactedSliceConflicts(table, known, instant, operations);
  const groups = new Set(operations.map((o) => fileGroupKey(o.partitionPath, o.fileId)));
  const claim = { instant, action: 'commit', fileGroups: [...groups].map((k) => k.replace('\u0000', '/')) };
  // A write into a compacted file group that claimed before this run started and publishes
  // after the check above is stood back, or this compaction stays pending.
  await checkIntentsSettled(store, table.config, claim, intents);
  await claimCommit(store, claimStart, claim);
  const body = commitMetadataJson({
    stats: results.map((r) => r.stat),
    schema: JSON.stringify(arrowSchemaToAvro(dataSchema, { tableName: table.config.name })),
    operationType: 'COMPACT',
    compacted: true,
  });
  const published = await publishCompleted(store, instantFileKey(table.config, { time: instant, action: 'commit', state: 'completed' }), body);
  if (published.outcome !== 'published') {
    // Still pending (or done by another run): the next run finishes it or finds it complete.
    throw published.error ?? new InvalidWriteError(`Compaction ${instant} was completed by another run.`);
  }
  // The compacted slices' base files are superseded: what this process cached of them is of no more use.
  for (const op of operations) {
    const base = sliceForOperation(view, op).baseFile;
    if (base) forgetBaseFile(store, base.path, { written: true });
  }
  await store.deleteMany(await listMarkers(store, instant)).catch(() => undefined);
  return {
    instant,
    fileGroups: results.length,
    logFilesMerged: results.reduce((n, r) => n + r.logFiles, 0),
    bytesBefore: results.reduce((n, r) => n + r.bytesBefore, 0),
    bytesAfter: results.reduce((n, r) => n + r.stat.fileSizeInBytes, 0),
    records: results.reduce((n, r) => n + r.records, 0),
    resumed,
    millis: Date.now() - started,
  };
}

/** Finishes every pending compaction, oldest first. */
export async function runPendingCompactions(table: TableContext, options: CompactionOptions = {}): Promise<CompactionRun[]> {
  requireMor(table);
  const out: CompactionRun[] = [];
  for (const { instant } of await pendingCompactions(await table.timeline())) {
    try {
      out.push(await runCompaction(table, instant.time, options));
    } catch (error) {
      // Being finished by another process: nothing to do here.
      if (error instanceof CompactionRunningError) continue;
      throw error;
    }
  }
  return out;
}

/** Finishes pending compactions, then schedules one by the strategy and runs it. */
export async function compact(table: TableContext, options: CompactionOptions = {}): Promise<CompactionRun[]> {
  const runs = await runPendingCompactions(table, options);
  const scheduled = await scheduleCompaction(table, { strategy: options.strategy });
  if (scheduled) runs.push(await runCompaction(table, scheduled.instant, options));
  return runs;
}
