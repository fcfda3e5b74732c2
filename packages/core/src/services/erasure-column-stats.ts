// Whether the metadata table's column statistics of a base file prove that its column holds none
// of an erasure's values, so the search skips the file without reading its footer. An erasure
// matches a cell by its text (`String(value)`), so only what compares exactly as text is ruled
// out: strings by code point (the order Parquet and Hudi keep min/max in), and integers given in
// their canonical decimal form. Anything else (floats, decimals, dates, a value not in canonical
// form, a range missing a bound) proves nothing, and the file's footer is read as before.

import type { ColumnStats, StatsValue } from '../metadata-table/column-stats-index.js';
import { compareCodePoints } from '../metadata-table/column-stats-record.js';

type ErasureValue = string | number | bigint;

function integerOf(text: string): bigint | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = BigInt(text);
  return String(n) === text ? n : undefined;
}

/** Whether `text` may lie within [min, max]: false only when it provably cannot. */
function mayLie(text: string, min: StatsValue, max: StatsValue): boolean {
  if (min.type === 'string' && max.type === 'string') return compareCodePoints(text, min.value) >= 0 && compareCodePoints(text, max.value) <= 0;
  if ((min.type === 'int' || min.type === 'long') && (max.type === 'int' || max.type === 'long')) {
    const n = integerOf(text);
    if (n === undefined) return true;
    return n >= BigInt(min.value) && n <= BigInt(max.value);
  }
  return true;
}

/** True only when the statistics prove the column holds none of `values` in this file. */
export function columnStatsExclude(stats: ColumnStats | undefined, values: readonly ErasureValue[]): boolean {
  if (!stats || values.length === 0) return false;
  // every cell null: nothing matches a value
  if (stats.nullCount !== undefined && stats.valueCount !== undefined && stats.valueCount > 0 && stats.nullCount >= stats.valueCount) return true;
  const { min, max } = stats;
  if (!min || !max) return false;
  return !values.some((v) => mayLie(String(v), min, max));
}
