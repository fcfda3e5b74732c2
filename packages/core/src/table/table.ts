// The public read API: open a Hudi table (copy-on-write or merge-on-read, table version 5, 6, 8 or 9)
// and read it as Arrow — the latest snapshot, as of an instant or a moment, read-optimized, or
// incrementally between two instants. Batches stream one file slice at a time.
// Over 350 lines on purpose: HudiTable is the public API surface; each method delegates to read/, write/ or services/.

import { Schema } from 'apache-arrow';
import { NotFoundError, openStore, type ObjectStore } from '@lake/storage';
import { byteSourceFromStore, openParquet } from '@lake/parquet';

import type { TableConfig } from '../config/table-config.js';
import { tableMergeMode, type AppliedMergeMode } from '../read/merge.js';
import { InvalidReadOptionError, InvalidWriteError } from '../errors.js';
import type { FileSlice } from '../file-group/file-slice.js';
import { readFileSlice, readFileSlices, type SliceReadPlan } from '../read/file-slice-reader.js';
import { fileGroupKey } from '../file-group/file-slice.js';
import { projectSchema } from '../read/conform.js';
import { assertReadableBaseFormat } from '../read/base-file-format.js';
import { committedLogExtents, type CorruptLogBlock } from '../read/log-corruption.js';
import { BatchStream } from './batch-stream.js';

export { BatchStream, collect } from './batch-stream.js';
import { resolveTableSchema, type TableSchema } from '../schema/table-schema.js';
import { writtenFileGroups } from '../timeline/commit-metadata.js';
import { loadTimeline, type AsOf, type Timeline } from '../timeline/timeline.js';
import { buildFileSystemView, checkLatestBaseFiles, latestFileSlices, type FileSystemView } from './fs-view.js';
import type { PartitionListing } from './partition.js';
import { tableListing, type TableListing } from '../metadata-table/listing-source.js';
import { readSettingsOf, type ReadSettings, type TableReadOptions } from '../metadata-table/read-settings.js';
import { HOODIE_PROPERTIES, loadTableConfig } from './load-config.js';
import { assertWritable } from './write-guard.js';
import { liftPending } from '../commit/after-ack.js';
import { settleAll } from '../util/settle-all.js';
import { deleteKeys, deleteWhere, holdWriteInstant, withPrimedTimeline, writeRows, type WriteInput, type WriterIds } from '../write/table-writes.js';
import type { WriteOptions, WriteResult } from '../write/write-client.js';
import { retryOnConflict, tableConflictRetries } from '../commit/conflict-retry.js';
import { latestClaim } from '../commit/claims.js';
import { intentTiming, retireAllIntents } from '../commit/intent-retention.js';
import { pruneCommitRecords } from '../commit/prune-records.js';
import {
  compact,
  runCompaction,
  runPendingCompactions,
  scheduleCompaction,
  type CompactionOptions,
  type CompactionRun,
  type CompactionStrategy,
} from '../services/compaction.js';
import type { CompactionPlan } from '../timeline/plans/compaction-plan.js';
import { rollbackFailedWrites, rollbackFailedWritesWithTimeline, rollbackWrite, type RollbackResult } from '../services/rollback.js';
import { checkNotCleaned, cleanTable, removeAbandonedWrites, type CleanPolicy, type CleanResult } from '../services/clean.js';
import { eraseValues, verifyErasure, type ErasureRecord, type ErasureReport, type ErasureRequest } from '../services/erasure.js';
import { clusterInline, inlineClusteringFor, type InlineClusteringOptions } from '../services/inline-clustering.js';
import { clusterSmallFiles, type ClusteringOptions, type ClusteringRun } from '../services/clustering.js';
import type { ClusteringGroupPlan } from '../services/clustering-plan.js';
import { archivedWritesBetween } from '../timeline/archived-timeline.js';
import { archiveAfterWrite, archiveSettings, archiveTimeline, autoArchiveEnabled, type ArchiveOptions, type ArchiveResult } from '../services/archive.js';

