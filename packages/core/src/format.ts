// @lake/core/format: the Hudi format's building blocks (table config, timeline, file names, log
// blocks, Avro, bloom filters, key generators, file-system views, table services as functions)
// for tools that work below the table API. Everything @lake/core exports is here too. Not covered
// by semver within 0.x: it follows the format's implementation.

export * from './index.js';

// Errors
export {
  TableNotFoundError,
  UnsupportedTableVersionError,
  InvalidTableConfigError,
  CorruptTimelineError,
  InvalidFileNameError,
  MissingBaseFileError,
  LogFormatError,
  SchemaError,
  AvroDecodeError,
  InvalidReadOptionError,
  UnsupportedFeatureError,
  UnsupportedBaseFileFormatError,
  ReadOnlyTableVersionError,
} from './errors.js';

// Table config (hoodie.properties)
export {
  type TableConfig,
  type TableType,
  type RecordMergeMode,
  type TimelineTimezone,
  type PartitionField,
  type NewTableOptions,
  SUPPORTED_TABLE_VERSIONS,
  TableProps,
  MERGE_STRATEGY_IDS,
  parseTableConfig,
  tableConfigFromProperties,
  formatTableProperties,
  newTableProperties,
  checksumMatches,
} from './config/table-config.js';
export { parseProperties, formatProperties } from './config/properties.js';
export { tableChecksum, crc32, checkTableChecksum, type ChecksumStatus } from './config/checksum.js';
export { loadTableConfig, HOODIE_PROPERTIES_BACKUP } from './table/load-config.js';
export { assertWritable } from './table/write-guard.js';
export { assertRowKeys } from './write/table-writes.js';

// Timeline
export {
  type Instant,
  type Action,
  type InstantState,
  ACTIONS,
  WRITE_ACTIONS,
  parseInstantFileName,
  instantFileName,
  compareInstants,
} from './timeline/instant.js';
export { instantTimeToDate, dateToInstantTime, isInstantTime } from './timeline/instant-time.js';
export { Timeline, loadTimeline, clearCommitMetadataCache, type AsOf } from './timeline/timeline.js';
export {
  type CommitMetadata,
  type WriteStat,
  parseCommitMetadata,
  commitMetadataFromJson,
  writtenFileGroups,
} from './timeline/commit-metadata.js';
export { type RollbackMetadata, parseRollbackMetadata } from './timeline/rollback-metadata.js';
export { decodeMetadataFile, type JsonValue } from './timeline/metadata-file.js';

// File groups and file names
export {
  type BaseFileName,
  parseBaseFileName,
  requireBaseFileName,
  formatBaseFileName,
  makeWriteToken,
} from './file-group/base-file.js';
export {
  type LogFileName,
  parseLogFileName,
  requireLogFileName,
  formatLogFileName,
  compareLogFileNames,
} from './file-group/log-file.js';
export { type BaseFile, type LogFile, type FileSlice, type FileGroup, fileGroupKey } from './file-group/file-slice.js';

// Log files
export { LOG_MAGIC, LOG_FORMAT_VERSION, BlockType, HeaderKey, CommandType, blockTypeName } from './log/log-format.js';
export { readLogBlocks, type LogBlock, type LogScan, type CorruptRegion } from './log/log-reader.js';
export {
  decodeAvroDataBlock,
  decodeParquetDataBlock,
  decodeDeleteBlock,
  type AvroBlockRecords,
  type DeleteRecord,
} from './log/data-block.js';
export { scanLogFiles, type ScannedBlock, type LogScanResult } from './log/log-scanner.js';

// Schema
export { parseAvroSchema, nullableBranch, type AvroType, type AvroField, type AvroPrimitive } from './avro/avro-schema.js';
export { AvroReader, AvroUnionValue, readDatum, decodeDatum, type AvroRecord } from './avro/avro-decoder.js';
export { readAvroContainer, isAvroContainer, type AvroContainer } from './avro/avro-container.js';
export { avroToArrowSchema, avroFieldToArrow, arrowType as avroToArrowType } from './schema/avro-to-arrow.js';
export {
  META,
  META_FIELD_NAMES,
  isMetaField,
  withMetaFields,
  resolveTableSchema,
  type TableSchema,
} from './schema/table-schema.js';

