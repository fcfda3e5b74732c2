// Aggregations and joins against the same computations done in plain JavaScript.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, Field, Float64, Int64, Schema, Utf8 } from 'apache-arrow';
import { createTable, rowsToTable } from '@lake/core';
import { MemoryStore } from '@lake/storage';
import {
  aggregate,
  approxCountDistinct,
  avg,
  count,
  countDistinct,
  createHyperLogLog,
  join,
  max,
  min,
  scan,
  sum,
  InvalidQueryError,
} from '../src/index.js';

const schema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('g', new Utf8(), true),
  new Field('h', new Int64(), true),
  new Field('x', new Float64(), true),
  new Field('amt', new Decimal(2, 12, 128), true),
  new Field('u', new Utf8(), true),
]);

interface Row {
  id: string;
  g: string | null;
  h: bigint | null;
  x: number | null;
  amt: string | null;
  u: string | null;
}

const rowArb = fc.record({
  g: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null, freq: 5 }),
  h: fc.option(fc.bigInt({ min: 0n, max: 2n }), { nil: null, freq: 5 }),
  x: fc.option(fc.integer({ min: -100, max: 100 }).map((v) => v / 4), { nil: null, freq: 5 }),
  amt: fc.option(fc.integer({ min: -500, max: 500 }).map((c) => (c / 100).toFixed(2)), { nil: null, freq: 5 }),
  u: fc.option(fc.constantFrom('u1', 'u2', 'u3', 'u4'), { nil: null, freq: 5 }),
});

let n = 0;
async function tableOf(rows: Row[]) {
  const table = await createTable(new MemoryStore(`agg-${process.pid}-${++n}`), { recordKey: ['id'], schema });
  if (rows.length > 0) await table.insert(rowsToTable(rows as never, schema));
  return table;
}

describe('aggregate', () => {
  it('grouped count, count distinct, sum, min, max and avg equal plain JavaScript', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 60 }), async (draft) => {
        const rows: Row[] = draft.map((r, i) => ({ id: `r${i}`, ...r }));
        const table = await tableOf(rows);
        const out = await scan(table).groupBy('g', 'h').agg({
          n: count(),
          nx: count('x'),
          sx: sum('x'),
          mn: min('x'),
          mx: max('u'),
          ax: avg('x'),
          users: countDistinct('u'),
          approx: approxCountDistinct('u'),
          cents: sum('amt'),
        });
        const groups = new Map<string, Row[]>();
        for (const r of rows) {
          const k = JSON.stringify([r.g, r.h === null ? null : String(r.h)]);
          groups.set(k, [...(groups.get(k) ?? []), r]);
        }
        expect(out.numRows).toBe(groups.size);
        for (const [idx, row] of (out.toArray() as Record<string, unknown>[]).entries()) {
          const k = JSON.stringify([row.g, row.h === null ? null : String(row.h)]);
          const members = groups.get(k)!;
          expect(members, k).toBeDefined();
          const xs = members.map((m) => m.x).filter((v): v is number => v !== null);
          const us = members.map((m) => m.u).filter((v): v is string => v !== null);
          expect(row.n).toBe(members.length);
          expect(row.nx).toBe(xs.length);
          expect(row.sx).toBe(xs.length ? xs.reduce((a, b) => a + b, 0) : null);
          expect(row.mn).toBe(xs.length ? Math.min(...xs) : null);
          expect(row.mx).toBe(us.length ? us.sort().at(-1) : null);
          expect(row.ax).toBe(xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
          expect(row.users).toBe(new Set(us).size);
          expect(row.approx).toBe(new Set(us).size);
          const cents = members.map((m) => m.amt).filter((v): v is string => v !== null).map((v) => BigInt(Math.round(Number(v) * 100)));
          const sumCol = out.getChild('cents')!;
          if (cents.length) {
            const raw = sumCol.data[0].values as Uint32Array;
            const unscaled = BigInt.asIntN(128, (BigInt(raw[idx * 4 + 3]) << 96n) | (BigInt(raw[idx * 4 + 2]) << 64n) | (BigInt(raw[idx * 4 + 1]) << 32n) | BigInt(raw[idx * 4]));
            expect(unscaled).toBe(cents.reduce((a, b) => a + b, 0n));
          } else expect(sumCol.isValid(idx)).toBe(false);
        }
        // groups come sorted, nulls first
        const keys = (out.toArray() as Record<string, unknown>[]).map((r) => r.g as string | null);
        const sorted = [...keys].sort((a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1));
        expect(keys).toEqual(sorted);
      }),
      { numRuns: 30 },
    );
  });

  it('aggregates a whole table without groups, also when no row matches', async () => {
    const table = await tableOf([{ id: 'a', g: 'a', h: 1n, x: 2, amt: '1.00', u: 'u1' }]);
    const none = await scan(table).where("g = 'zzz'").agg({ n: count(), s: sum('x') });
    expect(none.toArray().map((r) => r.toJSON())).toEqual([{ n: 0, s: null }]);
    const all = await scan(table).agg({ n: count(), s: sum('x') });
    expect(all.toArray().map((r) => r.toJSON())).toEqual([{ n: 1, s: 2 }]);
  });

  it('rejects sums of strings and unknown columns with typed errors', async () => {
    const table = await tableOf([{ id: 'a', g: 'a', h: 1n, x: 2, amt: '1.00', u: 'u1' }]);
    await expect(scan(table).groupBy('g').agg({ s: sum('u') })).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(scan(table).groupBy('nope').agg({ n: count() })).rejects.toThrow(/Unknown column "nope"/);
  });

  it('HyperLogLog estimates large cardinalities within a few percent', () => {
    for (const n of [1000, 50_000, 300_000]) {
      const h = createHyperLogLog();
      for (let i = 0; i < n; i++) h.add(`user-${i}`);
      for (let i = 0; i < n; i += 3) h.add(`user-${i}`);
      expect(Math.abs(h.estimate() - n) / n).toBeLessThan(0.05);
    }
  });
});

