// Executing a planned write under its instant: each file group either takes a log file (merge on
// read: updates and deletes of an existing slice) or a new base file version (inserts, copy on
// write, and slices whose logs must not be appended to). Every file written and every marker is
// reported to the attempt as it is created, so a failed attempt can remove exactly those.

import type { Schema } from 'apache-arrow';
import { mapLimit, type ObjectStore } from '@lake/storage';
import { parquetWorkerCount, type Compression } from '@lake/parquet';

import { fileGroupKey, type FileSlice } from '../file-group/file-slice.js';
import { committedLogExtents, refuseCorruptLogBlocks } from '../read/log-corruption.js';
import { tableMergeMode } from '../read/merge.js';
import type { FileSystemView } from '../table/fs-view.js';
import type { Timeline } from '../timeline/timeline.js';
import type { WriteStatInput } from './commit-metadata-json.js';
import { baseFileMarker, baseFilePath, writeFileGroup, type GroupPlan, type Incoming } from './file-group-rewrite.js';
import { appendLogFile, logFilePath, type LogBlockFormat } from './log-append.js';
import { markerKey } from '../commit/paths.js';
import { keysDeletedInLogs } from './log-deletes.js';
import { sliceMayHaveDeletes } from './slice-deletes.js';
import type { WriteContext, WriteOperation } from './write-options.js';
import { byteBudget } from './byte-budget.js';
import { putGate } from './put-gate.js';
import type { WritePlan } from './write-plan.js';

/** Log files written at once by one write. */
const LOG_APPEND_CONCURRENCY = 8;
/** Base files merged and written at once by one write, at most (their round trips overlap). */
const BASE_WRITE_CONCURRENCY = 4;
/** Stored bytes of a file group that count as large: about the size of a merge worth a worker. */
const LARGE_FILE_GROUP_BYTES = 32 * 1024 * 1024;

/**
 * Stored bytes of the file groups a write may merge at once. A file group's merge and encoding
 * overlap already (its pieces are encoded on a worker while the calling thread merges the next
 * rows), so large ones go no more at a time than there are Parquet workers (one without
 * workers); small ones go BASE_WRITE_CONCURRENCY at a time.
 */
export function baseWriteBudget(workers = parquetWorkerCount()): number {
  return Math.max(1, Math.min(BASE_WRITE_CONCURRENCY, workers)) * LARGE_FILE_GROUP_BYTES;
}

/** Stored bytes of what rewriting `slice` reads: its base file and its logs. */
function sliceBytes(slice: FileSlice | undefined): number {
  if (!slice) return 0;
  return (slice.baseFile?.size ?? 0) + slice.logFiles.reduce((n, l) => n + (l.size ?? 0), 0);
}

/** What an attempt has put so far: its data files and their markers. */
export interface WriteAttempt {
  written: string[];
  markers: string[];
}

export interface WriteExecution {
  operation: WriteOperation;
  plan: WritePlan;
  incoming: Incoming;
  timeline: Timeline;
  view: FileSystemView;
  /** Partitions known to hold their partition metadata file already. */
  partitionsWithMetadata: ReadonlySet<string>;
  instant: string;
  dataSchema: Schema;
  fullSchema: Schema;
  compression: Compression;
  logFormat: LogBlockFormat;
  /** See WriteOptions.encodeOnWorker. */
  encodeOnWorker?: boolean;
  /** Markers written already (see plannedMarkers) and the log stage id they were named with. */
  premarked?: ReadonlySet<string>;
  logStage?: number;
  /** Requests to start with the first data file put (and to finish before this returns). */
  alongsidePuts?: () => Promise<void>;
  /**
   * The instant's requested and inflight files and planned markers, still being written while
   * the files are merged and encoded: nothing of the write is put before they are in place.
   */
  started?: Promise<void>;
}

export interface ExecutedWrites {
  stats: WriteStatInput[];
  partitionsWritten: Set<string>;
  /** File group key -> base instant of the slice its new log file was named after. */
  appended: Map<string, string>;
}

/** Where a planned file group goes: a log file of its slice, or a new base file version. */
interface Routed {
  plan: GroupPlan;
  writerPartition: number;
  /** Set when the group takes a log file: the base instant the log file is named after. */
  logBaseInstant?: string;
}

