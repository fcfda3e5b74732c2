// Per data file and column min/max from the metadata table's `column_stats` partition, so a query
// or an erasure search can rule a file out without reading its footer. Used only where the table
// lists a completed column_stats partition and the metadata table agrees with the data table's
// timeline (the same test as its file listing); records of instants the data table did not
// complete are not read, and deleted entries drop out. A file the partition says nothing about
// (or says it ambiguously) gets no statistics: the caller reads its footer as before.

import { LakeError, type ObjectStore } from '@lake/storage';
import { encodeBase64, xxhash64Seeded } from '@lake/parquet';

import type { TableConfig } from '../config/table-config.js';
import { CorruptColumnStatsError, CorruptMetadataTableError } from '../errors.js';
import type { Timeline } from '../timeline/timeline.js';
import { decodeColumnStatsRecord, columnStatsRecordOf, mergeColumnStatsRecords, type ColumnStatsRecord, type StatsValue } from './column-stats-record.js';

export type { StatsValue } from './column-stats-record.js';
import { METADATA_TABLE_FOLDER, openMetadataTimeline } from './files-partition.js';
import { NON_PARTITIONED_NAME } from './files-record.js';
import { METADATA_LISTING_VERSIONS } from './listing-source.js';
import { metadataTableState } from './metadata-timeline.js';
import { readPartitionRecords, type RecordCodec } from './partition-records.js';

export const COLUMN_STATS_PARTITION = 'column_stats';
const INFLIGHT_PARTITIONS_KEY = 'hoodie.table.metadata.partitions.inflight';

/** What the column_stats partition knows of one column of one file. */
export interface ColumnStats {
  min?: StatsValue;
  max?: StatsValue;
  nullCount?: number;
  /** Rows of the file, nulls included. */
  valueCount?: number;
}

export interface ColumnStatsIndex {
  /**
   * The statistics of data file `fileName` in `partition` ('' when not partitioned), by column,
   * or undefined when the partition holds none for it.
   */
  fileStats(partition: string, fileName: string): ReadonlyMap<string, ColumnStats> | undefined;
  /** Data files with statistics. */
  readonly files: number;
}

/** Hudi's seed for the 64-bit hashes of column and partition names in metadata-table keys. */
const HASH_SEED = BigInt.asIntN(32, 0xdabadaban);
const utf8 = new TextEncoder();

/** base64 of the big-endian xxHash64 of a name: a key's column or partition part. */
function nameHash(name: string): string {
  const h = xxhash64Seeded(utf8.encode(name), HASH_SEED);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, h);
  return encodeBase64(bytes);
}

/** The column and partition parts of the keys of a partition's files' statistics of a column. */
export function columnStatsKeyPrefix(column: string, partition: string): string {
  return nameHash(column) + nameHash(partition === '' ? NON_PARTITIONED_NAME : partition);
}

/** Length of a key's column and partition parts (base64 of 8 bytes each). */
const HASH_CHARS = 12;

const CODEC: RecordCodec<ColumnStatsRecord> = {
  decode: decodeColumnStatsRecord,
  fromAvro: (key, rec, path) => columnStatsRecordOf(key, rec, undefined, path),
  merge: mergeColumnStatsRecords,
};

/** The index over merged records; a record whose key does not name its column is corrupt. */
export function columnStatsIndexOf(records: Iterable<ColumnStatsRecord>): ColumnStatsIndex {
  const byFile = new Map<string, Map<string, ColumnStats>>();
  const columnHashes = new Map<string, string>();
  const where = `${METADATA_TABLE_FOLDER}/${COLUMN_STATS_PARTITION}`;
  for (const r of records) {
    if (r.isDeleted) continue;
    let colHash = columnHashes.get(r.columnName);
    if (colHash === undefined) columnHashes.set(r.columnName, (colHash = nameHash(r.columnName)));
    if (r.key.length < 2 * HASH_CHARS || !r.key.startsWith(colHash)) {
      throw new CorruptColumnStatsError(`the column_stats record "${r.key}" does not belong to column "${r.columnName}" of file ${r.fileName}`, { path: where });
    }
    const id = `${r.key.slice(HASH_CHARS, 2 * HASH_CHARS)}\u0000${r.fileName}`;
    let columns = byFile.get(id);
    if (!columns) byFile.set(id, (columns = new Map()));
    const stats: ColumnStats = {};
    if (r.min && r.max) {
      stats.min = r.min;
      stats.max = r.max;
    }
    if (r.nullCount !== undefined) {
      stats.nullCount = r.nullCount;
      stats.valueCount = r.valueCount;
    }
    columns.set(r.columnName, stats);
  }
  const partitionHashes = new Map<string, string>();
  return {
    files: byFile.size,
    fileStats(partition, fileName) {
      let h = partitionHashes.get(partition);
      if (h === undefined) partitionHashes.set(partition, (h = nameHash(partition === '' ? NON_PARTITIONED_NAME : partition)));
      return byFile.get(`${h}\u0000${fileName}`);
    },
  };
}

export interface ColumnStatsOptions {
  asOf?: string;
  /** Only these columns' statistics (a filter's columns); default every column's. */
  columns?: readonly string[];
  /** false: never read the metadata table (default true). */
  useMetadataTable?: boolean;
}

function names(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim());
}

/**
 * The column statistics a read of the data table as of `asOf` may use, or undefined when the
 * table has no usable column_stats partition (not listed, still being built, or a metadata table
 * that disagrees with the data table's timeline). Throws CorruptMetadataTableError when the
 * partition is there but its records cannot be read.
 */
export async function readColumnStats(store: ObjectStore, config: TableConfig, timeline: Timeline, options: ColumnStatsOptions = {}): Promise<ColumnStatsIndex | undefined> {
  if (options.useMetadataTable === false || !METADATA_LISTING_VERSIONS.has(config.version)) return undefined;
  if (!config.metadataPartitions.includes(COLUMN_STATS_PARTITION)) return undefined;
  if (names(config.raw.get(INFLIGHT_PARTITIONS_KEY)).includes(COLUMN_STATS_PARTITION)) return undefined;
  try {
    const mt = await openMetadataTimeline(store, config.raw);
    if (!mt) return undefined;
    const state = metadataTableState(timeline, mt, options.asOf);
    if (!state.usable) return undefined;
    // a key starts with its column's hash: other columns' records are not decoded
    const wanted = options.columns && new Set(options.columns.map(nameHash));
    const records = await readPartitionRecords(mt, COLUMN_STATS_PARTITION, CODEC, {
      ...(options.asOf !== undefined && { asOf: options.asOf }),
      isValidInstant: state.isValidInstant,
      ...(wanted && { acceptKey: (key: string) => wanted.has(key.slice(0, HASH_CHARS)) }),
    });
    return columnStatsIndexOf(records.values());
  } catch (e) {
    // Bounds errors of decoding damaged bytes, and typed errors of the metadata table's files
    if (!(e instanceof LakeError) && !(e instanceof RangeError)) throw e;
    if (e instanceof CorruptColumnStatsError) throw e;
    const what = e instanceof CorruptMetadataTableError ? e.message.slice(0, e.message.lastIndexOf('. Rebuild')) : (e as Error).message;
    throw new CorruptColumnStatsError(`the ${COLUMN_STATS_PARTITION} partition cannot be read: ${what}`, { cause: e });
  }
}