// Reading
export { makeColumnBuilder, type ColumnBuilder } from './read/column-builder.js';
export { valueAt } from './arrow/value-at.js';
export { conformData, conformTable, batchFromColumns, projectSchema, sameLayout } from './read/conform.js';
export { combineVersions, compareOrdering, storedWins, tableMergeMode, type AppliedMergeMode, type RecordVersion } from './read/merge.js';
export { recordKeyReader } from './read/record-key.js';
export { keyFieldProblems, unencodableProblem, ambiguousKeyValueProblem, type KeyFieldProblem } from './keygen/key-checks.js';
export { readFileSlice, readFileSlices, type SliceReadPlan } from './read/file-slice-reader.js';
export { listPartitions, partitionValues, type PartitionListing, PARTITION_METADATA_PREFIX } from './table/partition.js';
export {
  buildFileSystemView,
  latestFileSlices,
  validWriteInstants,
  type FileSystemView,
  type ViewOptions,
} from './table/fs-view.js';
export {
  openTable,
  collect,
  HudiTable,
  BatchStream,
  HOODIE_PROPERTIES,
  type SnapshotReadOptions,
  type IncrementalReadOptions,
} from './table/table.js';

// Write-side building blocks: errors, bloom filters, key generators, instant times, write schemas
export {
  InvalidBloomFilterError,
  InvalidBloomKeyError,
  BloomFilterConfigError,
  NullRecordKeyError,
  KeyGeneratorConfigError,
  PartitionPathError,
  InvalidInstantTimeError,
  UnsupportedArrowTypeError,
  SchemaMismatchError,
  AvroEncodeError,
} from './errors.js';
export {
  createBloomFilter,
  parseBloomFilter,
  bloomBitSize,
  bloomHashCount,
  BLOOM_FILTER_DEFAULTS,
  type BloomFilter,
  type BloomFilterOptions,
  type BloomFilterTypeCode,
} from './index/bloom-filter.js';
export {
  createRecordKeyFooter,
  readFooterBloomFilter,
  readFooterKeyRange,
  BLOOM_FILTER_FOOTER_KEY,
  BLOOM_FILTER_TYPE_CODE_FOOTER_KEY,
  MIN_RECORD_KEY_FOOTER_KEY,
  MAX_RECORD_KEY_FOOTER_KEY,
  type RecordKeyFooter,
} from './index/bloom-footer.js';
export {
  createKeyGenerator,
  inferKeyGeneratorType,
  keyGeneratorTypeOfClass,
  keyGeneratorOptionsFromProperties,
  keyGeneratorTableProperties,
  KEY_GENERATOR_CLASSES,
  NULL_RECORDKEY_PLACEHOLDER,
  EMPTY_RECORDKEY_PLACEHOLDER,
  type KeyGenerator,
  type KeyGeneratorOptions,
  type KeyGeneratorType,
  type TimestampKeyGenOptions,
  type TimestampType,
  type ScalarTimeUnit,
  type GeneratedKeys,
  type TablePropertiesOptions,
} from './keygen/key-generator.js';
export { fieldColumn, renderKeyValue, type KeySource, type KeyValue, type FieldColumn } from './keygen/field-values.js';
export { DEFAULT_PARTITION_PATH, DEPRECATED_DEFAULT_PARTITION_PATH, escapePathName, unescapePathName } from './keygen/partition-path.js';
export {
  formatInstantTime,
  parseInstantTime,
  instantTimePlusMillis,
  createInstantTimeGenerator,
  TIMELINE_TIMEZONE_PROPERTY,
  type InstantTimeGenerator,
  type InstantTimeGeneratorOptions,
} from './timeline/instant-time.js';
export { arrowSchemaToAvro, avroRecordNameAndNamespace, HOODIE_META_FIELDS, type ArrowToAvroOptions } from './schema/arrow-to-avro.js';
export {
  reconcileSchemas,
  describeType,
  type SchemaReconciliation,
  type SchemaReconcileOptions,
  type ColumnChange,
} from './schema/compatibility.js';
export type {
  AvroJsonType,
  AvroJsonRecord,
  AvroJsonField,
  AvroJsonFixed,
  AvroJsonEnum,
  AvroJsonArray,
  AvroJsonMap,
  AvroJsonAnnotated,
  AvroJsonPrimitive,
} from './avro/avro-schema.js';
export { encodeAvroRecords } from './avro/encode.js';

