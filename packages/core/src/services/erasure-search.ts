// Finding an erasure's rows in one base file while reading as little as possible: the footer
// first, then per row group the column statistics (min/max) and the column's Parquet bloom
// filter, and only then the erasure column (and record keys) of the row groups still in doubt.
// A user id spread over a year defeats min/max, but a bloom filter rules out almost every row
// group that does not hold it. Files without filters are read as before.

import { NotFoundError, type ObjectStore } from '@lake/storage';
import {
  bloomProbe,
  byteSourceFromStore,
  columnStatistics,
  openParquet,
  type ParquetColumn,
  type ParquetFileReader,
  type StatValue,
} from '@lake/parquet';

import type { FileSlice } from '../file-group/file-slice.js';
import { META } from '../schema/table-schema.js';

export type ErasureValue = string | number | bigint;

/** Row groups of one file left unread, and why. */
export interface RowGroupSkip {
  file: string;
  rowGroups: number[];
  reason: 'statistics' | 'bloom-filter';
}

/** What a search read and left unread, summed over the files it looked at. */
export interface SearchLog {
  filesOpened: number;
  rowGroupsRead: number;
  rowGroupsSkippedByStatistics: number;
  rowGroupsSkippedByBloomFilter: number;
  /** Bytes fetched: footers, bloom filters and column chunks. */
  bytesRead: number;
  /** Of those, the footers' (a Hudi base file's footer carries its record-key bloom filter). */
  footerBytesRead: number;
  /** Of those, the column's bloom filters' (absent in records before it was counted). */
  filterBytesRead?: number;
  /** Per file, the row groups skipped (files skipped whole are listed with all their row groups). */
  skipped: RowGroupSkip[];
  /** Base files ruled out by the metadata table's column statistics, their footers not read. */
  filesSkippedByColumnStats?: number;
}

export function newSearchLog(): SearchLog {
  return { filesOpened: 0, rowGroupsRead: 0, rowGroupsSkippedByStatistics: 0, rowGroupsSkippedByBloomFilter: 0, bytesRead: 0, footerBytesRead: 0, filterBytesRead: 0, skipped: [], filesSkippedByColumnStats: 0 };
}

export interface BaseFileSearch {
  /** Nothing was read beyond the footer and filters (missing file, no such column, or every row group ruled out). */
  skipped: boolean;
  /** Record keys of the rows holding a wanted value. */
  keys: string[];
}

function statValue(v: StatValue | undefined): ErasureValue | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return v;
  return undefined;
}

/** Whether any value can lie in [min, max]: false only when the statistics prove it cannot. */
function mayHold(values: readonly ErasureValue[], min: StatValue | undefined, max: StatValue | undefined): boolean {
  const lo = statValue(min);
  const hi = statValue(max);
  if (lo === undefined || hi === undefined) return true;
  for (const v of values) {
    if (typeof lo === 'string' && typeof v === 'string' && typeof hi === 'string') {
      if (v >= lo && v <= hi) return true;
    } else if (typeof lo !== 'string' && typeof v !== 'string' && typeof hi !== 'string') {
      if (v >= lo && v <= hi) return true;
    } else {
      return true;
    }
  }
  return false;
}

/**
 * Erasure values as the column stores them, for probing its filter: the CLI passes ids as text,
 * and an erasure matches by text, so "42" must probe an integer column as 42. A value that does
 * not convert exactly stays as it is (and the filter then answers "maybe").
 */
export function probeValues(values: readonly ErasureValue[], column: ParquetColumn): unknown[] {
  return values.map((v) => {
    if (typeof v !== 'string') return v;
    if ((column.physicalType === 'INT32' || column.physicalType === 'INT64') && /^-?\d+$/.test(v)) {
      const n = BigInt(v);
      return String(n) === v ? n : v;
    }
    if (column.physicalType === 'FLOAT' || column.physicalType === 'DOUBLE') {
      const n = Number(v);
      return String(n) === v ? n : v;
    }
    return v;
  });
}

export interface SearchOptions {
  /** Values to rule row groups out with; none: read every row group. */
  values: readonly ErasureValue[];
  /** Use min/max statistics (the snapshot search and purge do; verification does not). */
  statistics: boolean;
  /** Use the column's bloom filters where the file has them. */
  bloomFilters: boolean;
  log?: SearchLog;
}

