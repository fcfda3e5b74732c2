// Writes a metadata table whose `files` partition lists what a table's folders hold, the way
// Hudi initialises one: one HFile base file of HoodieMetadataRecords (the partition list under
// `__all_partitions__`, then each partition's files and sizes) committed by a delta commit of the
// metadata table at the data table's latest instant, and the data table's
// `hoodie.table.metadata.partitions` naming `files`. Lake does not maintain metadata tables (it
// refuses to write tables that have one); this exists so tests and benchmarks can build tables
// whose listing is served by the metadata table.

import type { ObjectStore } from '@lake/storage';

import { AvroWriter } from '../avro/avro-writer.js';
import { instantFileKey } from '../commit/paths.js';
import { formatProperties, parseProperties } from '../config/properties.js';
import { tableChecksum } from '../config/checksum.js';
import { tableConfigFromProperties, TableProps } from '../config/table-config.js';
import { parseBaseFileName } from '../file-group/base-file.js';
import { parseLogFileName } from '../file-group/log-file.js';
import { FileInfoKey } from '../hfile/file-info.js';
import { compareBytes, utf8Encoder } from '../hfile/hfile-bytes.js';
import { writeHFile } from '../hfile/hfile-writer.js';
import { HOODIE_PROPERTIES, loadTableConfig } from '../table/load-config.js';
import { listPartitions, type PartitionListing } from '../table/partition.js';
import { loadTimeline } from '../timeline/timeline.js';
import { commitMetadataJson } from '../write/commit-metadata-json.js';
import { ALL_PARTITIONS_KEY, FilesRecordType, NON_PARTITIONED_NAME } from './files-record.js';
import { METADATA_TABLE_FOLDER } from './files-partition.js';
import { MIRRORED_ACTIONS } from './metadata-timeline.js';

/** The part of Hudi's HoodieMetadataRecord schema the `files` partition uses; other fields default to null. */
export const FILES_RECORD_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'HoodieMetadataRecord',
  namespace: 'org.apache.hudi.avro.model',
  fields: [
    { name: 'key', type: { type: 'string', avro: { 'java-class': 'java.lang.String' } } },
    { name: 'type', type: 'int' },
    {
      name: 'filesystemMetadata',
      type: [
        'null',
        {
          type: 'map',
          values: {
            type: 'record',
            name: 'HoodieMetadataFileInfo',
            fields: [
              { name: 'size', type: 'long' },
              { name: 'isDeleted', type: 'boolean' },
            ],
          },
        },
      ],
      default: null,
    },
  ],
});

/** Hudi's first (and, without more file groups, only) file group of the files partition. */
const FILES_FILE_ID = 'files-0000-0';
/** The instant Hudi's initialisation commits at when the data table has no completed instant. */
const INIT_INSTANT = '00000000000000010';

function encodeRecord(key: string, type: number, files: [string, number][]): Uint8Array {
  const w = new AvroWriter();
  const text = (s: string): void => w.bytes(utf8Encoder.encode(s));
  text(key);
  w.int(type);
  w.long(1); // the map branch of the union
  if (files.length > 0) {
    w.long(files.length);
    for (const [name, size] of files) {
      text(name);
      w.long(size);
      w.boolean(false);
    }
  }
  w.long(0);
  return w.slice(0);
}

export interface FilesPartitionSnapshot {
  /** The metadata table instant (the data table's latest completed instant). */
  instant: string;
  /** The HFile base file, relative to the data table's root. */
  path: string;
  partitions: number;
  files: number;
}

/**
 * Lists the table's folders and writes the listing as its metadata table's `files` partition
 * (replacing any `.hoodie/metadata` there). `blockSize` sets the HFile data block size.
 */
