// The scan builder: `scan(table).select(...).where(...).asOf(t)` streams the matching rows of a
// snapshot (or of an incremental range) as Arrow batches, pruning partitions, files and row
// groups before reading, then filtering rows on Arrow vectors. Merging of log files stays in
// core's readFileSlices; slices with log files are pruned by partition only.
// Over 350 lines on purpose: the builder's options all feed one pruning pass; the pruning rules themselves live in prune.ts and bloom-prune.ts.

import { Schema, Table, type RecordBatch } from 'apache-arrow';
import {
  archivedWritesBetween,
  buildFileSystemView,
  committedLogExtents,
  DEFAULT_PARTITION_PATH,
  DEPRECATED_DEFAULT_PARTITION_PATH,
  fileGroupKey,
  latestFileSlices,
  META,
  partitionValues,
  projectSchema,
  readFileSlices,
  readFooterBloomFilter,
  readColumnStats,
  readFooterKeyRange,
  writtenFileGroups,
  type AsOf,
  type BaseFile,
  type CorruptLogBlock,
  type FileSlice,
  type HudiTable,
  type SliceReadPlan,
} from '@lake/core/format';
import type { ByteSource, ParquetFileMetadata } from '@lake/parquet';

import { aggregate, type AggSpec } from './aggregate.js';
import { bindExpr, type Bound } from './bind.js';
import { countingStore } from './counting-store.js';
import { ExpressionTypeError, InvalidQueryError, UnknownColumnError } from './errors.js';
import { evaluate, selectedRows } from './evaluate.js';
import { and, exprColumns, type Expr } from './expr.js';
import { parseExpr } from './parse.js';
import { mayMatch, partitionValueToDomain, pinnedKeys, rowGroupRanges, type RangeLookup } from './prune.js';
import { bloomSelectRowGroups } from './bloom-prune.js';
import { columnStatsRanges } from './column-stats-prune.js';
import { recordIndexFileGroups } from './record-index-prune.js';
import { projectBatch, takeBatch } from './take.js';
import { columnKind, type ColumnKind } from './values.js';

/** What a scan read and what each pruning layer skipped. Final once iteration ends. */
export interface ScanStats {
  partitions: { total: number; pruned: number };
  files: {
    total: number;
    pruned: number;
    /** Skipped because their partition cannot match. */
    prunedByPartition: number;
    /** Skipped by the min/max/null-count statistics in their footer. */
    prunedByStats: number;
    /** Skipped by the metadata table's column_stats partition, without reading their footer. */
    prunedByColumnStats: number;
    /** Skipped because the metadata table's record_index puts none of the filter's record keys in them, without reading their footer. */
    prunedByRecordIndex: number;
    /** Skipped by the record-key range or bloom filter in their footer. */
    prunedByKey: number;
    /** Skipped because the Parquet bloom filters of columns compared by = or IN rule out every row group. */
    prunedByBloomFilter: number;
    /** File slices with log files (merged, so pruned by partition only). */
    withLogs: number;
  };
  rowGroups: {
    total: number;
    pruned: number;
    /** Of the pruned, those ruled out by Parquet bloom filters (= and IN on filtered columns). */
    prunedByBloomFilter: number;
  };
  rows: { scanned: number; matched: number };
  /** Bytes fetched from the store for data: footers, column chunks, log files (not the timeline). */
  bytesRead: number;
  /** Requests for data and partition listings (GET, HEAD, LIST). */
  requests: number;
  /** Where the file listing came from: the table's metadata table, or a walk of its folders. */
  listing: 'metadata-table' | 'storage';
  /** Base files the metadata table's column_stats partition had statistics for (0 when it was not used). */
  filesWithColumnStats: number;
  /**
   * Log blocks of merged slices that could not be parsed; `committed` ones may hide records of
   * completed writes (see `BatchStream.corruptLogBlocks` in @lake/core).
   */
  corruptLogBlocks: CorruptLogBlock[];
}

