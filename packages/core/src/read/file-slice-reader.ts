// Reads one file slice as Arrow batches: the base file alone (copy-on-write, read-optimized,
// or no logs), or the base file merged with the slice's log blocks by record key under the
// table's merge mode. Log-only slices merge their logs against an empty base.

import type { RecordBatch, Schema } from 'apache-arrow';
import { makeData, RecordBatch as ArrowRecordBatch, Struct, Table as ArrowTable, type Data } from 'apache-arrow';
import { NotFoundError, type ObjectStore } from '@lake/storage';
import { byteSourceFromStore, openParquet, type ByteSource, type ParquetFileMetadata, type ParquetFileReader } from '@lake/parquet';

import type { RecordMergeMode, TableConfig } from '../config/table-config.js';
import { MissingBaseFileError, UnsupportedFeatureError } from '../errors.js';
import type { BaseFile, FileSlice } from '../file-group/file-slice.js';
import { scanLogFiles, type LogScanResult } from '../log/log-scanner.js';
import { META } from '../schema/table-schema.js';
import { takeRows } from '../arrow/take.js';
import { valueAt } from '../arrow/value-at.js';
import { conformTable, projectSchema } from './conform.js';
import { fillPartitionColumns } from './partition-columns.js';
import { partitionValues } from '../table/partition.js';
import { collectLogRecords } from './log-records.js';
import { mergeBaseBatch, mergeState, unmatchedLogRows } from './base-merge.js';
import { classifyCorruptRegions, type CommittedLogExtent, type CorruptLogBlock } from './log-corruption.js';

export interface SliceReadPlan {
  store: ObjectStore;
  config: TableConfig;
  mergeMode: RecordMergeMode;
  /** Whether data blocks of an instant count (see FileSystemView.isVisible). */
  isValidInstant: (instant: string) => boolean;
  /** Upper bound of the read; command blocks after it are ignored. */
  asOf?: string;
  /** The table's full Arrow schema. */
  table: Schema;
  /** Columns to return (a projection of `table`). */
  output: Schema;
  readOptimized?: boolean;
  /**
   * Keep only rows whose `_hoodie_commit_time` is in (start, end], or, when `instants` is given
   * (ranges of completion times, timeline layout 2), one of those instants.
   */
  commitTimeRange?: { start: string; end: string; instants?: ReadonlySet<string> };
  /** Rows per output batch when rows are rebuilt. */
  batchSize?: number;
  /**
   * Row groups of a base file to read, chosen from its footer (an empty list skips the file;
   * undefined reads all). Consulted only for slices read without merging log files, where
   * base-file statistics describe the rows returned. `source` reads more of the file (its bloom
   * filters) before deciding.
   */
  selectRowGroups?: (file: BaseFile, footer: ParquetFileMetadata, source: ByteSource) => number[] | undefined | Promise<number[] | undefined>;
  /**
   * Called with the log blocks of a merged slice that cannot be parsed, before its rows are
   * returned; may throw to refuse the slice. Without it damaged blocks are skipped silently.
   */
  onCorruptLogBlocks?: (blocks: CorruptLogBlock[]) => void;
  /** Tells damaged blocks without a readable header apart (see log-corruption.ts). */
  committedLogExtent?: CommittedLogExtent;
}

/** Columns a slice read needs beyond the output: key, ordering and commit time. */
function workSchema(plan: SliceReadPlan, merging: boolean): Schema {
  const names = new Set(plan.output.fields.map((f) => f.name));
  if (merging) {
    if (plan.config.populateMetaFields) names.add(META.recordKey);
    else for (const k of plan.config.recordKeyFields) names.add(k);
    for (const o of plan.config.orderingFields) names.add(o);
  }
  if (plan.commitTimeRange && plan.config.populateMetaFields) names.add(META.commitTime);
  return projectSchema(plan.table, names);
}

/** A base file opened (its footer fetched and parsed), possibly ahead of its read. */
interface OpenedBase {
  source: ByteSource;
  reader: ParquetFileReader;
}

function missingBase(file: BaseFile, e: unknown): unknown {
  return e instanceof NotFoundError ? new MissingBaseFileError(file.path, { cause: e }) : e;
}

