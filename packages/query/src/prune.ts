// Pruning by value ranges: whether any row of a partition, file or row group can match, from
// what is known without reading rows — partition values, Parquet min/max/null-count statistics,
// and the Hudi record-key range and bloom filter in a base file's footer.

import type { ParquetColumn, ParquetFileMetadata, StatValue } from '@lake/parquet';
import type { Bound } from './bind.js';
import { compareDomain, type ColumnKind, type DomainValue } from './values.js';

/** What is known about one column over a set of rows. */
interface ColumnRange {
  min?: DomainValue;
  max?: DomainValue;
  nullCount?: number;
  rows: number;
}

export type RangeLookup = (column: string) => ColumnRange | undefined;

function within(v: DomainValue, r: ColumnRange, mul: bigint): boolean {
  const min = r.min === undefined ? undefined : mul === 1n ? r.min : (r.min as bigint) * mul;
  const max = r.max === undefined ? undefined : mul === 1n ? r.max : (r.max as bigint) * mul;
  return (min === undefined || compareDomain(min, v) <= 0) && (max === undefined || compareDomain(v, max) <= 0);
}

/** False only when no row described by `lookup` can satisfy `bound`. */
export function mayMatch(bound: Bound, lookup: RangeLookup): boolean {
  switch (bound.type) {
    case 'const':
      return bound.value;
    case 'and':
      return bound.children.every((c) => mayMatch(c, lookup));
    case 'or':
      return bound.children.some((c) => mayMatch(c, lookup));
    default:
      break;
  }
  const r = lookup(bound.column);
  if (!r) return true;
  if (bound.type === 'null') {
    if (r.nullCount === undefined) return true;
    return bound.negated ? r.nullCount < r.rows : r.nullCount > 0;
  }
  // every value null: no comparison can hold
  if (r.nullCount !== undefined && r.nullCount >= r.rows) return false;
  // floats may hide NaN outside min/max, so only bounds-based tests that NaN cannot pass are used
  const float = bound.kind.kind === 'float';
  const mul = bound.mul;
  const min = r.min === undefined ? undefined : mul === 1n ? r.min : (r.min as bigint) * mul;
  const max = r.max === undefined ? undefined : mul === 1n ? r.max : (r.max as bigint) * mul;
  if (bound.type === 'in') {
    if (!bound.negated) return bound.values.some((v) => within(v, r, mul));
    if (float || min === undefined || max === undefined || compareDomain(min, max) !== 0) return true;
    return !bound.values.some((v) => compareDomain(v, min) === 0);
  }
  const v = bound.value;
  switch (bound.op) {
    case '=':
      return within(v, r, mul);
    case '!=':
      if (float || min === undefined || max === undefined) return true;
      return !(compareDomain(min, v) === 0 && compareDomain(max, v) === 0);
    case '<':
      return min === undefined || compareDomain(min, v) < 0;
    case '<=':
      return min === undefined || compareDomain(min, v) <= 0;
    case '>':
      return max === undefined || compareDomain(max, v) > 0;
    case '>=':
      return max === undefined || compareDomain(max, v) >= 0;
  }
}

const UNIT_DIGITS: Record<string, number> = { MILLIS: 3, MICROS: 6, NANOS: 9 };

/** A Parquet statistic in the column's domain; `side` rounds outward when units differ. */
function statToDomain(v: StatValue, kind: ColumnKind, column: ParquetColumn, side: 'min' | 'max'): DomainValue | undefined {
  switch (kind.kind) {
    case 'int':
    case 'float':
      return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
    case 'bigint':
      return typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
    case 'decimal':
      return typeof v === 'object' && v !== null && 'unscaled' in v && v.scale === kind.scale ? v.unscaled : undefined;
    case 'date':
      return v instanceof Date ? v.getTime() / 86_400_000 : undefined;
    case 'timestamp': {
      const lt = column.logicalType;
      if (typeof v !== 'bigint' || lt?.type !== 'TIMESTAMP') return undefined;
      const diff = UNIT_DIGITS[lt.unit] - (kind.unitDigits ?? 3);
      if (diff === 0) return v;
      if (diff < 0) return v * 10n ** BigInt(-diff);
      const f = 10n ** BigInt(diff);
      const q = v / f;
      // round outward so the range still covers every value
      if (side === 'min') return v < 0n && q * f !== v ? q - 1n : q;
      return v > 0n && q * f !== v ? q + 1n : q;
    }
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    default:
      return undefined;
  }
}

/** Ranges of the top-level primitive columns over some row groups of a file. */
export function rowGroupRanges(meta: ParquetFileMetadata, rowGroups: number[], kinds: Map<string, ColumnKind>): RangeLookup {
  const cache = new Map<string, ColumnRange | undefined>();
  return (name) => {
    if (cache.has(name)) return cache.get(name);
    const kind = kinds.get(name);
    const column = meta.columns.find((c) => c.path.length === 1 && c.name === name);
    let range: ColumnRange | undefined;
    if (kind && column) {
      range = { rows: 0, nullCount: 0 };
      let minKnown = true;
      let maxKnown = true;
      for (const g of rowGroups) {
        const group = meta.rowGroups[g];
        const chunk = group.columns[column.index];
        const s = chunk.statistics;
        range.rows += group.numRows;
        if (range.nullCount !== undefined) range.nullCount = s?.nullCount === undefined ? undefined : range.nullCount + s.nullCount;
        if (s?.nullCount !== undefined && s.nullCount >= group.numRows) continue;
        const min = s?.min === undefined ? undefined : statToDomain(s.min, kind, column, 'min');
        const max = s?.max === undefined ? undefined : statToDomain(s.max, kind, column, 'max');
        if (min === undefined) minKnown = false;
        else if (range.min === undefined || compareDomain(min, range.min) < 0) range.min = min;
        if (max === undefined) maxKnown = false;
        else if (range.max === undefined || compareDomain(max, range.max) > 0) range.max = max;
      }
      if (!minKnown) delete range.min;
      if (!maxKnown) delete range.max;
    }
    cache.set(name, range);
    return range;
  };
}

/** A partition value (text from the path) in the column's domain; undefined when not exact. */
export function partitionValueToDomain(text: string, kind: ColumnKind): DomainValue | undefined {
  switch (kind.kind) {
    case 'string':
      return text;
    case 'int': {
      const n = Number(text);
      return /^-?\d+$/.test(text) && Number.isSafeInteger(n) ? n : undefined;
    }
    case 'bigint':
      return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
    case 'bool':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'date': {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      if (!m) return undefined;
      const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
      return Number.isNaN(ms) ? undefined : ms / 86_400_000;
    }
    default:
      // floats, decimals and timestamps are rendered in engine-specific ways: not worth the risk
      return undefined;
  }
}

/**
 * Record keys the filter pins down: equality (or `in`) on the record-key column, at the top
 * level of the filter, or undefined when it does not.
 */
export function pinnedKeys(bound: Bound, keyColumns: ReadonlySet<string>): string[] | undefined {
  if (bound.type === 'and') {
    for (const c of bound.children) {
      const keys = pinnedKeys(c, keyColumns);
      if (keys) return keys;
    }
    return undefined;
  }
  if (bound.type === 'compare' && bound.op === '=' && keyColumns.has(bound.column) && typeof bound.value === 'string') return [bound.value];
  if (bound.type === 'in' && !bound.negated && keyColumns.has(bound.column) && bound.values.every((v) => typeof v === 'string')) return bound.values as string[];
  return undefined;
}