export function emptyScanStats(): ScanStats {
  return {
    partitions: { total: 0, pruned: 0 },
    files: { total: 0, pruned: 0, prunedByPartition: 0, prunedByStats: 0, prunedByColumnStats: 0, prunedByRecordIndex: 0, prunedByKey: 0, prunedByBloomFilter: 0, withLogs: 0 },
    rowGroups: { total: 0, pruned: 0, prunedByBloomFilter: 0 },
    rows: { scanned: 0, matched: 0 },
    bytesRead: 0,
    requests: 0,
    listing: 'storage',
    filesWithColumnStats: 0,
    corruptLogBlocks: [],
  };
}

interface ScanState {
  columns?: string[];
  filter?: Expr;
  asOf?: AsOf;
  incremental?: { start?: AsOf; end?: AsOf };
  withMeta?: boolean;
  readOptimized?: boolean;
  batchSize?: number;
}

function keyGenPrunable(table: HudiTable): boolean {
  const kg = `${table.config.keyGeneratorType ?? ''} ${table.config.keyGeneratorClass ?? ''}`;
  return !/timestamp|custom/i.test(kg);
}

/** Columns whose value equals the record key, so key equality can use bloom filters. */
function recordKeyColumns(table: HudiTable): Set<string> {
  const out = new Set<string>();
  if (table.config.populateMetaFields) out.add(META.recordKey);
  const kg = `${table.config.keyGeneratorType ?? ''} ${table.config.keyGeneratorClass ?? ''}`;
  if (table.config.recordKeyFields.length === 1 && /simple|non_?partition/i.test(kg) && !/complex/i.test(kg)) out.add(table.config.recordKeyFields[0]);
  return out;
}

export class Scan implements AsyncIterable<RecordBatch> {
  private last: ScanStats = emptyScanStats();

  constructor(
    readonly table: HudiTable,
    private readonly state: ScanState = {},
  ) {}

  private with(patch: Partial<ScanState>): Scan {
    return new Scan(this.table, { ...this.state, ...patch });
  }

  /** Columns to return, in this order (default: every data column, no `_hoodie_*` meta columns). */
  select(...columns: (string | readonly string[])[]): Scan {
    return this.with({ columns: columns.flat() });
  }

  /** Keeps rows the filter accepts: an expression, or text such as `country = 'US' and cost > 0.5`. Calls combine with and. */
  where(filter: Expr | string): Scan {
    if (typeof filter !== 'string' && (typeof filter !== 'object' || filter === null)) {
      throw new ExpressionTypeError(`where() takes filter text or an expression, got ${String(filter)}.`);
    }
    const expr = typeof filter === 'string' ? parseExpr(filter) : filter;
    return this.with({ filter: this.state.filter ? and(this.state.filter, expr) : expr });
  }

  /** Time travel: the snapshot as of an instant (`yyyyMMddHHmmssSSS`) or a moment. */
  asOf(instant: AsOf): Scan {
    return this.with({ asOf: instant });
  }

  /** Rows written by commits in (start, end]; the latest version of each such record as of end. */
  incremental(start?: AsOf, end?: AsOf): Scan {
    return this.with({ incremental: { start, end } });
  }

  /** Include the `_hoodie_*` meta columns when no columns are selected. */
  withMeta(on = true): Scan {
    return this.with({ withMeta: on });
  }

  /** Merge-on-read tables: base files only (Hudi's read-optimized query). */
  readOptimized(on = true): Scan {
    return this.with({ readOptimized: on });
  }

  /** Most rows per batch read from a file (default 8192). */
  batchSize(rows: number): Scan {
    if (!Number.isSafeInteger(rows) || rows < 1) throw new InvalidQueryError(`batchSize must be a positive integer, got ${String(rows)}`);
    return this.with({ batchSize: rows });
  }

  /** Groups the matching rows: `.groupBy('campaign_id', 'dt').agg({ n: count() })`. */
  groupBy(...columns: (string | readonly string[])[]): GroupedScan {
    return new GroupedScan(this, columns.flat());
  }