async function openBaseFile(plan: SliceReadPlan, file: BaseFile): Promise<OpenedBase> {
  if (file.extension !== 'parquet') {
    throw new UnsupportedFeatureError(`Base file ${file.path} is ${file.extension.toUpperCase()}; only Parquet base files are supported`);
  }
  try {
    const source = await byteSourceFromStore(plan.store, file.path, file.size);
    return { source, reader: await openParquet(source, { name: file.path }) };
  } catch (e) {
    throw missingBase(file, e);
  }
}

/** Streams a base file's batches, conformed to `schema` (one row group at a time). */
async function* readBaseFile(
  plan: SliceReadPlan,
  file: BaseFile,
  schema: Schema,
  select: SliceReadPlan['selectRowGroups'] | undefined,
  opened: Promise<OpenedBase> = openBaseFile(plan, file),
): AsyncGenerator<RecordBatch> {
  const { source, reader } = await opened;
  try {
    // Columns absent from this file (added later, or virtual meta fields) come back as nulls.
    const present = new Set(reader.metadata.fields);
    const columns = schema.fields.map((f) => f.name).filter((n) => present.has(n));
    const rowGroups = await select?.(file, reader.metadata, source);
    if (rowGroups?.length === 0) return;
    for await (const batch of reader.batches({ columns, batchSize: plan.batchSize ?? 8192, ...(rowGroups ? { rowGroups } : {}) })) {
      yield* conformTable(new ArrowTable([batch]), schema);
    }
  } catch (e) {
    throw missingBase(file, e);
  }
}

function structData(batch: RecordBatch): Data {
  return batch.data as unknown as Data;
}

/** The columns finalize reads: the output's, and the commit time when filtering by it. */
function finalSchema(plan: SliceReadPlan, work: Schema): Schema {
  const names = new Set(plan.output.fields.map((f) => f.name));
  if (plan.commitTimeRange) names.add(META.commitTime);
  return names.size === work.fields.length ? work : projectSchema(work, names);
}

/** Applies the commit-time filter and the final projection. */
function finalize(plan: SliceReadPlan, work: Schema, batches: RecordBatch[]): RecordBatch[] {
  const range = plan.commitTimeRange;
  const timeIdx = work.fields.findIndex((f) => f.name === META.commitTime);
  const keep = plan.output.fields.map((f) => work.fields.findIndex((w) => w.name === f.name));
  const out: RecordBatch[] = [];
  for (const batch of batches) {
    let b = batch;
    if (range && timeIdx !== -1) {
      const col = structData(b).children[timeIdx];
      const rows: number[] = [];
      for (let i = 0; i < b.numRows; i++) {
        const t = valueAt(col, i);
        if (typeof t === 'string' && (range.instants ? range.instants.has(t) : t > range.start && t <= range.end)) rows.push(i);
      }
      if (rows.length === 0) continue;
      if (rows.length < b.numRows) b = takeRows(b, rows);
    }
    const children = keep.map((i) => structData(b).children[i]);
    out.push(new ArrowRecordBatch(plan.output, makeData({ type: new Struct(plan.output.fields), length: b.numRows, nullCount: 0, children })));
  }
  return out;
}

/** Whether a read of `slice` merges log files. */
function merges(plan: SliceReadPlan, slice: FileSlice): boolean {
  return !plan.readOptimized && slice.logFiles.length > 0;
}

function startLogScan(plan: SliceReadPlan, slice: FileSlice): Promise<LogScanResult> {
  return scanLogFiles(plan.store, slice.logFiles, plan.isValidInstant, plan.asOf);
}

/**
 * Log files of the next slice are fetched while the current one is read when they add up to at
 * most this many bytes (and their sizes are known): the store's latency then overlaps the merge,
 * at the cost of holding one more slice's log bytes.
 */
const PREFETCH_LOG_BYTES = 64 * 1024 * 1024;

function prefetchable(plan: SliceReadPlan, slice: FileSlice): boolean {
  if (!merges(plan, slice)) return false;
  let bytes = 0;
  for (const f of slice.logFiles) {
    if (f.size === undefined) return false;
    bytes += f.size;
  }
  return bytes <= PREFETCH_LOG_BYTES;
}

/** What of a slice is fetched before its read starts. */
interface SliceAhead {
  logScan?: Promise<LogScanResult>;
  base?: Promise<OpenedBase>;
}