/**
 * Routes the planned groups as a write without re-inserted deletes does (see
 * reinsertsAfterDelete): merge-on-read updates and deletes of an existing slice go to its log,
 * everything else to a new base file version. Writer partitions number the groups in plan order.
 */
function routeGroups(mor: boolean, plan: WritePlan): Routed[] {
  return [...plan.groups.values()].map((g, writerPartition) => {
    if (!(mor && g.slice !== undefined && g.inserts.length === 0 && g.updates.length > 0)) return { plan: g, writerPartition };
    // A pending compaction newer than the slice starts the slice new logs belong to.
    const pendingAt = plan.compacting.get(fileGroupKey(g.partition, g.fileId));
    const logBaseInstant = pendingAt !== undefined && pendingAt > g.slice.baseInstantTime ? pendingAt : g.slice.baseInstantTime;
    return { plan: g, writerPartition, logBaseInstant };
  });
}

/**
 * The markers of the files a write is planned to put, with the log stage id its log file names
 * use: written before any data file (with the instant's inflight file), so none is ever put
 * without its marker. A group routed otherwise at execution, or a log version taken meanwhile,
 * gets its marker then, before its file; a marker whose file is never put names nothing to undo.
 */
export function plannedMarkers(mor: boolean, plan: WritePlan, instant: string, stage: number): string[] {
  return routeGroups(mor, plan).map(({ plan: g, writerPartition, logBaseInstant }) =>
    logBaseInstant !== undefined && g.slice
      ? markerKey(instant, logFilePath({ partition: g.partition, fileId: g.fileId, slice: g.slice, logBaseInstant, writerPartition, stage }), 'APPEND')
      : baseFileMarker(instant, baseFilePath(g.partition, g.fileId, writerPartition, instant), g),
  );
}