  /** Aggregates over all matching rows (one result row). */
  agg(aggs: Readonly<Record<string, AggSpec>>): Promise<Table> {
    return new GroupedScan(this, []).agg(aggs);
  }

  /** Statistics of the latest (or current) iteration of this scan. */
  stats(): ScanStats {
    return this.last;
  }

  /** The schema of the returned batches. */
  async schema(): Promise<Schema> {
    const tl = await this.table.timeline();
    const bound = this.bound(tl);
    const tableSchema = await this.table.schema(bound === undefined ? {} : { asOf: bound });
    return this.outputSchema(tableSchema);
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    return this.run();
  }

  /** Every matching row in one Arrow table. */
  async toArrow(): Promise<Table> {
    const batches: RecordBatch[] = [];
    for await (const b of this) batches.push(b);
    return batches.length > 0 ? new Table(batches) : new Table(await this.schema());
  }

  private bound(tl: Awaited<ReturnType<HudiTable['timeline']>>): string | undefined {
    const inc = this.state.incremental;
    if (inc) return tl.resolveAsOf(inc.end) ?? tl.latestCompletedWrite()?.time;
    return tl.resolveAsOf(this.state.asOf);
  }

  private outputSchema(tableSchema: Schema): Schema {
    const names = tableSchema.fields.map((f) => f.name);
    if (this.state.columns) {
      for (const c of this.state.columns) if (!names.includes(c)) throw new UnknownColumnError(c, names);
      const byName = new Map(tableSchema.fields.map((f) => [f.name, f]));
      return new Schema([...new Set(this.state.columns)].map((c) => byName.get(c)!), tableSchema.metadata);
    }
    const keep = this.state.withMeta ? tableSchema.fields : tableSchema.fields.filter((f) => !f.name.startsWith('_hoodie_'));
    return new Schema(keep, tableSchema.metadata);
  }