/**
 * Base files opened (their footers fetched) ahead of the slice being read: a footer is small,
 * and on an object store a table of many small files then costs a round trip per few files
 * instead of one per file.
 */
const BASE_FILES_AHEAD = 4;

function openAhead(plan: SliceReadPlan, slice: FileSlice): Promise<OpenedBase> | undefined {
  if (slice.baseFile?.extension !== 'parquet') return undefined;
  const opened = openBaseFile(plan, slice.baseFile);
  // if the reader stops early nobody awaits it; its error must not go unhandled
  opened.catch(() => undefined);
  return opened;
}

/**
 * Reads slices one after another. While one is read, the next one's log files are fetched and
 * the base files of the next few are opened, so an object store's latency overlaps the reading.
 */
export async function* readFileSlices(plan: SliceReadPlan, slices: readonly FileSlice[]): AsyncGenerator<RecordBatch> {
  const opened: (Promise<OpenedBase> | undefined)[] = [];
  let openedThrough = -1;
  let logScan: Promise<LogScanResult> | undefined;
  for (const [i, slice] of slices.entries()) {
    while (openedThrough < Math.min(i + BASE_FILES_AHEAD, slices.length - 1)) {
      openedThrough++;
      opened[openedThrough] = openAhead(plan, slices[openedThrough]);
    }
    const ahead: SliceAhead = { ...(logScan ? { logScan } : {}), ...(opened[i] ? { base: opened[i] } : {}) };
    opened[i] = undefined;
    logScan = undefined;
    const following = slices[i + 1];
    if (following && prefetchable(plan, following)) {
      logScan = startLogScan(plan, following);
      logScan.catch(() => undefined);
    }
    yield* readSlice(plan, slice, ahead);
  }
}

/**
 * Reads a file slice as a stream of batches with exactly `plan.output`'s schema; `logScan` is
 * its log files' scan when already started.
 */
export function readFileSlice(plan: SliceReadPlan, slice: FileSlice, logScan?: Promise<LogScanResult>): AsyncGenerator<RecordBatch> {
  return readSlice(plan, slice, logScan ? { logScan } : {});
}

async function* readSlice(plan: SliceReadPlan, slice: FileSlice, ahead: SliceAhead): AsyncGenerator<RecordBatch> {
  const merging = merges(plan, slice);
  const work = workSchema(plan, merging);
  const dropped = plan.config.dropPartitionColumns ? partitionValues(plan.config, slice.partitionPath) : new Map<string, string>();
  async function* base(): AsyncGenerator<RecordBatch> {
    if (!slice.baseFile) return;
    for await (const b of readBaseFile(plan, slice.baseFile, work, merging ? undefined : plan.selectRowGroups, ahead.base)) yield fillPartitionColumns(b, work, dropped);
  }

  const scan = merging ? await (ahead.logScan ?? startLogScan(plan, slice)) : undefined;
  if (scan && scan.corrupt.length > 0 && plan.onCorruptLogBlocks) {
    const owned = (t: string) => plan.isValidInstant(t) && !scan.rolledBack.has(t);
    plan.onCorruptLogBlocks(await classifyCorruptRegions(scan.corrupt, owned, plan.committedLogExtent));
  }
  if (!scan || scan.blocks.length === 0) {
    for await (const b of base()) yield* finalize(plan, work, [b]);
    return;
  }

  // Log records first (they decide which base rows change), then base rows streamed past them.
  const logs = await collectLogRecords(plan.config, plan.mergeMode, work, scan.blocks, (b) => fillPartitionColumns(b, work, dropped));
  const state = mergeState(logs);
  // merged batches carry only what finalize reads, not the key and ordering columns
  const merged = finalSchema(plan, work);
  for await (const batch of base()) {
    const rows = mergeBaseBatch(plan.config, plan.mergeMode, work, batch, logs, state, merged);
    if (rows) yield* finalize(plan, merged, [rows]);
  }
  const rest = unmatchedLogRows(logs, state);
  if (!rest) return;
  const size = plan.batchSize ?? 8192;
  for (let at = 0; at < rest.numRows; at += size) yield* finalize(plan, work, [rest.slice(at, Math.min(at + size, rest.numRows))]);
}