export async function writeFilesPartitionSnapshot(store: ObjectStore, options: { blockSize?: number; listing?: PartitionListing[] } = {}): Promise<FilesPartitionSnapshot> {
  const config = await loadTableConfig(store);
  const timeline = await loadTimeline(store, config);
  const latest = timeline.completed().filter((i) => MIRRORED_ACTIONS.has(i.action)).at(-1);
  const instant = latest?.time ?? INIT_INSTANT;
  const listing = options.listing ?? (await listPartitions(store));

  const records: { key: string; value: Uint8Array }[] = [];
  const toKey = (p: string): string => (p === '' ? NON_PARTITIONED_NAME : p);
  records.push({ key: ALL_PARTITIONS_KEY, value: encodeRecord(ALL_PARTITIONS_KEY, FilesRecordType.ALL_PARTITIONS, listing.map((p) => [toKey(p.path), 0])) });
  let fileCount = 0;
  for (const p of listing) {
    // Hudi lists base and log files; the partition marker and anything else stay out.
    const files = p.files.filter((f) => parseBaseFileName(f.name) !== undefined || parseLogFileName(f.name) !== undefined).map((f): [string, number] => [f.name, f.size]);
    fileCount += files.length;
    records.push({ key: toKey(p.path), value: encodeRecord(toKey(p.path), FilesRecordType.FILE_LIST, files) });
  }
  records.sort((a, b) => compareBytes(utf8Encoder.encode(a.key), utf8Encoder.encode(b.key)));
  const keys = records.map((r) => r.key);
  const hfile = writeHFile(
    records.map((r) => ({ row: r.key, value: r.value })),
    {
      blockSize: options.blockSize,
      fileInfo: new Map([
        [FileInfoKey.SCHEMA, FILES_RECORD_SCHEMA],
        [FileInfoKey.MIN_RECORD_KEY, keys[0]!],
        [FileInfoKey.MAX_RECORD_KEY, keys.at(-1)!],
      ]),
    },
  );

  const mt = (key: string): string => `${METADATA_TABLE_FOLDER}/${key}`;
  for await (const o of store.list(`${METADATA_TABLE_FOLDER}/`)) await store.delete(o.key);
  const name = `${config.name}_metadata`;
  const mtProps = new Map<string, string>([
    [TableProps.name, name],
    ['hoodie.table.type', 'MERGE_ON_READ'],
    [TableProps.version, String(config.version)],
    [TableProps.timelineLayoutVersion, String(config.timelineLayoutVersion)],
    ['hoodie.table.base.file.format', 'HFILE'],
    ['hoodie.table.recordkey.fields', 'key'],
    ['hoodie.populate.meta.fields', 'false'],
    ['hoodie.table.keygenerator.type', 'HOODIE_TABLE_METADATA'],
    ['hoodie.compaction.payload.class', 'org.apache.hudi.metadata.HoodieMetadataPayload'],
    ['hoodie.archivelog.folder', 'archived'],
    ['hoodie.table.checksum', tableChecksum(name)],
  ]);
  if (config.timelineLayoutVersion >= 2) mtProps.set('hoodie.timeline.path', 'timeline');
  const mtPropsText = formatProperties(mtProps);
  await store.put(mt(HOODIE_PROPERTIES), utf8Encoder.encode(mtPropsText));
  const mtConfig = tableConfigFromProperties(parseProperties(mtPropsText));

  const fileName = `${FILES_FILE_ID}_0-0-0_${instant}.hfile`;
  const path = `${METADATA_TABLE_FOLDER}/files/${fileName}`;
  await store.put(path, hfile);
  const stat = { fileId: FILES_FILE_ID, partitionPath: 'files', path: `files/${fileName}`, numWrites: records.length, numDeletes: 0, numUpdateWrites: 0, numInserts: records.length, fileSizeInBytes: hfile.length };
  const empty = new Uint8Array(0);
  await store.put(mt(instantFileKey(mtConfig, { time: instant, action: 'deltacommit', state: 'requested' })), empty);
  await store.put(mt(instantFileKey(mtConfig, { time: instant, action: 'deltacommit', state: 'inflight' })), empty);
  // Table version 8 keeps commit metadata as Avro; lake reads neither form of a metadata-table
  // commit, so the JSON form (version 6's) serves both here.
  const completionTime = latest?.completionTime ?? instant;
  await store.put(
    mt(instantFileKey(mtConfig, { time: instant, action: 'deltacommit', state: 'completed', completionTime })),
    commitMetadataJson({ stats: [stat], operationType: 'BULK_INSERT', schema: FILES_RECORD_SCHEMA }),
  );

  const props = parseProperties(new TextDecoder().decode(await store.get(HOODIE_PROPERTIES)));
  props.set(TableProps.metadataPartitions, 'files');
  await store.put(HOODIE_PROPERTIES, utf8Encoder.encode(formatProperties(props)));
  return { instant, path, partitions: listing.length, files: fileCount };
}