export type TableWriteOptions = WriteOptions & {
  ids?: WriterIds;
  /**
   * Merge-on-read tables: compact inline once this many delta commits completed since the last
   * compaction (Hudi's `hoodie.compact.inline.max.delta.commits`), in the same call. Copy-on-write
   * tables have no logs to compact and refuse the option (InvalidWriteError).
   */
  inlineCompaction?: { maxDeltaCommits: number } & Omit<CompactionOptions, 'strategy'>;
  /**
   * Clusters small base files inline once this many writes completed since the last clustering
   * (Hudi's `hoodie.clustering.inline.max.commits`), in the same call. Without it the table's
   * `hoodie.clustering.inline=true` turns it on.
   */
  inlineClustering?: InlineClusteringOptions;
  /**
   * Runs once the commit (and any inline compaction) completed, e.g. a catalog sync. The commit
   * stands whatever it does: an error it throws reaches the caller after the data is committed.
   */
  afterCommit?: (result: WriteResult, table: HudiTable) => Promise<void>;
  /**
   * Times to run the write again when it loses a conflict with a concurrent commit (Hudi's
   * `hoodie.write.num.retries.on.conflict.failures`; default: the table's setting, else 0).
   */
  conflictRetries?: number;
};

export { HOODIE_PROPERTIES };

export interface SnapshotReadOptions {
  /** Read the table as of this instant time (`yyyyMMddHHmmssSSS`) or moment; latest when omitted. */
  asOf?: AsOf;
  /** Columns to return, in table order; all when omitted. */
  columns?: string[];
  /** Include Hudi's `_hoodie_*` meta columns (default true, as Spark shows them). */
  withMeta?: boolean;
  /** Merge-on-read tables: read base files only, skipping log files (Hudi's read-optimized query). */
  readOptimized?: boolean;
  /** Most rows per batch (default 8192). */
  batchSize?: number;
}

export interface IncrementalReadOptions {
  /** Exclusive lower bound (instant time or moment); from the beginning when omitted. */
  start?: AsOf;
  /** Inclusive upper bound; the latest completed commit when omitted. */
  end?: AsOf;
  columns?: string[];
  withMeta?: boolean;
}

interface ReadContext {
  timeline: Timeline;
  asOf?: string;
  view: FileSystemView;
  schema: TableSchema;
}

export class HudiTable {
  /** Where the latest read got its file listing, and why not from the metadata table when it has one. */
  lastListing?: Omit<TableListing, 'listing'>;

  constructor(
    readonly store: ObjectStore,
    readonly config: TableConfig,
    readonly readSettings: ReadSettings = {},
  ) {}

  /**
   * The partitions and files a read as of `asOf` sees: from the metadata table's files partition
   * when it can serve them (see metadata-table/listing-source.ts), else from listing folders.
   * `store` counts the requests (the table's own store by default).
   */
  async partitionListing(timeline: Timeline, asOf: string | undefined, store: ObjectStore = this.store): Promise<PartitionListing[]> {
    const r = await tableListing(store, this.config, timeline, { asOf, useMetadataTable: this.readSettings.useMetadataTable });
    this.lastListing = { source: r.source, ...(r.warning && { warning: r.warning }) };
    if (r.warning) this.readSettings.onWarning?.(r.warning);
    return r.listing;
  }

  /** The table's root location. */
  get uri(): string {
    return this.store.uri;
  }

  /** Loads the active timeline afresh (so each call sees commits made since). */
  timeline(): Promise<Timeline> {
    return loadTimeline(this.store, this.config);
  }

  /** The table's merge mode, which reads, writes, compaction and clustering all apply (see read/merge.ts). */
  get mergeMode(): AppliedMergeMode {
    return tableMergeMode(this.config);
  }

  private async context(asOf: AsOf | undefined, timeline?: Timeline): Promise<ReadContext> {
    assertReadableBaseFormat(this.config);
    const tl = timeline ?? (await this.timeline());
    const bound = tl.resolveAsOf(asOf);
    if (bound !== undefined) await checkNotCleaned(tl, bound);
    const view = await buildFileSystemView(this.store, tl, { asOf: bound, listing: await this.partitionListing(tl, bound) });
    await checkLatestBaseFiles(view, tl);
    const schema = await resolveTableSchema(tl, this.config, view.validInstants, () => this.firstBaseFileSchema(view), bound);
    return { timeline: tl, asOf: bound, view, schema };
  }

