// An erasure matches a cell by its text, so column statistics rule a file out only where the text
// comparison is exact: checked against the definition (some value in the file equals a value as
// text) over generated files of strings and integers.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { columnStatsExclude } from './erasure-column-stats.js';

describe('columnStatsExclude', () => {
  it('never rules out a file of integers holding a value, given as text or as a number', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 20 }), fc.array(fc.oneof(fc.integer({ min: -1100, max: 1100 }).map(String), fc.integer({ min: -1100, max: 1100 }), fc.constantFrom('007', '-0', '1.0', 'x')), { minLength: 1, maxLength: 4 }), (cells, values) => {
        const min = Math.min(...cells);
        const max = Math.max(...cells);
        const excluded = columnStatsExclude({ min: { type: 'long', value: BigInt(min) }, max: { type: 'int', value: max }, nullCount: 0, valueCount: cells.length }, values);
        const holds = cells.some((c) => values.some((v) => String(c) === String(v)));
        if (holds) expect(excluded).toBe(false);
        // canonical integers outside the range are ruled out
        if (values.every((v) => /^-?\d+$/.test(String(v)) && String(BigInt(String(v))) === String(v) && (Number(v) < min || Number(v) > max))) expect(excluded).toBe(true);
      }),
    );
  });

  it('never rules out a file of strings holding a value, in code point order', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', 'é', '\u{1F600}', '\uFF5E'), maxLength: 4 });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 10 }), fc.array(text, { minLength: 1, maxLength: 3 }), (cells, values) => {
        const order = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
        const sorted = [...cells].sort(order);
        const excluded = columnStatsExclude({ min: { type: 'string', value: sorted[0] }, max: { type: 'string', value: sorted.at(-1)! } }, values);
        if (cells.some((c) => values.includes(c))) expect(excluded).toBe(false);
        if (values.every((v) => order(v, sorted[0]) < 0 || order(v, sorted.at(-1)!) > 0)) expect(excluded).toBe(true);
      }),
    );
  });

  it('proves nothing without both bounds or for other types, and rules out a column of nulls', () => {
    expect(columnStatsExclude(undefined, ['1'])).toBe(false);
    expect(columnStatsExclude({ min: { type: 'long', value: 1n } }, ['9'])).toBe(false);
    expect(columnStatsExclude({ min: { type: 'float', value: 1 }, max: { type: 'float', value: 2 } }, ['9'])).toBe(false);
    expect(columnStatsExclude({ min: { type: 'date', days: 1 }, max: { type: 'date', days: 2 } }, ['9'])).toBe(false);
    expect(columnStatsExclude({ nullCount: 4, valueCount: 4 }, ['9'])).toBe(true);
    expect(columnStatsExclude({ nullCount: 3, valueCount: 4 }, ['9'])).toBe(false);
  });
});