/** Rows of base file `path` whose `column` holds a wanted value, with their record keys. */
export async function searchBaseFile(
  store: ObjectStore,
  path: string,
  column: string,
  wanted: (v: unknown) => boolean,
  options: SearchOptions,
): Promise<BaseFileSearch> {
  const keys: string[] = [];
  let reader;
  try {
    // the footer's key-value list (Hudi's record-key bloom filter, hundreds of KiB) is not needed
    reader = await openParquet(await byteSourceFromStore(store, path), { name: path, skipKeyValueMetadata: true });
  } catch (e) {
    if (e instanceof NotFoundError) return { skipped: true, keys };
    throw e;
  }
  const log = options.log;
  if (log) {
    log.filesOpened++;
    log.footerBytesRead += reader.stats.bytesRead;
  }
  const meta = reader.metadata;
  const leaf = meta.columns.find((c) => c.path.length === 1 && c.name === column);
  if (!leaf) {
    if (log) log.bytesRead += reader.stats.bytesRead;
    return { skipped: true, keys };
  }
  const all = meta.rowGroups.map((g) => g.index);
  let candidates = all;
  const byStatistics: number[] = [];
  const byBloom: number[] = [];
  if (options.statistics && options.values.length > 0) {
    candidates = candidates.filter((rg) => {
      const s = columnStatistics(meta, column, [rg]);
      const keep = mayHold(options.values, s.min, s.max);
      if (!keep) byStatistics.push(rg);
      return keep;
    });
  }
  if (options.bloomFilters && options.values.length > 0 && candidates.length > 0) {
    const filters = await reader.bloomFilters(column);
    if (filters) {
      if (log) log.filterBytesRead = (log.filterBytesRead ?? 0) + filters.bytesRead;
      const maybe = bloomProbe(filters, probeValues(options.values, leaf));
      candidates = candidates.filter((rg) => {
        const keep = maybe(rg);
        if (!keep) byBloom.push(rg);
        return keep;
      });
    }
  }
  if (candidates.length > 0) keys.push(...(await matchingKeys(reader, column, candidates, wanted)));
  if (log) {
    log.bytesRead += reader.stats.bytesRead;
    log.rowGroupsRead += candidates.length;
    log.rowGroupsSkippedByStatistics += byStatistics.length;
    log.rowGroupsSkippedByBloomFilter += byBloom.length;
    if (byStatistics.length > 0) log.skipped.push({ file: path, rowGroups: byStatistics, reason: 'statistics' });
    if (byBloom.length > 0) log.skipped.push({ file: path, rowGroups: byBloom, reason: 'bloom-filter' });
  }
  return { skipped: candidates.length === 0, keys };
}

/**
 * Record keys of the rows of row groups `candidates` whose column holds a wanted value. The
 * column is read first, and the record keys only of the row groups where a row matched: a
 * filter's false "maybe" then costs the column chunk alone, and a hit the keys of its row group.
 */
async function matchingKeys(reader: ParquetFileReader, column: string, candidates: number[], wanted: (v: unknown) => boolean): Promise<string[]> {
  const groups = [...candidates].sort((a, b) => a - b);
  const col = (await reader.read({ columns: [column], rowGroups: groups })).getChild(column);
  // rows (within their row group) that match, by row group
  const hits = new Map<number, number[]>();
  let row = 0;
  for (const rg of groups) {
    const n = reader.metadata.rowGroups[rg].numRows;
    for (let i = 0; i < n; i++) {
      if (!wanted(col?.get(row + i))) continue;
      const list = hits.get(rg) ?? [];
      list.push(i);
      hits.set(rg, list);
    }
    row += n;
  }
  if (hits.size === 0) return [];
  const withKeys = [...hits.keys()];
  // a file without record keys (not written by a Hudi writer) yields empty keys, as before
  if (!reader.metadata.columns.some((c) => c.name === META.recordKey)) return withKeys.flatMap((rg) => hits.get(rg)!.map(() => ''));
  const keyCol = (await reader.read({ columns: [META.recordKey], rowGroups: withKeys })).getChild(META.recordKey);
  const keys: string[] = [];
  let at = 0;
  for (const rg of withKeys) {
    for (const i of hits.get(rg)!) keys.push(String(keyCol?.get(at + i) ?? ''));
    at += reader.metadata.rowGroups[rg].numRows;
  }
  return keys;
}

/** Files a dry run says the erasure would rewrite: the current files of each touched file group. */
export interface PlannedRewrites {
  files: string[];
  /** Their total size: what the rewrite reads back (and roughly writes) besides the search. */
  bytes: number;
  /** File groups they belong to: each is rewritten once, whatever number of values it holds. */
  fileGroups: number;
}

export function addPlannedRewrite(plan: PlannedRewrites, slice: FileSlice): void {
  plan.fileGroups++;
  for (const f of [...(slice.baseFile ? [slice.baseFile] : []), ...slice.logFiles]) {
    plan.files.push(f.path);
    plan.bytes += f.size ?? 0;
  }
}
