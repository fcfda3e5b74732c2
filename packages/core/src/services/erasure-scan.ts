// Reading data files for erased values: base files (the column and the record keys) and log
// files block by block — data blocks, the record keys of delete blocks, and the raw bytes of
// every block lake does not decode as rows, corrupt stretches included.

import { NotFoundError, type ObjectStore } from '@lake/storage';
import { bloomProbe, byteSourceFromStore, openParquet } from '@lake/parquet';
import { DataType, makeVector, type Data, type Table, type Utf8, type Vector } from 'apache-arrow';

import { LogFormatError } from '../errors.js';
import { parseBaseFileName } from '../file-group/base-file.js';
import { parseLogFileName } from '../file-group/log-file.js';
import { decodeAvroDataBlock, decodeDeleteBlock, decodeParquetDataBlock } from '../log/data-block.js';
import { BlockType } from '../log/log-format.js';
import { readLogBlocks, type LogBlock } from '../log/log-reader.js';
import { META } from '../schema/table-schema.js';
import { listPartitions } from '../table/partition.js';
import type { ValueMatcher } from './erasure-match.js';
import { probeValues, searchBaseFile, type SearchLog } from './erasure-search.js';

export interface FileScan {
  /** Statistics ruled the file out (or it is gone, or not a data file). */
  skipped: boolean;
  /** Record keys of rows whose column holds an erased value. */
  keys: string[];
  /** Everything else holding an erased value: keys, delete-block keys, raw bytes of other blocks. */
  otherHits: number;
}

export interface ScanOptions {
  column: string;
  matcher: ValueMatcher;
  /** Values for pruning by min/max statistics of the column; empty: never prune. */
  values: readonly (string | number | bigint)[];
  /** Also look for values in record keys of rows (always done for delete blocks). */
  keys: boolean;
  /** Where a search of base files by column logs what it read and skipped. */
  log?: SearchLog;
  /**
   * A scan that looks into keys: the erased values themselves, to ask the column's bloom filters
   * which row groups cannot hold them (their column is then not read; their keys still are).
   */
  bloomValues?: readonly (string | number | bigint)[];
}

/**
 * Rows (by index) of `vector` for which `test` holds. A text column is searched a chunk at a time
 * in its concatenated bytes first, and only a chunk where a value may occur is read value by
 * value: a verification reads every record key of the table, nearly all of them in chunks that
 * hold no value.
 */
function matchingRows(vector: Vector, matcher: ValueMatcher, test: (v: unknown) => boolean): number[] {
  const out: number[] = [];
  let base = 0;
  for (const chunk of vector.data) {
    const offsets = DataType.isUtf8(chunk.type) ? (chunk as Data<Utf8>).valueOffsets : undefined;
    if (chunk.length > 0 && (!offsets || matcher.mayOccurIn(chunk.values as Uint8Array, offsets[0], offsets[chunk.length]))) {
      const piece = makeVector(chunk);
      for (let i = 0; i < piece.length; i++) if (test(piece.get(i))) out.push(base + i);
    }
    base += chunk.length;
  }
  return out;
}

function rowsOf(t: Table, o: ScanOptions, out: FileScan): void {
  const col = t.getChild(o.column);
  const keyCol = t.getChild(META.recordKey);
  const { matcher } = o;
  const valueRows = col ? matchingRows(col, matcher, (v) => matcher.equals(v)) : [];
  for (const i of valueRows) out.keys.push(String(keyCol?.get(i) ?? ''));
  if (!o.keys || !keyCol) return;
  // A row already counted by its column is not counted again by its key.
  const counted = new Set(valueRows);
  for (const i of matchingRows(keyCol, matcher, (k) => matcher.inKey(k))) if (!counted.has(i)) out.otherHits++;
}

