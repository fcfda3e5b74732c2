// Finding what an erasure must delete and compact: the record keys of the latest snapshot's rows
// whose column holds a value, and the file groups whose current files hold a value in any form
// (a base file, a log data block — valid or left by a failed write — or a delete block's keys).

import type { Schema } from 'apache-arrow';

import { fileGroupKey, type FileSlice } from '../file-group/file-slice.js';
import { projectSchema } from '../read/conform.js';
import { readFileSlice, type SliceReadPlan } from '../read/file-slice-reader.js';
import { META } from '../schema/table-schema.js';
import type { FileSystemView } from '../table/fs-view.js';
import { latestFileSlices } from '../table/fs-view.js';
import type { TableContext } from '../table/table-context.js';
import type { ColumnStatsIndex } from '../metadata-table/column-stats-index.js';
import { columnStatsExclude } from './erasure-column-stats.js';
import type { ValueMatcher } from './erasure-match.js';
import { holdsValue, scanDataFile, type ScanOptions } from './erasure-scan.js';

export interface Found {
  /** Distinct `partition \0 key` of rows to delete, mapped to the partition. */
  rows: Map<string, string>;
  /** File groups (`fileGroupKey`) whose current files hold a value. */
  touched: Set<string>;
  /** The files (base or log) the search found a value in: once replaced, they are purged without being read again. */
  holders: Set<string>;
  filesExamined: number;
  filesSkipped: number;
}

/** How a merged read treats damaged log blocks (the erasure refuses those of completed writes unless forced). */
export type CorruptionPolicy = Pick<SliceReadPlan, 'onCorruptLogBlocks' | 'committedLogExtent'>;

async function mergedKeys(table: TableContext, view: FileSystemView, schema: Schema, slice: FileSlice, column: string, m: ValueMatcher, corruption: CorruptionPolicy): Promise<string[]> {
  const keys: string[] = [];
  const output = projectSchema(schema, new Set([META.recordKey, column]));
  const rows = readFileSlice({ store: table.store, config: table.config, mergeMode: table.mergeMode, isValidInstant: view.isVisible, table: schema, output, ...corruption }, slice);
  for await (const b of rows) {
    const col = b.getChild(column);
    const keyCol = b.getChild(META.recordKey);
    for (let i = 0; i < b.numRows; i++) if (m.equals(col?.get(i))) keys.push(String(keyCol?.get(i)));
  }
  return keys;
}

/**
 * Examines the latest file slices: a base file alone is read for the column unless its
 * statistics rule every value out — the metadata table's column statistics (`columnStats`)
 * before its footer is read, then the footer's; a slice with logs has each of its files scanned,
 * and only a slice where some file holds a value is read merged, for the keys its snapshot still
 * holds.
 */
export async function findErased(
  table: TableContext,
  view: FileSystemView,
  schema: Schema,
  scan: ScanOptions,
  corruption: CorruptionPolicy = {},
  columnStats?: ColumnStatsIndex,
): Promise<Found> {
  const found: Found = { rows: new Map(), touched: new Set(), holders: new Set(), filesExamined: 0, filesSkipped: 0 };
  const store = table.store;
  for (const slice of latestFileSlices(view)) {
    // Statistics describe a base file's own rows; a key search reads keys, which they do not cover.
    if (columnStats && slice.baseFile && slice.logFiles.length === 0 && !scan.keys) {
      const stats = columnStats.fileStats(slice.partitionPath, slice.baseFile.fileName)?.get(scan.column);
      if (columnStatsExclude(stats, scan.values)) {
        found.filesSkipped++;
        if (scan.log) scan.log.filesSkippedByColumnStats = (scan.log.filesSkippedByColumnStats ?? 0) + 1;
        continue;
      }
    }
    let keys: string[] = [];
    let held = false;
    const files = [...(slice.baseFile ? [slice.baseFile.path] : []), ...slice.logFiles.map((f) => f.path)];
    for (const path of files) {
      const s = await scanDataFile(store, path, scan);
      if (s.skipped) found.filesSkipped++;
      else found.filesExamined++;
      if (holdsValue(s)) {
        held = true;
        found.holders.add(path);
      }
      // A base file alone is the snapshot: its rows are the ones to delete.
      if (slice.logFiles.length === 0) keys = s.keys;
    }
    if (!held) continue;
    // With logs, only the merged records say who holds a value now.
    if (slice.logFiles.length > 0) keys = await mergedKeys(table, view, schema, slice, scan.column, scan.matcher, corruption);
    found.touched.add(fileGroupKey(slice.partitionPath, slice.fileId));
    // Keys seen in logs may already be deleted or updated away: the delete is keyed, so either
    // way the key's record leaves the snapshot; count distinct keys.
    for (const key of keys) found.rows.set(`${slice.partitionPath}\u0000${key}`, slice.partitionPath);
  }
  return found;
}