// Writing
export { createTable, type CreateTableOptions } from './table/create-table.js';
export { type TableWriteOptions } from './table/table.js';
export { type WriteInput, type WriterIds } from './write/table-writes.js';
export { type InsertDuplicatePolicy, type WriteOptions, type WriteResult, type WriteOperation } from './write/write-options.js';
export { type FileSizing, defaultFileSizing } from './write/file-sizing.js';
export { COMPRESSION_CODEC_PROPERTY, DEFAULT_COMPRESSION, tableCompression } from './write/compression.js';
export { rowsToTable, inferSchema, inferType, type Row } from './arrow/from-rows.js';
export { ConflictError, InvalidWriteError, TableExistsError } from './errors.js';
export { rowsToJson, vectorValueToJson, dataValueToJson, formatDecimal, formatTimestamp, formatDate, type JsonValue as RowValue } from './arrow/to-json.js';
export { existingRecordRows } from './index/existing-keys.js';
export { type LogBlockFormat } from './write/log-append.js';

// Merge-on-read: log blocks and compaction
export {
  encodeLogBlock,
  logFileBytes,
  parquetDataBlock,
  avroDataBlock,
  deleteBlock,
  rollbackBlock,
  type LogBlockInput,
  type DeleteEntry,
} from './log/log-writer.js';
export { encodeAvroContainer } from './avro/avro-container-writer.js';
export {
  compact,
  scheduleCompaction,
  runCompaction,
  runPendingCompactions,
  DEFAULT_COMPACTION_STRATEGY,
  type CompactionStrategy,
  type CompactionOptions,
  type CompactionProgress,
  type CompactionRun,
} from './services/compaction.js';
export {
  encodeCompactionPlan,
  parseCompactionPlan,
  pendingCompactions,
  type CompactionPlan,
  type CompactionOperation,
} from './timeline/plans/compaction-plan.js';
export { rollbackWrite, rollbackFailedWrites, type RollbackResult } from './services/rollback.js';
export { cleanTable, checkNotCleaned, removeAbandonedWrites, ABANDONED_WRITE_AGE_MS, DEFAULT_CLEAN_POLICY, type CleanPolicy, type CleanResult } from './services/clean.js';
export { InstantCleanedError, InstantErasedError } from './errors.js';
export { eraseValues, verifyErasure, readErasureRecord, type ErasureRequest, type ErasureRecord, type ErasureReport, type ErasureVerification } from './services/erasure.js';
export { startHeartbeat, isHeartbeatExpired, HEARTBEAT_EXPIRY_MS, type Heartbeat } from './commit/heartbeat.js';
export { fenceCommit } from './commit/fence.js';
export { heartbeatKey } from './commit/paths.js';
export { intentTiming, LEFTOVER_INTENT_AGE_MS } from './commit/intent-retention.js';
export { pruneCommitRecords, type PruneContext } from './commit/prune-records.js';
export { KEPT_NEWEST_CLAIMS } from './commit/claim-retention.js';
export { clusterSmallFiles, type ClusteringOptions, type ClusteringRun } from './services/clustering.js';
export { planClusteringGroups, type ClusteringGroupPlan, type ClusteringPlanOptions } from './services/clustering-plan.js';