async function scanBaseFile(store: ObjectStore, path: string, o: ScanOptions): Promise<FileScan> {
  // By the column alone, min/max statistics and the column's bloom filters rule row groups out;
  // record keys have neither, so a scan that looks into keys reads every row group.
  if (!o.keys) {
    const found = await searchBaseFile(store, path, o.column, (v) => o.matcher.equals(v), {
      values: o.values,
      statistics: o.values.length > 0,
      bloomFilters: true,
      ...(o.log ? { log: o.log } : {}),
    });
    return { skipped: found.skipped, keys: found.keys, otherHits: 0 };
  }
  const out: FileScan = { skipped: true, keys: [], otherHits: 0 };
  let reader;
  try {
    reader = await openParquet(await byteSourceFromStore(store, path), { name: path, skipKeyValueMetadata: true });
  } catch (e) {
    if (e instanceof NotFoundError) return out;
    throw e;
  }
  const meta = reader.metadata;
  const leaf = meta.columns.find((c) => c.path.length === 1 && c.name === o.column);
  const readKeys = meta.columns.some((c) => c.name === META.recordKey);
  if (o.log) {
    o.log.filesOpened++;
    o.log.footerBytesRead += reader.stats.bytesRead;
  }
  if (leaf || readKeys) {
    // Row groups whose filter rules every value out: lake wrote the filter from the very rows, and
    // a filter has no false negatives, so their column cannot hold a value. A filter on the column
    // says nothing about record keys, which are read everywhere.
    let noValue: number[] = [];
    if (leaf && o.bloomValues && o.bloomValues.length > 0) {
      const filters = await reader.bloomFilters(o.column);
      if (filters) {
        if (o.log) o.log.filterBytesRead = (o.log.filterBytesRead ?? 0) + filters.bytesRead;
        const maybe = bloomProbe(filters, probeValues(o.bloomValues, leaf));
        noValue = meta.rowGroups.map((g) => g.index).filter((rg) => !maybe(rg));
      }
    }
    const withColumn = meta.rowGroups.map((g) => g.index).filter((rg) => !noValue.includes(rg));
    if (leaf && withColumn.length > 0) rowsOf(await reader.read({ columns: readKeys ? [o.column, META.recordKey] : [o.column], rowGroups: withColumn }), o, out);
    if (readKeys && noValue.length > 0) rowsOf(await reader.read({ columns: [META.recordKey], rowGroups: noValue }), o, out);
    if (!leaf && readKeys) rowsOf(await reader.read({ columns: [META.recordKey] }), o, out);
    out.skipped = false;
    if (o.log) {
      o.log.rowGroupsRead += leaf ? withColumn.length : 0;
      o.log.rowGroupsSkippedByBloomFilter += noValue.length;
      if (noValue.length > 0) o.log.skipped.push({ file: path, rowGroups: noValue, reason: 'bloom-filter' });
    }
  }
  if (o.log) o.log.bytesRead += reader.stats.bytesRead;
  return out;
}

/** The column and record keys of a Parquet data block; the whole block when it lacks one of them. */
function parquetBlockRows(block: LogBlock, path: string, column: string): Table {
  try {
    return decodeParquetDataBlock(block, path, [column, META.recordKey]);
  } catch (e) {
    if (e instanceof LogFormatError) return decodeParquetDataBlock(block, path);
    throw e;
  }
}

async function scanLogFile(store: ObjectStore, path: string, o: ScanOptions): Promise<FileScan> {
  const out: FileScan = { skipped: true, keys: [], otherHits: 0 };
  let bytes: Uint8Array;
  try {
    bytes = await store.get(path);
  } catch (e) {
    if (e instanceof NotFoundError) return out;
    throw e;
  }
  out.skipped = false;
  const scan = readLogBlocks(bytes);
  for (const block of scan.blocks) {
    if (block.type === BlockType.PARQUET_DATA) {
      rowsOf(parquetBlockRows(block, path, o.column), o, out);
      continue;
    }
    // Anything else is uncompressed: its bytes show a value wherever a decoder would find it.
    out.otherHits += o.matcher.countInBytes(block.content);
    try {
      if (block.type === BlockType.AVRO_DATA) {
        for (const r of decodeAvroDataBlock(block, path).records) {
          if (o.matcher.equals(r[o.column])) out.keys.push(String(r[META.recordKey] ?? ''));
        }
      } else if (block.type === BlockType.DELETE) {
        for (const d of decodeDeleteBlock(block, path)) if (o.matcher.inKey(d.recordKey)) out.otherHits++;
      }
    } catch (e) {
      if (!(e instanceof LogFormatError)) throw e;
    }
  }
  for (const c of scan.corrupt) out.otherHits += o.matcher.countInBytes(bytes, c.offset, c.offset + c.length);
  return out;
}

/** Reads one data file for erased values; files that are not data files are skipped. */
export async function scanDataFile(store: ObjectStore, path: string, o: ScanOptions): Promise<FileScan> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (parseBaseFileName(name)) return scanBaseFile(store, path, o);
  if (parseLogFileName(name)) return scanLogFile(store, path, o);
  return { skipped: true, keys: [], otherHits: 0 };
}

export function holdsValue(scan: FileScan): boolean {
  return scan.keys.length > 0 || scan.otherHits > 0;
}

/** Every data file (base and log) in the table's partition folders. */
export async function dataFiles(store: ObjectStore): Promise<{ partition: string; key: string }[]> {
  const out: { partition: string; key: string }[] = [];
  for (const p of await listPartitions(store)) {
    for (const f of p.files) if (parseBaseFileName(f.name) || parseLogFileName(f.name)) out.push({ partition: p.path, key: f.key });
  }
  return out;
}