  private async firstBaseFileSchema(view: FileSystemView): Promise<Schema | undefined> {
    for (const slice of latestFileSlices(view)) {
      if (!slice.baseFile || slice.baseFile.extension !== 'parquet') continue;
      try {
        const reader = await openParquet(await byteSourceFromStore(this.store, slice.baseFile.path, slice.baseFile.size), {
          name: slice.baseFile.path,
        });
        const schema = reader.arrowSchema();
        const avro = reader.metadata.keyValueMetadata['parquet.avro.schema'];
        return avro ? new Schema(schema.fields, new Map([['parquet.avro.schema', avro]])) : schema;
      } catch (e) {
        if (e instanceof NotFoundError) continue;
        throw e;
      }
    }
    return undefined;
  }

  /** The Arrow schema of the table (meta columns first), as of an instant. */
  async schema(options: { asOf?: AsOf } = {}): Promise<Schema> {
    return (await this.context(options.asOf)).schema.arrow;
  }

  /** The latest file slice of every file group, as of an instant. */
  async fileSlices(options: { asOf?: AsOf } = {}): Promise<FileSlice[]> {
    const tl = await this.timeline();
    const asOf = tl.resolveAsOf(options.asOf);
    return latestFileSlices(await buildFileSystemView(this.store, tl, { asOf, listing: await this.partitionListing(tl, asOf) }));
  }

  private outputSchema(table: Schema, columns: string[] | undefined, withMeta: boolean): Schema {
    let fields = table.fields;
    if (!withMeta) fields = fields.filter((f) => !f.name.startsWith('_hoodie_'));
    if (columns) {
      const known = new Set(table.fields.map((f) => f.name));
      const unknown = columns.filter((c) => !known.has(c));
      if (unknown.length > 0) {
        throw new InvalidReadOptionError(
          `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}; the table has ${table.fields.map((f) => f.name).join(', ')}`,
        );
      }
      const wanted = new Set(columns);
      fields = table.fields.filter((f) => wanted.has(f.name));
    }
    return projectSchema(new Schema(fields, table.metadata), new Set(fields.map((f) => f.name)));
  }

  private plan(ctx: ReadContext, output: Schema, corrupt: CorruptLogBlock[], extra: Partial<SliceReadPlan> = {}): SliceReadPlan {
    return {
      store: this.store,
      config: this.config,
      mergeMode: this.mergeMode,
      isValidInstant: ctx.view.isVisible,
      asOf: ctx.asOf,
      table: ctx.schema.arrow,
      output,
      onCorruptLogBlocks: (blocks) => corrupt.push(...blocks),
      committedLogExtent: committedLogExtents(ctx.timeline, ctx.view.isVisible),
      ...extra,
    };
  }

  /** Adds records, assuming their keys are new (no index lookup); one commit. */
  insert(records: WriteInput, options?: TableWriteOptions): Promise<WriteResult> {
    return this.write(() => writeRows(this, 'insert', records, options), options);
  }

  /** Inserts new records and replaces existing ones with the same key; one commit. */
  upsert(records: WriteInput, options?: TableWriteOptions): Promise<WriteResult> {
    return this.write(() => writeRows(this, 'upsert', records, options), options);
  }