  private async *run(): AsyncGenerator<RecordBatch> {
    const stats = emptyScanStats();
    this.last = stats;
    const store = countingStore(this.table.store, stats);
    const tl = await this.table.timeline();
    const bound = this.bound(tl);
    const tableSchema = await this.table.schema(bound === undefined ? {} : { asOf: bound });
    const output = this.outputSchema(tableSchema);
    const filter = this.state.filter ? bindExpr(this.state.filter, tableSchema) : undefined;
    const readNames = new Set([...output.fields.map((f) => f.name), ...(this.state.filter ? exprColumns(this.state.filter) : [])]);
    const readSchema = projectSchema(tableSchema, readNames);
    const kinds = new Map<string, ColumnKind>(tableSchema.fields.map((f) => [f.name, columnKind(f.type)]));

    const inc = this.state.incremental;
    if (inc && bound === undefined) return;
    const view = await buildFileSystemView(store, tl, { asOf: bound, listing: await this.table.partitionListing(tl, bound, store) });
    stats.listing = this.table.lastListing?.source ?? 'storage';
    let slices = latestFileSlices(view);
    const viewGroups = new Set(slices.map((s) => fileGroupKey(s.partitionPath, s.fileId)));
    let commitTimeRange: SliceReadPlan['commitTimeRange'];
    if (inc && bound !== undefined) {
      const start = tl.resolveAsOf(inc.start) ?? '';
      const touched = new Set<string>();
      const instants = new Set<string>();
      for (const i of tl.completedWritesBetween(start, bound)) {
        if (!view.validInstants.has(i.time)) continue;
        instants.add(i.time);
        for (const g of writtenFileGroups(await tl.commitMetadata(i))) touched.add(fileGroupKey(g.partitionPath, g.fileId));
      }
      // A start before the active timeline: archived commits name the file groups they wrote.
      for (const a of await archivedWritesBetween(store, tl, start, bound)) {
        instants.add(a.instant.time);
        for (const g of writtenFileGroups(a.metadata)) touched.add(fileGroupKey(g.partitionPath, g.fileId));
      }
      slices = slices.filter((s) => touched.has(fileGroupKey(s.partitionPath, s.fileId)));
      // Timeline layout 2 ranges are of completion times: keep rows of exactly those commits.
      commitTimeRange = { start, end: bound, ...(tl.byCompletionTime ? { instants } : {}) };
    }

    // Layer 1: partitions.
    const partitionOk = new Map<string, boolean>();
    const prunable = filter !== undefined && keyGenPrunable(this.table) && this.table.config.partitionFields.length > 0;
    for (const p of view.partitions) {
      let ok = true;
      if (prunable && filter) {
        const values = partitionValues(this.table.config, p);
        const lookup: RangeLookup = (column) => {
          const text = values.get(column);
          const kind = kinds.get(column);
          if (text === undefined || !kind || text === DEFAULT_PARTITION_PATH || text === DEPRECATED_DEFAULT_PARTITION_PATH) return undefined;
          const v = partitionValueToDomain(text, kind);
          return v === undefined ? undefined : { min: v, max: v, nullCount: 0, rows: 1 };
        };
        ok = mayMatch(filter, lookup);
      }
      partitionOk.set(p, ok);
      stats.partitions.total++;
      if (!ok) stats.partitions.pruned++;
    }

    // Layers 2 and 3: files and row groups, from the footer of base files read without merging.
    const keys = filter ? pinnedKeys(filter, recordKeyColumns(this.table)) : undefined;
    const selectRowGroups = async (file: BaseFile, meta: ParquetFileMetadata, source: ByteSource): Promise<number[] | undefined> => {
      const chosen = chooseRowGroups(meta, filter, keys, kinds, stats);
      if (!filter || chosen?.length === 0) return chosen;
      const candidates = chosen ?? meta.rowGroups.map((g) => g.index);
      const kept = await bloomSelectRowGroups(filter, meta, source, candidates, file.path);
      if (kept.length === candidates.length) return chosen;
      stats.rowGroups.pruned += candidates.length - kept.length;
      stats.rowGroups.prunedByBloomFilter += candidates.length - kept.length;
      if (kept.length === 0) {
        stats.files.pruned++;
        stats.files.prunedByBloomFilter++;
      }
      return kept;
    };

    const plan: SliceReadPlan = {
      store,
      config: this.table.config,
      mergeMode: this.table.mergeMode,
      isValidInstant: view.isVisible,
      onCorruptLogBlocks: (blocks) => stats.corruptLogBlocks.push(...blocks),
      committedLogExtent: committedLogExtents(tl, view.isVisible),
      asOf: bound,
      table: tableSchema,
      output: readSchema,
      readOptimized: this.state.readOptimized === true,
      selectRowGroups,
      ...(commitTimeRange ? { commitTimeRange } : {}),
      ...(this.state.batchSize ? { batchSize: this.state.batchSize } : {}),
    };

    // Layer 2 before any footer: the metadata table's record index for pinned keys, and its
    // column statistics, where it has them.
    const settings = this.table.readSettings;
    const keyGroups = keys
      ? await recordIndexFileGroups({ store, table: this.table, timeline: tl, asOf: bound, keys, viewGroups, isValidInstant: view.isVisible, useMetadataTable: settings.useMetadataTable })
      : undefined;
    const columnStats =
      filter && this.state.filter
        ? await readColumnStats(store, this.table.config, tl, { asOf: bound, useMetadataTable: settings.useMetadataTable, columns: [...exprColumns(this.state.filter)] })
        : undefined;

    const read: FileSlice[] = [];
    for (const slice of slices) {
      stats.files.total++;
      if (partitionOk.get(slice.partitionPath) === false) {
        stats.files.pruned++;
        stats.files.prunedByPartition++;
        continue;
      }
      if (keyGroups && !keyGroups.has(fileGroupKey(slice.partitionPath, slice.fileId))) {
        stats.files.pruned++;
        stats.files.prunedByRecordIndex++;
        continue;
      }
      // Only a base file read alone is what its statistics describe (log files would be merged in).
      if (columnStats && filter && slice.baseFile && (slice.logFiles.length === 0 || plan.readOptimized)) {
        const fileStats = columnStats.fileStats(slice.partitionPath, slice.baseFile.fileName);
        if (fileStats) stats.filesWithColumnStats++;
        if (fileStats && !mayMatch(filter, columnStatsRanges(fileStats, kinds))) {
          stats.files.pruned++;
          stats.files.prunedByColumnStats++;
          continue;
        }
      }
      if (slice.logFiles.length > 0 && !plan.readOptimized) stats.files.withLogs++;
      read.push(slice);
    }
    // Layer 4: rows, after any merge; each slice's files are fetched while the one before is read.
    for await (const batch of readFileSlices(plan, read)) {
      stats.rows.scanned += batch.numRows;
      let out = batch;
      let rows: Int32Array | undefined;
      if (filter) {
        rows = selectedRows(evaluate(filter, batch));
        if (rows.length === 0) continue;
      }
      out = projectBatch(out, output);
      if (rows && rows.length < batch.numRows) out = takeBatch(out, rows);
      stats.rows.matched += out.numRows;
      yield out;
    }
  }
}