// Bucket index (Hudi's simple bucket engine)
export { bucketIdOf, bucketHashKeys, javaStringHashCode, javaListHashCode } from './index/bucket-hash.js';
export { bucketIndexOf, bucketIdStr, bucketOfFileId, BucketProps, type BucketIndexSpec } from './index/bucket-layout.js';

// Column bloom filters (Parquet split-block filters on chosen columns)
export {
  BLOOM_FILTER_ENABLED_PREFIX,
  BLOOM_FILTER_NDV_PREFIX,
  BLOOM_FILTER_FPP_PREFIX,
  tableBloomFilterColumns,
  bloomFilterTableProperties,
} from './write/column-bloom-filters.js';

// Damaged log blocks
export { committedLogExtents, describeCorruptLogBlock, type CommittedLogExtent } from './read/log-corruption.js';

// Archived timeline
export { archiveTimeline, archiveSettings } from './services/archive.js';
export { DEFAULT_ARCHIVE_SETTINGS } from './services/archive-plan.js';
export { ARCHIVED_META_ENTRY_SCHEMA } from './timeline/plans/archive-schema.js';
export { CLEANER_PLAN_SCHEMA, ROLLBACK_PLAN_SCHEMA } from './timeline/plans/plan-schemas.js';
export { retryOnConflict } from './commit/conflict-retry.js';
export {
  ArchivedTimeline,
  loadArchivedTimeline,
  archivedWritesBetween,
  listArchiveFiles,
  decodeArchiveFile,
  archiveDir,
  type ArchivedInstant,
  type ArchivedWrite,
  type ArchiveFile,
} from './timeline/archived-timeline.js';
export {
  loadLsmHistory,
  readLatestLsmManifest,
  parseLsmManifest,
  decodeLsmFile,
  lsmHistoryDir,
  type LsmManifest,
  type LsmFileEntry,
} from './timeline/lsm-history.js';

// HFiles and the metadata table's files partition (read only)
export { HFileReader, openHFile, type OpenHFileOptions } from './hfile/hfile-reader.js';
export { rowString, type HFileCell } from './hfile/cell.js';
export type { HFileTrailer } from './hfile/trailer.js';
export { FileInfoKey } from './hfile/file-info.js';
export {
  readMetadataFilesPartition,
  METADATA_TABLE_FOLDER,
  type MetadataFilesListing,
  type MetadataReadOptions,
} from './metadata-table/files-partition.js';
export { listPartitionsFromMetadataTable, partitionListingOf } from './metadata-table/metadata-listing.js';
export { HFileFormatError, CorruptMetadataTableError, MetadataTableUnusableError, type MetadataTableFallbackReason } from './errors.js';
export { tableListing, METADATA_LISTING_VERSIONS, type ListingOptions, type TableListing } from './metadata-table/listing-source.js';
export { metadataTableState, MIRRORED_ACTIONS, type MetadataTableState } from './metadata-table/metadata-timeline.js';
export { METADATA_ENABLE_KEY, type TableReadOptions, type ReadSettings } from './metadata-table/read-settings.js';
// The column_stats partition as per-file min/max (read only)
export {
  readColumnStats,
  COLUMN_STATS_PARTITION,
  type ColumnStats,
  type ColumnStatsIndex,
  type ColumnStatsOptions,
  type StatsValue,
} from './metadata-table/column-stats-index.js';
// The record_index partition as record key -> data partition and file group (read only)
export { readRecordIndex, recordIndexFileGroup, RECORD_INDEX_PARTITION, type RecordIndexOptions, type RecordLocation } from './metadata-table/record-index.js';
export { CorruptRecordIndexError } from './errors.js';
// Writing HFiles and a files-partition snapshot: for tests and benchmarks (lake does not maintain metadata tables)
export { writeHFile, type HFileWriteCell, type HFileWriteOptions } from './hfile/hfile-writer.js';
export { writeFilesPartitionSnapshot, FILES_RECORD_SCHEMA, type FilesPartitionSnapshot } from './metadata-table/files-partition-writer.js';
