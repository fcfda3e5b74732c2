// Column statistics of the metadata table in the filter's domain: a value is compared only when
// its type fits the column as the schema has it now; timestamps in another unit are widened
// outward, so a file is never ruled out by rounding.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Field, Int32, Int64, Schema, TimestampMillisecond, Utf8 } from 'apache-arrow';
import type { ColumnStats } from '@lake/core/format';

import { bindExpr } from '../src/bind.js';
import { columnStatsRanges, statsToDomain } from '../src/column-stats-prune.js';
import { parseExpr } from '../src/parse.js';
import { mayMatch } from '../src/prune.js';
import { columnKind } from '../src/values.js';

const schema = new Schema([new Field('s', new Utf8(), true), new Field('n', new Int32(), true), new Field('b', new Int64(), true), new Field('t', new TimestampMillisecond(), true)]);
const kinds = new Map(schema.fields.map((f) => [f.name, columnKind(f.type)]));

function stats(entries: Record<string, ColumnStats>): Map<string, ColumnStats> {
  return new Map(Object.entries(entries));
}

const match = (filter: string, s: Map<string, ColumnStats>): boolean => mayMatch(bindExpr(parseExpr(filter), schema), columnStatsRanges(s, kinds));

describe('column_stats ranges', () => {
  it('rules a file out for =, IN and ranges only outside [min, max]', () => {
    const s = stats({ s: { min: { type: 'string', value: 'b' }, max: { type: 'string', value: 'd' }, nullCount: 0, valueCount: 5 }, n: { min: { type: 'long', value: 10n }, max: { type: 'long', value: 20n } } });
    expect(match("s = 'a'", s)).toBe(false);
    expect(match("s = 'c'", s)).toBe(true);
    expect(match("s in ('a', 'e')", s)).toBe(false);
    expect(match("s in ('a', 'd')", s)).toBe(true);
    expect(match('n > 20', s)).toBe(false);
    expect(match('n >= 20', s)).toBe(true);
    expect(match('n < 10', s)).toBe(false);
    expect(match('s is null', s)).toBe(false);
  });

  it('a statistic of another type proves nothing', () => {
    const s = stats({ n: { min: { type: 'string', value: '5' }, max: { type: 'string', value: '6' } }, s: { min: { type: 'long', value: 1n }, max: { type: 'long', value: 2n } } });
    expect(match('n = 100', s)).toBe(true);
    expect(match("s = 'zzz'", s)).toBe(true);
  });

  it('every null: no comparison can hold', () => {
    const s = stats({ n: { nullCount: 3, valueCount: 3 } });
    expect(match('n = 1', s)).toBe(false);
    expect(match('n is null', s)).toBe(true);
  });

  it('timestamps in a finer unit round outward: every value in the file stays within the range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 0n, max: 10n ** 9n }), (lo, span) => {
        const min = statsToDomain({ type: 'timestamp', value: lo, unitDigits: 6, local: false }, kinds.get('t')!, 'min') as bigint;
        const max = statsToDomain({ type: 'timestamp', value: lo + span, unitDigits: 6, local: false }, kinds.get('t')!, 'max') as bigint;
        // any micros value v in [lo, lo + span] read as millis (floor) lies in [min, max]
        const floorDiv = (v: bigint): bigint => (v >= 0n || v % 1000n === 0n ? v / 1000n : v / 1000n - 1n);
        return min <= floorDiv(lo) && floorDiv(lo + span) <= max;
      }),
    );
  });
});
