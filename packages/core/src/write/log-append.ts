// Merge-on-read updates and deletes: one new log file per touched file group and write, holding
// one data block (updated records with their meta columns) or one delete block (keys). The
// file belongs to the group's current slice (or to a pending compaction's, which Hudi readers
// merge the same way); object stores cannot append, so every write takes the next log version.

import type { RecordBatch, Schema } from 'apache-arrow';
import type { ObjectStore } from '@lake/storage';
import type { Compression } from '@lake/parquet';

import type { TableConfig } from '../config/table-config.js';
import type { AvroJsonRecord } from '../avro/avro-schema.js';
import { compareLogFileNames, formatLogFileName } from '../file-group/log-file.js';
import { makeWriteToken } from '../file-group/base-file.js';
import type { FileSlice } from '../file-group/file-slice.js';
import { avroDataBlock, deleteBlock, parquetDataBlockAsync } from '../log/log-writer.js';
import { tableBloomFilterColumns } from './column-bloom-filters.js';
import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';
import { takeRows } from '../arrow/take.js';
import type { WriteStatInput } from './commit-metadata-json.js';
import { attachMetaColumns, constantColumn, seqNoColumn } from './meta-columns.js';
import { markerKey } from '../commit/paths.js';

export type LogBlockFormat = 'parquet' | 'avro';

export interface LogAppend {
  store: ObjectStore;
  config: TableConfig;
  partition: string;
  fileId: string;
  slice: FileSlice;
  /** Base instant the log file is named after: the slice's, or a pending compaction's. */
  logBaseInstant: string;
  instant: string;
  /** Data columns of the table, in order. */
  dataSchema: Schema;
  /** Incoming records (aligned to `dataSchema`) and their keys. */
  batch: RecordBatch;
  keys: readonly string[];
  /** Rows of `batch` to write; for deletes, the keys to delete. */
  rows: readonly number[];
  deletes: boolean;
  format: LogBlockFormat;
  compression?: Compression;
  writerPartition: number;
  /** The stage id of the write token (see logFilePath); one is drawn when not given. */
  stage?: number;
  /** Markers written already (see plannedMarkers): the file they name needs no other. */
  premarked?: ReadonlySet<string>;
  /** Called with each marker before its file is written, and with each file written. */
  onMarker: (marker: string) => void;
  onFile: (path: string) => void;
  /** Awaited just before the file is put. */
  beforePut?: () => Promise<void>;
  /** Awaited before anything is put (a marker not written already): the instant's files in place. */
  started?: Promise<void>;
}

/**
 * The path of the log file a write puts into a slice: its next free log version, and a write
 * token whose random stage id keeps two writers choosing the same version from sharing a name.
 */
export function logFilePath(p: { partition: string; fileId: string; slice: FileSlice; logBaseInstant: string; writerPartition: number; stage: number }, version = nextLogVersion(p.slice, p.logBaseInstant)): string {
  const name = formatLogFileName({ fileId: p.fileId, instantTime: p.logBaseInstant, version, writeToken: makeWriteToken(p.writerPartition, p.stage, 0) });
  return p.partition === '' ? name : `${p.partition}/${name}`;
}

/** A random stage id for log file names' write tokens. */
export function logStage(): number {
  return 1 + Math.floor(Math.random() * 1_000_000);
}

/** The next free log version of the slice named by `baseInstant`. */
function nextLogVersion(slice: FileSlice, baseInstant: string): number {
  let max = 0;
  for (const f of slice.logFiles) if (f.instantTime === baseInstant && f.version > max) max = f.version;
  return max + 1;
}

/**
 * The HoodieDeltaWriteStat's `baseFile` and `logFiles`: as Hudi's append handle records them,
 * the slice the log went to (a pending compaction's slice has no base file yet), its log files
 * in the slice's order (newest first), then the new one.
 */
function sliceFiles(a: LogAppend, written: string): { baseFile: string; logFiles: string[] } {
  const sameSlice = a.logBaseInstant === a.slice.baseInstantTime;
  const existing = a.slice.logFiles
    .filter((f) => f.instantTime === a.logBaseInstant && !f.cdc && f.fileName !== written)
    .sort((x, y) => compareLogFileNames(y, x))
    .map((f) => f.fileName);
  return { baseFile: sameSlice ? a.slice.baseFile?.fileName ?? '' : '', logFiles: [...existing, written] };
}

/** Writes one log file; returns its write stat (a HoodieDeltaWriteStat). */
export async function appendLogFile(a: LogAppend): Promise<WriteStatInput> {
  const started = Date.now();
  const schemaRecord = arrowSchemaToAvro(a.dataSchema, { tableName: a.config.name, metaFields: true }) as unknown as AvroJsonRecord;
  const schemaJson = JSON.stringify(schemaRecord);
  let block: Uint8Array;
  if (a.deletes) {
    block = deleteBlock(
      a.rows.map((i) => ({ recordKey: a.keys[i], partitionPath: a.partition })),
      schemaJson,
      a.instant,
    );
  } else {
    const data = takeRows(a.batch, a.rows);
    const withMeta = attachMetaColumns(data, {
      commitTimes: constantColumn(a.instant, a.rows.length),
      seqNos: seqNoColumn(a.instant, a.writerPartition, a.rows.length),
      recordKeys: a.rows.map((i) => a.keys[i]),
      partitionPath: a.partition,
      // Hudi puts the file id, not a file name, in the log records' _hoodie_file_name.
      fileName: a.fileId,
    });
    block =
      a.format === 'avro'
        ? avroDataBlock(withMeta, schemaRecord, a.instant)
        : await parquetDataBlockAsync(withMeta, schemaJson, a.instant, a.compression, tableBloomFilterColumns(a.config.raw));
  }
  // putIfAbsent moves on to the next version where the store enforces it (another writer took it).
  const stage = a.stage ?? logStage();
  let version = nextLogVersion(a.slice, a.logBaseInstant);
  for (;;) {
    const path = logFilePath({ ...a, stage }, version);
    const name = path.slice(path.lastIndexOf('/') + 1);
    const marker = markerKey(a.instant, path, 'APPEND');
    if (!a.premarked?.has(marker)) {
      await a.started;
      a.onMarker(marker);
      await a.store.put(marker, new Uint8Array());
    }
    await a.beforePut?.();
    if (!(await a.store.putIfAbsent(path, block))) {
      // Another writer's file has this name: the marker must not outlive this loop, or a
      // rollback of this write (which deletes what its markers name) would delete that file.
      await a.store.delete(marker);
      version++;
      continue;
    }
    a.onFile(path);
    const count = a.rows.length;
    return {
      fileId: a.fileId,
      path,
      partitionPath: a.partition,
      prevCommit: a.logBaseInstant,
      numWrites: a.deletes ? 0 : count,
      numDeletes: a.deletes ? count : 0,
      numUpdateWrites: a.deletes ? 0 : count,
      numInserts: 0,
      fileSizeInBytes: block.length,
      totalUpsertTimeMs: Date.now() - started,
      log: { logVersion: version, logOffset: 0, ...sliceFiles(a, name) },
    };
  }
}
