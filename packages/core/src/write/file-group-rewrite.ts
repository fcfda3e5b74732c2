// Writes the new base file version of one file group: the stored records (a merge-on-read slice
// merged with its logs) with the incoming updates applied under the table's merge rule, deletes
// removed, and new records appended, with meta columns. The file is named by the write's instant
// and only becomes visible when that instant completes.

import type { Data, RecordBatch, Schema, Utf8 } from 'apache-arrow';
import type { Compression } from '@lake/parquet';

import { selectColumns, takeRows } from '../arrow/take.js';
import { formatBaseFileName, makeWriteToken } from '../file-group/base-file.js';
import type { FileSlice } from '../file-group/file-slice.js';
import { readFileSlice, type SliceReadPlan } from '../read/file-slice-reader.js';
import { storedWins, tableMergeMode } from '../read/merge.js';
import { META, prependMetaFields } from '../schema/table-schema.js';
import { baseFileStream, recordKeyFilterEntries } from './base-file-writer.js';
import type { WriteStatInput } from './commit-metadata-json.js';
import { carriedRows, carriedSchema, seqNoColumn, withFileMetaColumns } from './meta-columns.js';
import { StoredKeyMatcher } from './stored-key-match.js';
import { mergedRows } from './merged-rows.js';
import { orderingReader } from './ordering.js';
import type { ObjectStore } from '@lake/storage';
import type { TableConfig } from '../config/table-config.js';
import { tableBloomFilterColumns } from './column-bloom-filters.js';
import { markerKey } from '../commit/paths.js';
import { rememberWrittenBaseFile } from '../file-group/written-base-files.js';
import { baseFileRecordKeys, forgetBaseFile } from '../index/key-index.js';
import { reusedRecordKeyFooter, type StoredRecordKeys } from '../index/bloom-reuse.js';

export interface Incoming {
  batch: RecordBatch;
  keys: string[];
  partitions: string[];
  /** Java `String.hashCode()` of each key (see javaStringHashCodes), where the write computed them. */
  keyHashes?: Int32Array;
}

export interface GroupPlan {
  partition: string;
  fileId: string;
  slice?: FileSlice;
  /** Incoming row indexes that update (or, for deletes, delete) records of this group. */
  updates: number[];
  inserts: number[];
}

/** The path of the base file version a write puts into a file group. */
export function baseFilePath(partition: string, fileId: string, writerPartition: number, instant: string): string {
  const fileName = formatBaseFileName({ fileId, writeToken: makeWriteToken(writerPartition, 1, 0), instantTime: instant, extension: 'parquet' });
  return partition === '' ? fileName : `${partition}/${fileName}`;
}

/** The marker of a new base file version: a merge when the group had a slice, else a create. */
export function baseFileMarker(instant: string, path: string, plan: GroupPlan): string {
  return markerKey(instant, path, plan.slice ? 'MERGE' : 'CREATE');
}

export interface GroupWrite {
  plan: GroupPlan;
  instant: string;
  /** The write deletes the planned records (rather than upserting them). */
  deletes: boolean;
  incoming: Incoming;
  fullSchema: Schema;
  dataSchema: Schema;
  writerPartition: number;
  compression?: Compression;
  isValidInstant: (instant: string) => boolean;
  /** Damaged log blocks of a merge-on-read slice rewritten into a base file: refused (see log-corruption.ts). */
  corruption: Pick<SliceReadPlan, 'onCorruptLogBlocks' | 'committedLogExtent'>;
  onFile: (path: string, marker: string) => void;
  /** Markers written already (see plannedMarkers): the file they name needs no other. */
  premarked?: ReadonlySet<string>;
  /** Awaited just before the file is put. */
  beforePut?: () => Promise<void>;
  /** Awaited before anything is put (a marker not written already): the instant's files in place. */
  started?: Promise<void>;
  /**
   * Encode the file on a Parquet worker (default true). False when this is the write's only
   * base file: the calling thread would just wait for the worker.
   */
  encodeOnWorker?: boolean;
}

