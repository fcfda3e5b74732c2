// Reads the `files` partition of a table's metadata table (`.hoodie/metadata/`, itself a
// MERGE_ON_READ Hudi table with HFile base files): the data table's partitions and, per
// partition, its live files and their sizes — the listing Spark and other Hudi engines use
// instead of listing folders. Only metadata-table instants completed on its own timeline count.

import { type ObjectStore, NotFoundError } from '@lake/storage';

import { parseProperties } from '../config/properties.js';
import { tableConfigFromProperties, TableProps, type TableConfig } from '../config/table-config.js';
import { CorruptMetadataTableError } from '../errors.js';
import { loadTimeline, type Timeline } from '../timeline/timeline.js';
import { ALL_PARTITIONS_KEY, NON_PARTITIONED_NAME, decodeFilesRecord, filesRecordOf, mergeFilesRecords, type FilesRecord } from './files-record.js';
import { readPartitionRecords, type RecordCodec } from './partition-records.js';
import { PrefixedReadOnlyStore } from './prefixed-store.js';

/** Where the metadata table lives, relative to the data table's root. */
export const METADATA_TABLE_FOLDER = '.hoodie/metadata';
const FILES_PARTITION = 'files';

const FILES_CODEC: RecordCodec<FilesRecord> = {
  decode: decodeFilesRecord,
  fromAvro: filesRecordOf,
  merge: mergeFilesRecords,
};

export interface MetadataFilesListing {
  /** The data table's partition paths ('' for a non-partitioned table), sorted. */
  partitions: string[];
  /** Per partition, its live files (name -> size in bytes). */
  files: Map<string, Map<string, number>>;
  /** The latest completed instant of the metadata table the listing reflects. */
  latestInstant: string | undefined;
}

export interface MetadataReadOptions {
  /** Read the metadata table as of this instant time (default: its latest). */
  asOf?: string;
  /**
   * Only these partitions' files (the partition list is always whole). HFiles are then searched
   * by key through their block index instead of read whole.
   */
  partitions?: readonly string[];
  /**
   * Which metadata-table instants count besides completing on its own timeline: a delta commit
   * mirrors a data-table instant and counts only once that completed (see metadata-timeline.ts).
   */
  isValidInstant?: (instant: string) => boolean;
}

async function readText(store: ObjectStore, key: string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await store.get(key));
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/**
 * The metadata table's config. Table version 9 lays out files and the timeline as version 8
 * does, so it is read as 8; what differs between them concerns only data-table features.
 */
function metadataTableConfig(text: string): TableConfig {
  const props = parseProperties(text);
  if (props.get(TableProps.version)?.trim() === '9') props.set(TableProps.version, '8');
  return tableConfigFromProperties(props);
}

/**
 * The metadata table's timeline, or undefined when the data table's `hoodie.table.metadata.partitions`
 * does not name a `files` partition. Throws CorruptMetadataTableError when it names one but the
 * metadata table has no `hoodie.properties`.
 */
export async function openMetadataTimeline(store: ObjectStore, dataProperties?: ReadonlyMap<string, string>): Promise<Timeline | undefined> {
  let props = dataProperties;
  if (!props) {
    const text = await readText(store, '.hoodie/hoodie.properties');
    if (text === undefined) return undefined;
    props = parseProperties(text);
  }
  const enabled = (props.get(TableProps.metadataPartitions) ?? '').split(',').map((s) => s.trim());
  if (!enabled.includes(FILES_PARTITION)) return undefined;
  const mt = new PrefixedReadOnlyStore(store, METADATA_TABLE_FOLDER);
  const mtProps = await readText(mt, '.hoodie/hoodie.properties');
  if (mtProps === undefined) {
    throw new CorruptMetadataTableError(`the table names a files partition in ${TableProps.metadataPartitions} but ${METADATA_TABLE_FOLDER}/.hoodie/hoodie.properties is missing`);
  }
  return loadTimeline(mt, metadataTableConfig(mtProps));
}

/** Reads the `files` partition with the metadata table's timeline (from openMetadataTimeline). */
export async function readFilesPartition(timeline: Timeline, options: MetadataReadOptions = {}): Promise<MetadataFilesListing> {
  const toKey = (p: string): string => (p === '' ? NON_PARTITIONED_NAME : p);
  const keys = options.partitions && [ALL_PARTITIONS_KEY, ...options.partitions.map(toKey)];
  const merged = await readPartitionRecords(timeline, FILES_PARTITION, FILES_CODEC, {
    ...(options.asOf !== undefined && { asOf: options.asOf }),
    ...(options.isValidInstant && { isValidInstant: options.isValidInstant }),
    ...(keys && { keys }),
  });
  const all = merged.get(ALL_PARTITIONS_KEY);
  if (!all) throw new CorruptMetadataTableError(`the files partition has no ${ALL_PARTITIONS_KEY} record`, { path: `${METADATA_TABLE_FOLDER}/${FILES_PARTITION}` });
  const external = (name: string): string => (name === NON_PARTITIONED_NAME ? '' : name);
  const partitions = [...all.files].filter(([, e]) => !e.isDeleted).map(([name]) => external(name)).sort();
  const files = new Map<string, Map<string, number>>();
  for (const p of partitions) {
    if (options.partitions && !options.partitions.includes(p)) continue;
    const rec = merged.get(toKey(p));
    // Hudi writes a partition's record with its first files; a listed partition without one
    // means records were lost (a damaged file), and an empty listing would hide its rows.
    if (!rec) throw new CorruptMetadataTableError(`partition "${p}" is listed in ${ALL_PARTITIONS_KEY} but has no record of its files`, { path: `${METADATA_TABLE_FOLDER}/${FILES_PARTITION}` });
    const live = new Map<string, number>();
    for (const [name, e] of rec.files) if (!e.isDeleted) live.set(name, e.size);
    files.set(p, live);
  }
  return { partitions, files, latestInstant: timeline.latestCompletedWrite(options.asOf)?.time };
}

/**
 * Reads the data table's file listing from its metadata table. Resolves to undefined when the
 * table has no metadata table with a `files` partition (Hudi's `hoodie.table.metadata.partitions`
 * does not name it), so the caller lists folders instead.
 */
export async function readMetadataFilesPartition(store: ObjectStore, options: MetadataReadOptions = {}): Promise<MetadataFilesListing | undefined> {
  const timeline = await openMetadataTimeline(store);
  return timeline && readFilesPartition(timeline, options);
}