export async function executeFileGroupWrites(ctx: WriteContext, w: WriteExecution, attempt: WriteAttempt): Promise<ExecutedWrites> {
  const { store, config } = ctx;
  const { operation, incoming, timeline, view, instant, dataSchema } = w;
  const mor = config.type === 'MERGE_ON_READ';
  const appended = new Map<string, string>();
  const stats: WriteStatInput[] = [];
  const partitionsWritten = new Set<string>();
  const logWrites: { plan: GroupPlan & { slice: FileSlice }; logBaseInstant: string; writerPartition: number }[] = [];
  const baseWrites: { plan: GroupPlan; writerPartition: number }[] = [];
  const routed = routeGroups(mor, w.plan);
  // Independent per group: checked concurrently rather than one slice's logs after another's.
  const reinserts = await mapLimit(routed, LOG_APPEND_CONCURRENCY, (r) =>
    r.logBaseInstant !== undefined ? reinsertsAfterDelete(ctx, timeline, r.plan, incoming, operation, view.isVisible) : Promise.resolve(false),
  );
  for (const [n, { plan, writerPartition, logBaseInstant }] of routed.entries()) {
    if (plan.slice && logBaseInstant !== undefined && !reinserts[n]) {
      // Updates and deletes of existing records append to the file group's log.
      appended.set(fileGroupKey(plan.partition, plan.fileId), logBaseInstant);
      logWrites.push({ plan: { ...plan, slice: plan.slice }, logBaseInstant, writerPartition });
    } else {
      baseWrites.push({ plan, writerPartition });
    }
  }
  // The first file put starts `alongsidePuts` (the write's intent), in the same round trip.
  let alongside: Promise<void> | undefined;
  const onPut = () => {
    alongside ??= w.alongsidePuts ? w.alongsidePuts() : Promise.resolve();
    alongside.catch(() => undefined);
  };
  // A small write (every file group written at once) puts its files together, once all are
  // encoded (see put-gate.ts); a larger one puts each as it is ready.
  const budgetBytes = baseWriteBudget();
  const together =
    logWrites.length <= LOG_APPEND_CONCURRENCY &&
    baseWrites.length <= BASE_WRITE_CONCURRENCY &&
    baseWrites.reduce((n, b) => n + Math.min(sliceBytes(b.plan.slice), budgetBytes), 0) <= budgetBytes;
  const gate = putGate(together ? logWrites.length + baseWrites.length : 0);
  const started = w.started ?? Promise.resolve();
  const gated = async <T>(task: (beforePut: () => Promise<void>) => Promise<T>): Promise<T> => {
    const party = gate.party();
    try {
      return await task(async () => {
        await party.ready();
        await started;
        onPut();
      });
    } finally {
      party.done();
    }
  };
  // Log files are small and independent: several are written at once, which matters on an
  // object store where each costs two round trips.
  // Log appends and base file writes go to different file groups: they run together.
  const logStatsP = mapLimit(logWrites, LOG_APPEND_CONCURRENCY, ({ plan, logBaseInstant, writerPartition: wp }) => gated((beforePut) =>
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
      format: w.logFormat,
      compression: w.compression,
      writerPartition: wp,
      stage: w.logStage,
      premarked: w.premarked,
      started,
      onMarker: (m) => attempt.markers.push(m),
      onFile: (p) => attempt.written.push(p),
      beforePut,
    })),
  );
  // Rewriting a slice with logs into a base file drops what its damaged log blocks held.
  const corruption = {
    onCorruptLogBlocks: refuseCorruptLogBlocks(`Write ${instant}`, { remedy: 'compact the table with force (`lake compact --force`) first' }),
    committedLogExtent: committedLogExtents(timeline, view.isVisible),
  };
  // Base files are written a few at a time: each holds one merged file group in memory, and
  // the round trips of their reads and writes overlap; more than the encoders keep busy would
  // only hold more file groups in memory at once.
  const budget = byteBudget(budgetBytes);
  const baseStatsP = mapLimit(baseWrites, BASE_WRITE_CONCURRENCY, ({ plan, writerPartition: wp }) =>
    budget.run(sliceBytes(plan.slice), () => gated((beforePut) => writeFileGroup(ctx, {
      plan,
      instant,
      deletes: operation === 'delete',
      incoming,
      fullSchema: w.fullSchema,
      dataSchema,
      writerPartition: wp,
      compression: w.compression,
      isValidInstant: (t) => view.validInstants.has(t),
      corruption,
      // a sole base file is encoded in the calling thread, which has nothing else to do meanwhile,
      // unless the caller says it has
      encodeOnWorker: w.encodeOnWorker ?? baseWrites.length > 1,
      premarked: w.premarked,
      started,
      beforePut,
      onFile: (path, marker) => {
        attempt.written.push(path);
        if (!w.premarked?.has(marker)) attempt.markers.push(marker);
      },
    }))),
  );
  // All settle before any result is used: a failed attempt must know every file written (and
  // whether its intent may have landed).
  const settled = await Promise.all([logStatsP.then((r) => ({ r }), (e: unknown) => ({ e })), baseStatsP.then((r) => ({ r }), (e: unknown) => ({ e }))]);
  // A write that puts no file still records its intent, once the instant's files are in place.
  const start = await started.then(() => ({}), (e: unknown) => ({ e }));
  if ('e' in start) throw start.e;
  onPut();
  const intent = await alongside!.then(() => ({}), (e: unknown) => ({ e }));
  const [logStats, baseStats] = (() => {
    const [l, b] = settled;
    if ('e' in l) throw l.e;
    if ('e' in b) throw b.e;
    if ('e' in intent) throw intent.e;
    return [l.r, b.r] as const;
  })();
  logWrites.forEach(({ plan }, n) => {
    stats.push(logStats[n]);
    partitionsWritten.add(plan.partition);
  });
  baseWrites.forEach(({ plan }, n) => {
    const stat = baseStats[n];
    if (stat) {
      stats.push(stat);
      partitionsWritten.add(plan.partition);
    }
  });
  const unmarked = [...partitionsWritten].filter((p) => !w.partitionsWithMetadata.has(p));
  await mapLimit(unmarked, LOG_APPEND_CONCURRENCY, (partition) => ensurePartitionMetadata(store, partition, instant));
  return { stats, partitionsWritten, appended };
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

async function ensurePartitionMetadata(store: ObjectStore, partition: string, instant: string): Promise<void> {
  const key = partition === '' ? '.hoodie_partition_metadata' : `${partition}/.hoodie_partition_metadata`;
  if (await store.head(key)) return;
  const depth = partition === '' ? 0 : partition.split('/').length;
  const text = `#partition metadata\n#${new Date().toUTCString()}\ncommitTime=${instant}\npartitionDepth=${depth}\n`;
  await store.putIfAbsent(key, new TextEncoder().encode(text));
}