  /**
   * Deletes records: by record key strings (searched in every partition through the key
   * index), or by records carrying the key and partition fields; one commit.
   */
  delete(keys: readonly string[] | WriteInput, options?: TableWriteOptions): Promise<WriteResult> {
    if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) return this.write(() => deleteKeys(this, keys as string[], options), options);
    return this.write(() => writeRows(this, 'delete', keys as WriteInput, options), options);
  }

  /** Deletes every record of the latest snapshot the predicate accepts; one commit. */
  deleteWhere(predicate: (row: Record<string, unknown>) => boolean, options?: TableWriteOptions): Promise<WriteResult> {
    return this.write(() => deleteWhere(this, this.read({ withMeta: true }), predicate, options), options);
  }

  /**
   * Every write: first rolls back writes whose writer died (expired heartbeat), as Hudi's lazy
   * rollback does; then writes; then compacts and clusters inline when asked to.
   */
  private async write(run: () => Promise<WriteResult>, options: TableWriteOptions | undefined): Promise<WriteResult> {
    assertWritable(this.config, 'write');
    checkInlineServices(this.config, options);
    // Settings Hudi would reject fail before anything is written, not after the commit.
    const clustering = inlineClusteringFor(this.config, options?.inlineClustering);
    if (autoArchiveEnabled(this)) archiveSettings(this);
    let primed: Timeline | undefined;
    const result = await retryOnConflict(options?.conflictRetries ?? tableConflictRetries(this.config), async () => {
      // Leftovers of dead writers are invisible to readers; cleaning them up must not fail a write.
      // The newest commit claim, which the write starts from, is read in the same round trip.
      // So is the write's instant time: claimed, its heartbeat started, checked against the
      // timeline once listed (the write holds another if a newer instant is there).
      // A store failing to hold the instant fails the write, as any write request would.
      const listedAt = intentTiming.now();
      const [recovered, claimStart, held] = await settleAll([
        rollbackFailedWritesWithTimeline(this).catch(() => undefined),
        latestClaim(this.store).catch(() => undefined),
        holdWriteInstant(this, options?.ids),
        // what this table's previous commit no longer needs, if not removed yet
        liftPending(this),
      ]);
      primed = recovered?.timeline;
      // The timeline it loaded serves the write's first look at the timeline, unless it rolled
      // writes back: that may take long, and the write's window for reading intents starts at
      // `listedAt` (see WriteContext.startListedAt), so the write lists afresh then.
      const start = recovered && recovered.rolledBack.length === 0 ? { timeline: recovered.timeline, listedAt } : {};
      return withPrimedTimeline(this, { ...start, claimStart, held }, run);
    });
    const inline = options?.inlineCompaction;
    if (inline) {
      const { maxDeltaCommits, ...rest } = inline;
      await compact(this, { ...rest, strategy: { kind: 'num-commits', minDeltaCommits: maxDeltaCommits } });
    }
    const clustered = clustering ? await clusterInline(this, clustering, primed) : undefined;
    // Hudi's auto-archive; free (no listing) until the timeline outgrows hoodie.keep.max.commits.
    // The write is committed by now: a failed archival must not report it as failed (a caller
    // retrying would write it twice); the next write or `lake compact` archives instead.
    await archiveAfterWrite(this, inline || clustered ? undefined : primed, 1).catch(() => undefined);
    if (options?.afterCommit) await options.afterCommit(result, this);
    return result;
  }

  /**
   * GDPR erasure: removes every row whose `column` holds one of `values` from the latest
   * snapshot (one commit), compacts merge-on-read file groups holding a value, purges every other
   * data file still holding one (as a `clean` instant) and the quarantined records holding one,
   * and writes a proof record with salted hashes of the values and a verification over the whole
   * table folder. Running the same request id again finishes an interrupted erasure.
   */
  async erase(request: ErasureRequest): Promise<ErasureReport> {
    if (!request.dryRun) assertWritable(this.config, 'erase');
    return eraseValues(this, { ...request, useMetadataTable: request.useMetadataTable ?? this.readSettings.useMetadataTable });
  }

  /** Re-runs the verification of an erasure request and returns its updated proof record. */
  verifyErasure(requestId: string): Promise<ErasureRecord> {
    return verifyErasure(this, requestId);
  }

  /**
   * Deletes file versions no retained instant needs (Hudi's cleaner; default: keep what the last
   * 10 writes need), as a `clean` instant. Undefined when nothing is old enough.
   */
  async clean(options: { policy?: CleanPolicy; dryRun?: boolean; readerGraceMs?: number } = {}): Promise<CleanResult | undefined> {
    if (!options.dryRun) assertWritable(this.config, 'clean');
    return cleanTable(this, options);
  }

  /**
   * Deletes leftovers of writes killed mid-object that no reader sees (local disk: `.lake-tmp-*`
   * files) once older than `olderThanMs` (default one hour). Returns how many were removed.
   */
  removeAbandonedWrites(options: { olderThanMs?: number } = {}): Promise<number> {
    return removeAbandonedWrites(this, options);
  }

  /**
   * Rolls back a write: the given instant (pending, or the latest completed write), or without one
   * every write whose writer died (its heartbeat expired). Writes a Hudi `rollback` instant each.
   */
  async rollback(instant?: string, options: { force?: boolean; heartbeatExpiryMs?: number } = {}): Promise<RollbackResult[]> {
    assertWritable(this.config, 'roll back');
    if (instant !== undefined) return [await rollbackWrite(this, instant, options)];
    return rollbackFailedWrites(this, options);
  }

  /**
   * Archives the timeline as Hudi does: once more than `hoodie.keep.max.commits` (30) completed
   * writes are active, the oldest move to `.hoodie/archived/` until `hoodie.keep.min.commits` (20)
   * remain, never past a pending instant, a savepoint or what the latest clean retains.
   */
  archive(options: ArchiveOptions = {}): Promise<ArchiveResult> {
    return archiveTimeline(this, options);
  }

  /**
   * Finishes this process's commit housekeeping on the table, for a writer about to exit: the
   * records of its last commits that concurrent writers may still read (their intents, kept 5 s
   * after each publish) are removed once that time has passed, so it waits at most 5 s after the
   * last commit, and commit claims no live writer needs are pruned. Without it, other writers
   * remove them later. The table stays usable; nothing committed depends on it.
   */
  async close(): Promise<void> {
    await liftPending(this);
    await retireAllIntents(this.store);
    await pruneCommitRecords({ store: this.store, config: this.config }).catch(() => undefined);
  }

  /**
   * Merge-on-read tables: finishes pending compactions, then schedules one by the strategy
   * (default: every file slice with logs) and runs it. Each run completes as a `commit`.
   */
  async compact(options: CompactionOptions = {}): Promise<CompactionRun[]> {
    assertWritable(this.config, 'compact');
    return compact(this, options);
  }

  /** Writes a compaction plan (`compaction.requested`) without running it; undefined when nothing qualifies. */
  async scheduleCompaction(options: { strategy?: CompactionStrategy; dryRun?: boolean } = {}): Promise<{ instant: string; plan: CompactionPlan } | undefined> {
    if (!options.dryRun) assertWritable(this.config, 'schedule a compaction');
    return scheduleCompaction(this, options);
  }

  /**
   * Stitches each partition's small base files (merge-on-read: those without logs) into
   * target-size ones, as one `replacecommit` (Hudi clustering). Undefined when no partition has two small files.
   */
  async clusterSmallFiles(options: ClusteringOptions & { dryRun?: boolean } = {}): Promise<(ClusteringRun & { groups: ClusteringGroupPlan[] }) | undefined> {
    if (!options.dryRun) assertWritable(this.config, 'cluster');
    return clusterSmallFiles(this, options);
  }

  /** Runs one scheduled compaction, or all pending ones (oldest first) when no instant is given. */
  async runCompaction(instant?: string, options: CompactionOptions = {}): Promise<CompactionRun[]> {
    assertWritable(this.config, 'compact');
    return instant === undefined ? runPendingCompactions(this, options) : [await runCompaction(this, instant, options)];
  }

  /**
   * Replaces the partitions the records fall in (dynamic partition overwrite), or with
   * `{ table: true }` the whole table, as a `replacecommit`. Like every write it first rolls back
   * dead writers' leftovers and honours `inlineCompaction`.
   */
  insertOverwrite(records: WriteInput, options: TableWriteOptions & { table?: boolean } = {}): Promise<WriteResult> {
    return this.write(() => writeRows(this, options.table ? 'insert_overwrite_table' : 'insert_overwrite', records, options), options);
  }

  /** Reads a snapshot of the table, one file slice at a time. */
  read(options: SnapshotReadOptions = {}): BatchStream {
    const ctx = this.context(options.asOf);
    const output = ctx.then((c) => this.outputSchema(c.schema.arrow, options.columns, options.withMeta ?? true));
    const self = this;
    const corrupt: CorruptLogBlock[] = [];
    return new BatchStream(
      output,
      async function* () {
        corrupt.length = 0; // each pass over the stream reports afresh
        const c = await ctx;
        if (options.batchSize !== undefined && (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1)) {
          throw new InvalidReadOptionError(`batchSize must be a positive integer, got ${String(options.batchSize)}`);
        }
        const plan = self.plan(c, await output, corrupt, { readOptimized: options.readOptimized === true, batchSize: options.batchSize });
        yield* readFileSlices(plan, latestFileSlices(c.view));
      },
      corrupt,
    );
  }

  /**
   * Rows written by completed commits in (start, end]: the latest version of each such key as
   * of `end`, read from the file groups those commits touched, as Hudi's incremental query does.
   * Tables without meta fields carry no per-row commit time, so every row of the touched file
   * slices is returned.
   */
  readIncremental(options: IncrementalReadOptions = {}): BatchStream {
    const prepared = (async () => {
      const tl = await this.timeline();
      const endBound = tl.resolveAsOf(options.end) ?? tl.latestCompletedWrite()?.time;
      const startBound = tl.resolveAsOf(options.start) ?? '';
      const ctx = await this.context(endBound, tl);
      const touched = new Set<string>();
      // Rows are kept by the commit that wrote them; from timeline layout 2 the range is one of
      // completion times, so its commits are named one by one rather than by instant-time range.
      const instants = new Set<string>();
      for (const i of endBound === undefined ? [] : tl.completedWritesBetween(startBound, endBound)) {
        if (!ctx.view.validInstants.has(i.time)) continue;
        instants.add(i.time);
        for (const g of writtenFileGroups(await tl.commitMetadata(i))) touched.add(fileGroupKey(g.partitionPath, g.fileId));
      }
      // A start before the active timeline: the archived commits' metadata names their file groups.
      if (endBound !== undefined) {
        for (const a of await archivedWritesBetween(this.store, tl, startBound, endBound)) {
          instants.add(a.instant.time);
          for (const g of writtenFileGroups(a.metadata)) touched.add(fileGroupKey(g.partitionPath, g.fileId));
        }
      }
      return { ctx, touched, instants, startBound, endBound };
    })();
    const output = prepared.then(({ ctx }) => this.outputSchema(ctx.schema.arrow, options.columns, options.withMeta ?? true));
    const self = this;
    const corrupt: CorruptLogBlock[] = [];
    return new BatchStream(
      output,
      async function* () {
        corrupt.length = 0;
        const { ctx, touched, instants, startBound, endBound } = await prepared;
        if (endBound === undefined) return;
        const range = { start: startBound, end: endBound, ...(ctx.timeline.byCompletionTime ? { instants } : {}) };
        const plan = self.plan(ctx, await output, corrupt, { commitTimeRange: range });
        for (const slice of latestFileSlices(ctx.view)) {
          if (!touched.has(fileGroupKey(slice.partitionPath, slice.fileId))) continue;
          yield* readFileSlice(plan, slice);
        }
      },
      corrupt,
    );
  }
}

