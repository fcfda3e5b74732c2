// One column's statistics over a whole file or some of its row groups, aggregated from the
// footer's per-chunk statistics.

import { ParquetError } from './errors.js';
import type { ParquetFileMetadata } from './file-metadata.js';
import { compareStatValues, type StatValue } from './statistics.js';

/** Statistics of one column over a whole file (or a set of row groups). */
export interface ColumnStatistics {
  column: string;
  /** Lowest min over the row groups; absent if any row group with non-null values lacks one. */
  min?: StatValue;
  max?: StatValue;
  /** Sum over row groups; absent if any row group did not record it. */
  nullCount?: number;
  numValues: number;
  rowGroups: number;
}

/**
 * Aggregates one leaf column's statistics across row groups (all, or the given indexes).
 * `columnName` is the leaf's dotted path (e.g. 'structField.field1' or a top-level primitive name).
 */
export function columnStatistics(meta: ParquetFileMetadata, columnName: string, rowGroups?: number[]): ColumnStatistics {
  const column = meta.columns.find((c) => c.name === columnName);
  if (!column) {
    throw new ParquetError(
      'PARQUET_COLUMN_NOT_FOUND',
      `Column "${columnName}" is not a leaf column of this file. Leaf columns: ${meta.columns.map((c) => c.name).join(', ')}.`,
    );
  }
  const groups = rowGroups ? rowGroups.map((i) => meta.rowGroups[i]).filter((g) => g !== undefined) : meta.rowGroups;
  let min: StatValue | undefined;
  let max: StatValue | undefined;
  let minKnown = true;
  let maxKnown = true;
  let nullCount: number | undefined = 0;
  let numValues = 0;
  for (const rg of groups) {
    const chunk = rg.columns[column.index];
    const s = chunk.statistics;
    numValues += chunk.numValues;
    if (nullCount !== undefined) nullCount = s?.nullCount === undefined ? undefined : nullCount + s.nullCount;
    // a chunk whose values are all null has no bounds and needs none
    const allNull = s?.nullCount !== undefined && s.nullCount === chunk.numValues;
    if (allNull) continue;
    if (s?.min === undefined) minKnown = false;
    else if (min === undefined || compareStatValues(s.min, min) < 0) min = s.min;
    if (s?.max === undefined) maxKnown = false;
    else if (max === undefined || compareStatValues(s.max, max) > 0) max = s.max;
  }
  return {
    column: column.name,
    ...(minKnown && min !== undefined ? { min } : {}),
    ...(maxKnown && max !== undefined ? { max } : {}),
    ...(nullCount !== undefined ? { nullCount } : {}),
    numValues,
    rowGroups: groups.length,
  };
}
