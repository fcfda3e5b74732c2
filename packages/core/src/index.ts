// @lake/core public API: create and open Hudi tables, write, read, run table services, and the
// typed errors they throw. The format's building blocks are in ./format.ts (`@lake/core/format`).
// The checked-in api/core.api.d.ts report shows this surface; `pnpm api:update` refreshes it.

// Errors: every class, with a stable `code` (LakeErrorCode lists them all).
export * from './errors.js';
export { LakeError, NotFoundError, StoreError, InvalidUriError, InvalidKeyError, InvalidRangeError } from '@lake/storage';
export { ParquetError, type ParquetErrorCode } from '@lake/parquet';
export { LAKE_ERROR_CODES, type LakeErrorCode } from './error-codes.js';

// Process-wide caches (key index footers and key columns, written base files) and their bounds
export { setCacheLimits, cacheLimitsWithin, cacheUsage, type CacheLimits, type CacheUsage } from './process-caches.js';

// Tables
export { createTable, type CreateTableOptions, type BucketIndexOptions } from './table/create-table.js';
export type { BloomFilterColumn } from './write/column-bloom-filters.js';
export {
  openTable,
  collect,
  HudiTable,
  BatchStream,
  type SnapshotReadOptions,
  type IncrementalReadOptions,
  type TableWriteOptions,
} from './table/table.js';
export type { TableReadOptions, ReadSettings } from './metadata-table/read-settings.js';
export type { TableListing } from './metadata-table/listing-source.js';
export type { TableConfig, TableType, RecordMergeMode, TimelineTimezone, PartitionField } from './config/table-config.js';
export type { KeyGeneratorType } from './keygen/key-generator.js';

// Writes
export type { WriteInput, WriterIds } from './write/table-writes.js';
export type { InsertDuplicatePolicy, WriteOptions, WriteResult, WriteOperation } from './write/write-options.js';
export type { FileSizing } from './write/file-sizing.js';
export type { LogBlockFormat } from './write/log-append.js';
export { rowsToTable, inferSchema, type Row } from './arrow/from-rows.js';
export { CONFLICT_RETRIES_KEY } from './commit/conflict-retry.js';
export { rowsToJson, type JsonValue as RowValue } from './arrow/to-json.js';

// Reads and the timeline they travel on
export type { AsOf, Timeline } from './timeline/timeline.js';
export type { Instant, Action, InstantState } from './timeline/instant.js';
export type { CommitMetadata, WriteStat } from './timeline/commit-metadata.js';
export type { JsonValue } from './timeline/metadata-file.js';
export type { FileSlice, BaseFile, LogFile, FileGroup } from './file-group/file-slice.js';
export type { CorruptLogBlock } from './read/log-corruption.js';
export { instantTimeToDate, dateToInstantTime } from './timeline/instant-time.js';

// Table services: their options and results (run through HudiTable's methods)
export type { CompactionStrategy, CompactionOptions, CompactionProgress, CompactionRun } from './services/compaction.js';
export type { CompactionPlan, CompactionOperation } from './timeline/plans/compaction-plan.js';
export type { ClusteringOptions, ClusteringRun } from './services/clustering.js';
export type { ClusteringGroupPlan, ClusteringPlanOptions } from './services/clustering-plan.js';
export { DEFAULT_INLINE_CLUSTERING_COMMITS, type InlineClusteringOptions } from './services/inline-clustering.js';
export type { RollbackResult } from './services/rollback.js';
export type { CleanPolicy, CleanResult } from './services/clean.js';
export type { ErasureRequest, ErasureReport } from './services/erasure.js';
export type { ErasureRecord } from './services/erasure-record.js';
export type { ErasureVerification } from './services/erasure-verify.js';
export type { SearchLog as ErasureSearchLog, RowGroupSkip, PlannedRewrites } from './services/erasure-search.js';
export type { ArchiveOptions, ArchiveResult } from './services/archive.js';
export type { ArchiveSettings } from './services/archive-plan.js';