/** Inserted rows handed to the encoder at once. */
const INSERT_BATCH_ROWS = 8192;

/**
 * About the bytes of the new file, a little over, to size the buffer it is built in (growing it
 * costs a copy): the slice's stored bytes and a twentieth more (a file written in pieces has
 * more row groups, each with its own dictionaries and statistics), plus the inserted rows' Arrow
 * bytes (compressed, they take less).
 */
function expectedFileBytes(plan: GroupPlan, incoming: Incoming): number {
  const stored = plan.slice ? (plan.slice.baseFile?.size ?? 0) + plan.slice.logFiles.reduce((n, l) => n + (l.size ?? 0), 0) : 0;
  const rowBytes = incoming.batch.numRows > 0 ? incoming.batch.data.byteLength / incoming.batch.numRows : 0;
  return stored * 1.05 + rowBytes * plan.inserts.length;
}

/**
 * The key range and filter of the slice's base file when the new file can start from them: a
 * slice without log files (a log may insert keys the base file's filter lacks; such a slice is
 * rebuilt). The key index has usually cached the footer when it looked the keys up; a footer
 * that cannot be read or parsed means a rebuild, as does a file group with no base file.
 */
function storedRecordKeys(store: ObjectStore, slice: FileSlice | undefined): Promise<StoredRecordKeys | undefined> {
  if (!slice?.baseFile || slice.logFiles.length > 0) return Promise.resolve(undefined);
  return baseFileRecordKeys(store, slice.baseFile).then(
    (stored) => stored,
    () => undefined,
  );
}

