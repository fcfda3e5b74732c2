// Ranges of a file's columns from the metadata table's column_stats partition, in the domain the
// filter compares in, so a file is ruled out before its footer is read. A statistic whose type
// does not fit the column as the table's schema has it now (a promoted type, another decimal
// scale) gives no range for that column: the file is then judged by its footer.

import type { ColumnStats, StatsValue } from '@lake/core/format';

import type { RangeLookup } from './prune.js';
import type { ColumnKind, DomainValue } from './values.js';

/** A bigint in the range of doubles that hold every integer exactly. */
function safeNumber(v: bigint): number | undefined {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

/** A statistic in the column's domain; `side` rounds outward when timestamp units differ. */
export function statsToDomain(v: StatsValue, kind: ColumnKind, side: 'min' | 'max'): DomainValue | undefined {
  switch (kind.kind) {
    case 'int':
      return v.type === 'int' ? v.value : v.type === 'long' ? safeNumber(v.value) : undefined;
    case 'bigint':
      return v.type === 'long' ? v.value : v.type === 'int' ? BigInt(v.value) : undefined;
    case 'float':
      return v.type === 'float' || v.type === 'int' ? v.value : undefined;
    case 'decimal':
      return v.type === 'decimal' && v.scale === kind.scale ? v.unscaled : undefined;
    case 'date':
      return v.type === 'date' ? v.days : undefined;
    case 'timestamp': {
      if (v.type !== 'timestamp') return undefined;
      const diff = v.unitDigits - (kind.unitDigits ?? 3);
      if (diff === 0) return v.value;
      if (diff < 0) return v.value * 10n ** BigInt(-diff);
      const f = 10n ** BigInt(diff);
      const q = v.value / f;
      // round outward so the range still covers every value
      if (side === 'min') return v.value < 0n && q * f !== v.value ? q - 1n : q;
      return v.value > 0n && q * f !== v.value ? q + 1n : q;
    }
    case 'string':
      return v.type === 'string' ? v.value : undefined;
    case 'bool':
      return v.type === 'boolean' ? v.value : undefined;
    default:
      return undefined;
  }
}

/** The ranges of one file's columns, for `mayMatch`. */
export function columnStatsRanges(stats: ReadonlyMap<string, ColumnStats>, kinds: ReadonlyMap<string, ColumnKind>): RangeLookup {
  return (column) => {
    const s = stats.get(column);
    const kind = kinds.get(column);
    if (!s || !kind) return undefined;
    const min = s.min && statsToDomain(s.min, kind, 'min');
    const max = s.max && statsToDomain(s.max, kind, 'max');
    const counted = s.nullCount !== undefined && s.valueCount !== undefined;
    if ((min === undefined || max === undefined) && !counted) return undefined;
    return {
      ...(min !== undefined && max !== undefined && { min, max }),
      ...(counted ? { nullCount: s.nullCount, rows: s.valueCount! } : { rows: 0 }),
    };
  };
}