describe('join', () => {
  const left = new Schema([new Field('k', new Utf8(), true), new Field('a', new Float64(), true)]);
  const right = new Schema([new Field('k', new Utf8(), true), new Field('a', new Utf8(), true)]);
  const keyArb = fc.option(fc.constantFrom('k1', 'k2', 'k3', 'k4'), { nil: null, freq: 6 });
  it('inner and left joins equal a nested loop, whichever side is smaller', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ k: keyArb, a: fc.integer({ min: 0, max: 9 }) }), { maxLength: 12 }),
        fc.array(fc.record({ k: keyArb, a: fc.constantFrom('x', 'y', 'z') }), { maxLength: 12 }),
        fc.constantFrom<'inner' | 'left'>('inner', 'left'),
        async (ls, rs, type) => {
          const out = await join(rowsToTable(ls, left), rowsToTable(rs, right), { on: 'k', type });
          expect(out.schema.fields.map((f) => f.name)).toEqual(['k', 'a', 'a_right']);
          const expected: string[] = [];
          for (const l of ls) {
            const hits = rs.filter((r) => l.k !== null && r.k === l.k);
            for (const h of hits) expected.push(JSON.stringify([l.k, l.a, h.a]));
            if (hits.length === 0 && type === 'left') expected.push(JSON.stringify([l.k, l.a, null]));
          }
          const got = (out.toArray() as { k: string | null; a: number; a_right: string | null }[]).map((r) => JSON.stringify([r.k, r.a, r.a_right]));
          expect(got.sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 100 },
    );
  });

  it('joins two scans and feeds the result to an aggregation', async () => {
    const imps = await tableOf([
      { id: 'i1', g: 'c1', h: 1n, x: 0.5, amt: null, u: 'u1' },
      { id: 'i2', g: 'c1', h: 1n, x: 0.25, amt: null, u: 'u2' },
      { id: 'i3', g: 'c2', h: 1n, x: 1, amt: null, u: 'u1' },
    ]);
    const clicks = await tableOf([
      { id: 'k1', g: 'i1', h: null, x: null, amt: null, u: 'u1' },
      { id: 'k2', g: 'i3', h: null, x: null, amt: null, u: 'u1' },
      { id: 'k3', g: 'i3', h: null, x: null, amt: null, u: 'u1' },
    ]);
    const joined = await join(scan(clicks).select('id', 'g'), scan(imps).select('id', 'g'), { on: ['g', 'id'] });
    const perCampaign = await aggregate(joined, ['g_right'], { clicks: count() });
    expect(perCampaign.toArray().map((r) => r.toJSON())).toEqual([
      { g_right: 'c1', clicks: 1 },
      { g_right: 'c2', clicks: 2 },
    ]);
  });
});
