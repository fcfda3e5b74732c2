// Reads the merged records of one partition of the metadata table: per file group, the HFile base
// file, then the log blocks of instants that count (HFile or Avro data blocks, delete blocks), in
// Hudi's merge order. What a record is and how two records of a key merge is the caller's: the
// `files` and `column_stats` partitions share this walk and differ only in their records.

import { byteSourceFromStore } from '@lake/parquet';

import type { AvroRecord } from '../avro/avro-decoder.js';
import type { AvroType } from '../avro/avro-schema.js';
import { CorruptMetadataTableError, UnsupportedFeatureError } from '../errors.js';
import type { FileSlice } from '../file-group/file-slice.js';
import { FileInfoKey } from '../hfile/file-info.js';
import { openHFile } from '../hfile/hfile-reader.js';
import { decodeAvroDataBlock, decodeDeleteBlock } from '../log/data-block.js';
import { BlockType, HeaderKey } from '../log/log-format.js';
import { scanLogFiles } from '../log/log-scanner.js';
import { buildFileSystemView, latestFileSlices } from '../table/fs-view.js';
import type { Timeline } from '../timeline/timeline.js';
import { metadataSchema } from './files-record.js';

/** How a partition's records are decoded and merged. */
export interface RecordCodec<R> {
  /** One Avro-encoded value of an HFile cell whose row key is `key`. */
  decode(key: string, value: Uint8Array, schema: AvroType, path: string): R;
  /** One record of an Avro log block (its key is its `key` field). */
  fromAvro(key: string, rec: AvroRecord, path: string): R;
  /** A later record of a key merged into the earlier one. */
  merge(older: R, newer: R): R;
}

export interface PartitionReadOptions {
  asOf?: string;
  /** Which metadata-table instants count besides completing on its own timeline. */
  isValidInstant?: (instant: string) => boolean;
  /** Only these keys (HFiles are then searched through their block index). */
  keys?: readonly string[];
  /** Only keys it accepts, tested before a record is decoded. */
  acceptKey?: (key: string) => boolean;
  /**
   * Given the partition's file group ids in Hudi's order (sorted), the keys to look up in each:
   * file groups it leaves out are not read at all. Supersedes `keys`.
   */
  keysByFileGroup?: (fileIds: readonly string[]) => ReadonlyMap<string, readonly string[]>;
  /** Told of each damaged stretch of a log file the walk skipped (by default skipped silently). */
  onCorruptLog?: (stretch: { path: string; offset: number; length: number; instantTime?: string }) => void;
}

/** Folds a slice's base file and logs into `merged`, in Hudi's order: base, then log blocks. */
async function mergeSlice<R>(
  timeline: Timeline,
  partition: string,
  slice: FileSlice,
  isVisible: (t: string) => boolean,
  options: PartitionReadOptions,
  codec: RecordCodec<R>,
  merged: Map<string, R>,
): Promise<void> {
  const mt = timeline.store;
  const wanted = options.keys && new Set(options.keys);
  const accept = options.acceptKey;
  const put = (key: string, r: R): void => {
    if (wanted && !wanted.has(key)) return;
    const prev = merged.get(key);
    merged.set(key, prev === undefined ? r : codec.merge(prev, r));
  };
  const readHFile = async (source: Parameters<typeof openHFile>[0], path: string, schemaJson: string | undefined): Promise<void> => {
    const reader = await openHFile(source, { path });
    const json = schemaJson ?? reader.fileInfoText(FileInfoKey.SCHEMA);
    if (!json) throw new CorruptMetadataTableError(`the HFile of the ${partition} partition names no Avro schema for its records`, { path });
    const schema = metadataSchema(json, path);
    const dec = new TextDecoder();
    const cells = options.keys ? await reader.get(options.keys) : reader.cells();
    for await (const cell of cells) {
      const key = dec.decode(cell.row);
      if (accept && !accept(key)) continue;
      put(key, codec.decode(key, cell.value, schema, path));
    }
  };
  if (slice.baseFile) {
    const base = slice.baseFile;
    await readHFile(await byteSourceFromStore(mt, base.path, base.size), base.path, undefined);
  }
  const scan = await scanLogFiles(mt, slice.logFiles, isVisible, options.asOf);
  if (options.onCorruptLog) for (const c of scan.corrupt) options.onCorruptLog(c);
  for (const { block, logFile } of scan.blocks) {
    const path = logFile.path;
    if (block.type === BlockType.HFILE_DATA) {
      await readHFile(block.content, `${path}@${block.offset}`, block.header.get(HeaderKey.SCHEMA));
    } else if (block.type === BlockType.AVRO_DATA) {
      for (const rec of decodeAvroDataBlock(block, path).records) {
        if (typeof rec.key !== 'string') throw new CorruptMetadataTableError(`a record of an Avro log block of the ${partition} partition has no key`, { path });
        if (accept && !accept(rec.key)) continue;
        put(rec.key, codec.fromAvro(rec.key, rec, path));
      }
    } else if (block.type === BlockType.DELETE) {
      for (const d of decodeDeleteBlock(block, path)) merged.delete(d.recordKey);
    } else if (block.type === BlockType.PARQUET_DATA) {
      throw new UnsupportedFeatureError(`${path}: Parquet log blocks in the metadata table's ${partition} partition are not read; read the table without its metadata table`);
    }
  }
}

/**
 * The merged records of `partition` of the metadata table whose timeline is `timeline` (its
 * store is the metadata table's folder), keyed by record key.
 */
export async function readPartitionRecords<R>(timeline: Timeline, partition: string, codec: RecordCodec<R>, options: PartitionReadOptions = {}): Promise<Map<string, R>> {
  const mt = timeline.store;
  const dir = await mt.listDirectory(`${partition}/`);
  const listing = [{ path: partition, files: dir.objects.map((o) => ({ key: o.key, name: o.key.slice(o.key.lastIndexOf('/') + 1), size: o.size })) }];
  const view = await buildFileSystemView(mt, timeline, { asOf: options.asOf, listing });
  const valid = options.isValidInstant;
  const isVisible = valid ? (t: string): boolean => view.isVisible(t) && valid(t) : view.isVisible;
  const merged = new Map<string, R>();
  let slices = latestFileSlices(view);
  let keysOf: ReadonlyMap<string, readonly string[]> | undefined;
  if (options.keysByFileGroup) {
    // Hudi hashes a key to a file group by its place among the partition's file ids, in sorted order
    keysOf = options.keysByFileGroup(slices.map((s) => s.fileId).sort());
    slices = slices.filter((s) => keysOf!.has(s.fileId));
  }
  for (const slice of slices) {
    // A base file folds in every delta commit before it; one that does not count cannot be taken out again.
    if (slice.baseFile && !isVisible(slice.baseFile.instantTime)) {
      throw new CorruptMetadataTableError(`the base file ${slice.baseFile.fileName} of the ${partition} partition was written by an instant the data table did not complete`, { path: slice.baseFile.path });
    }
    const sliceOptions = keysOf ? { ...options, keys: keysOf.get(slice.fileId)! } : options;
    await mergeSlice(timeline, partition, slice, isVisible, sliceOptions, codec, merged);
  }
  return merged;
}