/** Writes the new version of one file group; undefined when nothing changed in it. */
export async function writeFileGroup(ctx: { store: ObjectStore; config: TableConfig }, w: GroupWrite): Promise<WriteStatInput | undefined> {
  const { store, config } = ctx;
  const { plan, instant, incoming } = w;
  const started = Date.now();
  let inserted = 0;
  let updated = 0;
  let deleted = 0;
  let seq = 0;
  let written = 0;

  const path = baseFilePath(plan.partition, plan.fileId, w.writerPartition, instant);
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  // The merged rows go to the encoder batch by batch, with their meta columns: the file group is
  // never held whole, merged, beside its encoding.
  const file = baseFileStream(
    prependMetaFields(w.dataSchema),
    { tableName: config.name, compression: w.compression, columnBloomFilters: tableBloomFilterColumns(config.raw) },
    { onWorker: w.encodeOnWorker ?? true, expectedBytes: expectedFileBytes(plan, incoming) },
  );
  // Stored rows keep their commit time, sequence number and key as stored (no string per row);
  // the record-key columns written are kept to rebuild the key filter when the old one is not reused.
  const carried = carriedSchema(w.dataSchema);
  const keyColumn = carried.fields.findIndex((f) => f.name === META.recordKey);
  const writtenKeys: Data<Utf8>[] = [];
  const emit = async (rows: RecordBatch) => {
    written += rows.numRows;
    writtenKeys.push(rows.data.children[keyColumn] as Data<Utf8>);
    await file.write(withFileMetaColumns(rows, plan.partition, fileName));
  };
  /** Incoming rows `rows` as written by this write: its commit time, the next sequence numbers. */
  const incomingRows = (rows: readonly number[]) => {
    const seqNos = seqNoColumn(instant, w.writerPartition, rows.length, seq);
    seq += rows.length;
    return carriedRows(takeRows(incoming.batch, rows), w.dataSchema, { commitTime: instant, seqNos, recordKeys: rows.map((i) => incoming.keys[i]) });
  };

  const matcher = new StoredKeyMatcher(incoming.keys, plan.updates);
  const ordering = config.orderingFields[0];
  const incomingOrder = ordering ? orderingReader(incoming.batch.getChild(ordering)) : undefined;
  const mergeMode = tableMergeMode(config);

  // Awaited before the index forgets the file: a footer read after would be cached again.
  const storedKeys = await storedRecordKeys(store, plan.slice);
  if (plan.slice) {
    const old = await readFileSlice(
      {
        store,
        config,
        mergeMode,
        isValidInstant: w.isValidInstant,
        table: w.fullSchema,
        output: w.fullSchema,
        ...w.corruption,
      },
      plan.slice,
    );
    for await (const batch of old) {
      const stored = selectColumns(batch, carried);
      const matches = matcher.match(stored.data.children[keyColumn] as Data<Utf8>);
      const first = matches.findIndex((u) => u !== -1);
      if (first === -1) {
        // nothing in this batch changes: written as decoded
        if (stored.numRows > 0) await emit(stored);
        continue;
      }
      const oldOrder = ordering ? orderingReader(batch.getChild(ordering)) : undefined;
      // Output rows keep the stored order; an updated record takes its stored row's place.
      // Index < numRows: a stored row; otherwise an incoming row (numRows + position in `fresh`).
      const picks: number[] = Array.from({ length: first }, (_, r) => r);
      const fresh: number[] = [];
      for (let r = first; r < matches.length; r++) {
        const u = matches[r];
        if (u === -1) {
          picks.push(r);
          continue;
        }
        if (w.deletes) {
          deleted++;
          continue;
        }
        // The table's merge rule: under event-time ordering a stored record with a greater
        // ordering value is kept; under commit-time ordering the incoming record always wins.
        if (incomingOrder && oldOrder && storedWins(mergeMode, oldOrder(r), incomingOrder(u))) {
          picks.push(r);
          continue;
        }
        picks.push(stored.numRows + fresh.length);
        fresh.push(u);
        updated++;
      }
      if (picks.length === 0) continue;
      await emit(mergedRows(stored, fresh.length > 0 ? incomingRows(fresh) : stored, picks));
    }
    // Only once read: the merge reads the bytes this process wrote of the file, if it holds them,
    // instead of the store; after it, nothing reads the old version again.
    if (plan.slice.baseFile) forgetBaseFile(store, plan.slice.baseFile.path, { written: true });
  }

  // Keys to update that the stored file no longer held (index raced a concurrent change): inserts.
  const inserts = w.deletes ? [] : [...matcher.unmatched(), ...plan.inserts];
  // in batches of the size reads make, so each meta column is made for a piece's worth of rows
  for (let at = 0; at < inserts.length; at += INSERT_BATCH_ROWS) await emit(incomingRows(inserts.slice(at, at + INSERT_BATCH_ROWS)));
  inserted = inserts.length;
  if (inserted === 0 && updated === 0 && deleted === 0) return undefined;
  // Every stored row's key is in the old file's filter already: only the inserted keys are new.
  const footer = reusedRecordKeyFooter(storedKeys, {
    type: 'DYNAMIC_V0',
    addedKeys: inserted,
    rebuildEntries: recordKeyFilterEntries(written),
  });
  if (footer) for (const i of inserts) footer.add(incoming.keys[i]);
  const bytes = await file.finish(footer ? [] : { columns: writtenKeys }, footer);
  const marker = baseFileMarker(instant, path, plan);
  if (!w.premarked?.has(marker)) {
    await w.started;
    await store.put(marker, new Uint8Array());
  }
  w.onFile(path, marker);
  await w.beforePut?.();
  await store.put(path, bytes);
  rememberWrittenBaseFile(store, path, bytes);
  return {
    fileId: plan.fileId,
    path,
    partitionPath: plan.partition,
    prevCommit: plan.slice?.baseInstantTime,
    numWrites: written,
    numDeletes: deleted,
    numUpdateWrites: updated,
    numInserts: inserted,
    fileSizeInBytes: bytes.length,
    ...(plan.slice ? { totalUpsertTimeMs: Date.now() - started } : { totalCreateTimeMs: Date.now() - started }),
  };
}