function chooseRowGroups(
  meta: ParquetFileMetadata,
  filter: Bound | undefined,
  keys: string[] | undefined,
  kinds: Map<string, ColumnKind>,
  stats: ScanStats,
): number[] | undefined {
  const groups = meta.rowGroups.map((g) => g.index);
  stats.rowGroups.total += groups.length;
  const skipFile = (by: 'prunedByStats' | 'prunedByKey'): number[] => {
    stats.files.pruned++;
    stats.files[by]++;
    stats.rowGroups.pruned += groups.length;
    return [];
  };
  if (keys) {
    const range = readFooterKeyRange(meta.keyValueMetadata);
    // Hudi orders footer keys as Java strings (UTF-16 code units), as JavaScript does
    if (range && keys.every((k) => k < range.min || k > range.max)) return skipFile('prunedByKey');
    const bloom = readFooterBloomFilter(meta.keyValueMetadata);
    if (bloom && !keys.some((k) => bloom.mightContain(k))) return skipFile('prunedByKey');
  }
  if (!filter) return undefined;
  if (!mayMatch(filter, rowGroupRanges(meta, groups, kinds))) return skipFile('prunedByStats');
  const keep = groups.filter((g) => mayMatch(filter, rowGroupRanges(meta, [g], kinds)));
  if (keep.length === 0) {
    stats.rowGroups.total -= groups.length;
    return skipFile('prunedByStats');
  }
  stats.rowGroups.pruned += groups.length - keep.length;
  return keep.length === groups.length ? undefined : keep;
}

/** A scan with group columns, waiting for its aggregates. */
export class GroupedScan {
  private inner?: Scan;
  constructor(
    private readonly source: Scan,
    readonly columns: readonly string[],
  ) {}

  /** Streams the scan once, reading only the group and aggregated columns. */
  async agg(aggs: Readonly<Record<string, AggSpec>>): Promise<Table> {
    const needed = new Set(this.columns);
    for (const spec of Object.values(aggs)) if (spec.column !== undefined) needed.add(spec.column);
    // a bare row count still reads one column, to count its rows
    if (needed.size === 0) {
      const first = (await this.source.schema()).fields[0];
      if (first) needed.add(first.name);
    }
    const projected = needed.size > 0 ? this.source.select([...needed]) : this.source;
    this.inner = projected;
    return aggregate(projected, this.columns, aggs, await projected.schema());
  }

  /** Statistics of the scan behind the latest `agg`. */
  stats(): ScanStats {
    return this.inner?.stats() ?? emptyScanStats();
  }
}

/** Starts a scan of a table: `scan(table).select('a').where("a > 1")`. */
export function scan(table: HudiTable): Scan {
  return new Scan(table);
}
