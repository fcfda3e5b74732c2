// Where record keys live, from the metadata table's `record_index` partition: a query pinned to
// a few keys reads only the data files that hold them. The partition's N file groups
// (`record-index-0000-0` ...) each hold the keys Hudi hashes to them, so a lookup reads only the
// file groups its keys hash to, and in them only the HFile blocks that may hold the keys. Used
// only where the table lists a completed record_index partition and the metadata table agrees
// with the data table's timeline as of the read (the test of the column_stats partition).

import { LakeError, type ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { CorruptMetadataTableError, CorruptRecordIndexError } from '../errors.js';
import { javaStringHashCode } from '../index/bucket-hash.js';
import type { Timeline } from '../timeline/timeline.js';
import { openMetadataTimeline } from './files-partition.js';
import { NON_PARTITIONED_NAME } from './files-record.js';
import { METADATA_LISTING_VERSIONS } from './listing-source.js';
import { metadataTableState } from './metadata-timeline.js';
import { readPartitionRecords, type RecordCodec } from './partition-records.js';
import { decodeRecordIndexRecord, recordIndexRecordOf, type RecordIndexRecord, type RecordLocation } from './record-index-record.js';

export type { RecordLocation } from './record-index-record.js';

export const RECORD_INDEX_PARTITION = 'record_index';
const INFLIGHT_PARTITIONS_KEY = 'hoodie.table.metadata.partitions.inflight';

/** Java's Math.abs on an int: the absolute value, except that Integer.MIN_VALUE stays itself. */
function javaAbs(n: number): number {
  return n < 0 ? -n | 0 : n;
}

/**
 * The file group (its place among the partition's file ids, sorted) Hudi puts a record key in:
 * `abs(abs(key.hashCode()) % count)`, as HoodieTableMetadataUtil.mapRecordKeyToFileGroupIndex.
 */
export function recordIndexFileGroup(key: string, count: number): number {
  return javaAbs(javaAbs(javaStringHashCode(key)) % count);
}

/** Hudi's id of the record_index file group at `index`. */
function fileGroupId(index: number): string {
  return `record-index-${String(index).padStart(4, '0')}-0`;
}

/**
 * The keys to look up per file group, or undefined when the file groups are not Hudi's
 * `record-index-0000-0` ... `record-index-<N-1>-0` (a layout lake does not know how keys hash
 * to, or a file group missing): hashing over them could send a key to the wrong file group.
 */
function keysPerFileGroup(fileIds: readonly string[], keys: readonly string[]): Map<string, string[]> | undefined {
  if (fileIds.length === 0 || fileIds.some((id, i) => id !== fileGroupId(i))) return undefined;
  const out = new Map<string, string[]>();
  for (const key of new Set(keys)) {
    const id = fileIds[recordIndexFileGroup(key, fileIds.length)]!;
    const list = out.get(id);
    if (list) list.push(key);
    else out.set(id, [key]);
  }
  return out;
}

const CODEC: RecordCodec<RecordIndexRecord> = {
  decode: decodeRecordIndexRecord,
  fromAvro: (key, rec, path) => recordIndexRecordOf(key, rec, path),
  // entries are upserts: the latest location of a key is where it lives
  merge: (_older, newer) => newer,
};

export interface RecordIndexOptions {
  asOf?: string;
  /** false: never read the metadata table (default true). */
  useMetadataTable?: boolean;
}

function names(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim());
}

/**
 * Where each of `keys` lives as of `asOf` (latest when undefined): the keys the record index
 * holds, with their data partition ('' when not partitioned) and file id; a key it does not
 * hold is in no file. Undefined when the table has no usable record_index partition (not
 * listed, still being built, a layout lake does not read, or a metadata table that disagrees
 * with the data table's timeline). Throws CorruptRecordIndexError when the partition is there
 * but its records cannot be read.
 */
export async function readRecordIndex(
  store: ObjectStore,
  config: TableConfig,
  timeline: Timeline,
  keys: readonly string[],
  options: RecordIndexOptions = {},
): Promise<Map<string, RecordLocation> | undefined> {
  if (options.useMetadataTable === false || !METADATA_LISTING_VERSIONS.has(config.version)) return undefined;
  if (!config.metadataPartitions.includes(RECORD_INDEX_PARTITION)) return undefined;
  if (names(config.raw.get(INFLIGHT_PARTITIONS_KEY)).includes(RECORD_INDEX_PARTITION)) return undefined;
  try {
    const mt = await openMetadataTimeline(store, config.raw);
    if (!mt) return undefined;
    const state = metadataTableState(timeline, mt, options.asOf);
    if (!state.usable) return undefined;
    let layoutKnown = true;
    const completed = new Set(mt.completed().map((i) => i.time));
    const records = await readPartitionRecords(mt, RECORD_INDEX_PARTITION, CODEC, {
      ...(options.asOf !== undefined && { asOf: options.asOf }),
      isValidInstant: state.isValidInstant,
      keysByFileGroup: (fileIds) => {
        const perGroup = keysPerFileGroup(fileIds, keys);
        if (!perGroup) layoutKnown = false;
        return perGroup ?? new Map();
      },
      // A skipped stretch of a write that counts may have held a key's location or deletion:
      // the keys read would then be missing or stale, and pruning by them would drop rows.
      onCorruptLog: (c) => {
        if (c.instantTime === undefined || (completed.has(c.instantTime) && state.isValidInstant(c.instantTime))) {
          throw new CorruptRecordIndexError(`the ${RECORD_INDEX_PARTITION} partition has a damaged log block (${c.length} bytes at offset ${c.offset}${c.instantTime ? ` of instant ${c.instantTime}` : ''})`, { path: c.path });
        }
      },
    });
    if (!layoutKnown) return undefined;
    const out = new Map<string, RecordLocation>();
    for (const r of records.values()) {
      out.set(r.key, { partition: r.partition === NON_PARTITIONED_NAME ? '' : r.partition, fileId: r.fileId });
    }
    return out;
  } catch (e) {
    // Bounds errors of decoding damaged bytes, and typed errors of the metadata table's files
    if (!(e instanceof LakeError) && !(e instanceof RangeError)) throw e;
    if (e instanceof CorruptRecordIndexError) throw e;
    const what = e instanceof CorruptMetadataTableError ? e.message.slice(0, e.message.lastIndexOf('. Rebuild')) : (e as Error).message;
    throw new CorruptRecordIndexError(`the ${RECORD_INDEX_PARTITION} partition cannot be read: ${what}`, { cause: e });
  }
}