/** Refuses inline table-service options that cannot apply, before anything is written. */
function checkInlineServices(config: TableConfig, options: TableWriteOptions | undefined): void {
  const inline = options?.inlineCompaction;
  if (!inline) return;
  if (config.type !== 'MERGE_ON_READ') {
    throw new InvalidWriteError(
      'inlineCompaction applies to merge-on-read tables only, and this table is copy-on-write (it has no logs to compact); ' +
        'drop the option, or use clusterSmallFiles() to merge small files.',
    );
  }
  if (!Number.isSafeInteger(inline.maxDeltaCommits) || inline.maxDeltaCommits < 1) {
    throw new InvalidWriteError(`inlineCompaction.maxDeltaCommits must be a positive integer, got ${String(inline.maxDeltaCommits)}.`);
  }
}

/**
 * Opens a Hudi table from a store or a URI (`file:///path`, a plain path, `s3://bucket/prefix`,
 * `memory://name`). Throws TableNotFoundError without `.hoodie/hoodie.properties`,
 * CorruptTableConfigError when its checksum is wrong and no valid backup exists, and
 * UnsupportedTableVersionError for table versions other than 5, 6, 8 and 9. Reads list files through
 * the table's metadata table when it has a usable `files` partition (see TableReadOptions).
 */
export async function openTable(source: string | ObjectStore, options: { store?: Parameters<typeof openStore>[1] } & TableReadOptions = {}): Promise<HudiTable> {
  const settings = readSettingsOf(options);
  const store = typeof source === 'string' ? await openStore(source, options.store) : source;
  return new HudiTable(store, await loadTableConfig(store), settings);
}
