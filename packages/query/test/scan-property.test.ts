// Property: on random tables (copy-on-write and merge-on-read; several partitions, several
// commits, many file versions and log files) a scan with a random filter returns exactly the
// rows of the snapshot the filter accepts, evaluated here in plain JavaScript with SQL null
// semantics; pruning never drops a matching row.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bool, DateDay, Decimal, Field, Float64, Int32, Int64, Schema, Timestamp, TimeUnit, Utf8 } from 'apache-arrow';
import { createTable, rowsToTable, valueAt, type HudiTable } from '@lake/core/format';
import type { Data } from 'apache-arrow';
import { MemoryStore } from '@lake/storage';
import { col, and, or, not, date, decimal, timestamp, formatExpr, parseExpr, scan, type Expr, type Literal } from '../src/index.js';

const DAY = 86_400_000;
const BASE_DAY = Date.UTC(2024, 0, 1) / DAY;
const BASE_MS = Date.UTC(2024, 0, 1);

const schema = new Schema([
  new Field('id', new Utf8(), false),
  new Field('dt', new Utf8(), false),
  new Field('seq', new Int32(), false),
  new Field('n', new Int32(), true),
  new Field('big', new Int64(), true),
  new Field('f', new Float64(), true),
  new Field('d', new DateDay(), true),
  new Field('ts', new Timestamp(TimeUnit.MILLISECOND), true),
  new Field('amt', new Decimal(2, 10, 128), true),
  new Field('s', new Utf8(), true),
  new Field('b', new Bool(), true),
]);

/** One record in plain JS: comparable values (days, ms, cents) or null. */
interface Rec {
  id: string;
  dt: string;
  seq: number;
  n: number | null;
  big: bigint | null;
  f: number | null;
  d: number | null;
  ts: number | null;
  amt: bigint | null;
  s: string | null;
  b: boolean | null;
}

const DTS = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'];
const STRS = ['a', 'ab', 'b', 'z', 'é', 'A'];
const FLOATS = [-1.5, -0.5, 0, 0.5, 1.5, 2.25];
const CENTS = [-150n, -50n, 0n, 125n, 300n, 999n];

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
const recArb = (seq: number): fc.Arbitrary<Rec> =>
  fc.record({
    id: fc.integer({ min: 0, max: 40 }).map((i) => `k${i}`),
    dt: fc.constantFrom(...DTS),
    seq: fc.constant(seq),
    n: nullable(fc.integer({ min: -3, max: 3 })),
    big: nullable(fc.bigInt({ min: -3n, max: 3n })),
    f: nullable(fc.constantFrom(...FLOATS)),
    d: nullable(fc.integer({ min: 0, max: 4 }).map((k) => BASE_DAY + k)),
    ts: nullable(fc.integer({ min: 0, max: 6 }).map((k) => BASE_MS + k * 3_600_000)),
    amt: nullable(fc.constantFrom(...CENTS)),
    s: nullable(fc.constantFrom(...STRS)),
    b: nullable(fc.boolean()),
  });

/** A leaf: the expression and its plain-JS meaning on a record (null = unknown). */
interface Leaf {
  expr: Expr;
  test: (r: Rec) => boolean | null;
}

type Cmp = '=' | '!=' | '<' | '<=' | '>' | '>=';
const cmp = (op: Cmp, a: number | bigint | string | boolean, b: number | bigint | string | boolean): boolean => {
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : b;
  switch (op) {
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
};

type Key = Exclude<keyof Rec, 'seq'>;
interface ColumnGen {
  column: Key;
  /** A literal for the expression and its plain value. */
  value: fc.Arbitrary<[Literal, number | bigint | string | boolean]>;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const columns: ColumnGen[] = [
  { column: 'id', value: fc.integer({ min: 0, max: 40 }).map((i) => [`k${i}`, `k${i}`]) },
  { column: 'dt', value: fc.constantFrom(...DTS).map((v) => [v, v]) },
  { column: 'n', value: fc.integer({ min: -4, max: 4 }).map((v) => [v, v]) },
  { column: 'big', value: fc.bigInt({ min: -4n, max: 4n }).map((v) => [v, v]) },
  { column: 'f', value: fc.constantFrom(...FLOATS, 1).map((v) => [v, v]) },
  { column: 'd', value: fc.integer({ min: -1, max: 5 }).map((k) => [date(iso((BASE_DAY + k) * DAY)), BASE_DAY + k]) },
  {
    column: 'ts',
    value: fc.integer({ min: -1, max: 13 }).map((k) => {
      const ms = BASE_MS + k * 1_800_000;
      return [timestamp(new Date(ms).toISOString()), ms];
    }),
  },
  {
    column: 'amt',
    value: fc.constantFrom(...CENTS, 1n, 1250n).map((c) => [decimal(decimalText(c)), c]),
  },
  { column: 's', value: fc.constantFrom(...STRS, 'c').map((v) => [v, v]) },
  { column: 'b', value: fc.boolean().map((v) => [v, v]) },
];

const leafArb: fc.Arbitrary<Leaf> = fc.constantFrom(...columns).chain(({ column, value }) =>
  fc.oneof(
    fc.tuple(fc.constantFrom<Cmp>('=', '!=', '<', '<=', '>', '>='), value).map(([op, [lit, v]]): Leaf => ({
      expr: { type: 'compare', op, column, value: lit },
      test: (r) => (r[column] === null ? null : cmp(op, r[column] as never, v)),
    })),
    fc.tuple(fc.array(value, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([vals, negated]): Leaf => ({
      expr: negated ? col(column).notIn(vals.map((x) => x[0])) : col(column).in(vals.map((x) => x[0])),
      test: (r) => (r[column] === null ? null : vals.some(([, v]) => cmp('=', r[column] as never, v)) !== negated),
    })),
    fc.boolean().map((negated): Leaf => ({
      expr: negated ? col(column).isNotNull() : col(column).isNull(),
      test: (r) => (r[column] === null) !== negated,
    })),
    fc.tuple(value, value).map(([[lo, l], [hi, h]]): Leaf => ({
      expr: col(column).between(lo, hi),
      test: (r) => (r[column] === null ? null : cmp('>=', r[column] as never, l) && cmp('<=', r[column] as never, h)),
    })),
  ),
);

const and3 = (a: boolean | null, b: boolean | null) => (a === false || b === false ? false : a === null || b === null ? null : true);
const or3 = (a: boolean | null, b: boolean | null) => (a === true || b === true ? true : a === null || b === null ? null : false);

const exprArb: fc.Arbitrary<Leaf> = fc.letrec<{ e: Leaf }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.tuple(tie('e'), tie('e')).map(([a, b]): Leaf => ({ expr: and(a.expr, b.expr), test: (r) => and3(a.test(r), b.test(r)) })),
    fc.tuple(tie('e'), tie('e')).map(([a, b]): Leaf => ({ expr: or(a.expr, b.expr), test: (r) => or3(a.test(r), b.test(r)) })),
    tie('e').map((a): Leaf => ({ expr: not(a.expr), test: (r) => { const v = a.test(r); return v === null ? null : !v; } })),
  ),
})).e;

function decimalText(cents: bigint): string {
  const a = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

/** rowsToTable reads decimals from exact text. */
function toRow(r: Rec): Record<string, unknown> {
  return { ...r, amt: r.amt === null ? null : decimalText(r.amt) };
}

let tableCounter = 0;

async function buildTable(commits: Rec[][], type: 'cow' | 'mor') {
  const store = new MemoryStore(`scan-prop-${process.pid}-${++tableCounter}`);
  const table = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'seq', schema, type });
  const model = new Map<string, Rec>();
  for (const batch of commits) {
    // one version per key per commit (the last), as upsert dedupes by the ordering field
    const latest = new Map<string, Rec>();
    for (const r of batch) latest.set(r.id, r);
    const rows = [...latest.values()];
    // a key moving partition would leave its old copy behind (no global index): keep keys in place
    for (const r of rows) {
      const prev = model.get(r.id);
      if (prev) r.dt = prev.dt;
    }
    await table.upsert(rowsToTable(rows.map(toRow), schema), { sizing: { maxFileSizeBytes: 2_000, smallFileLimitBytes: 0, recordSizeEstimate: 300 } });
    for (const r of rows) model.set(r.id, r);
  }
  return { table, model };
}

/** The table's snapshot as read by core, in the plain form the filters are evaluated on. */
async function snapshotRecords(table: HudiTable): Promise<Map<string, Rec>> {
  const t = await table.read({ withMeta: false }).collect();
  const out = new Map<string, Rec>();
  const raw = (name: string, i: number): unknown => {
    const v = t.getChild(name)!;
    let row = i;
    for (const d of v.data as Data[]) {
      if (row < d.length) return valueAt(d, row);
      row -= d.length;
    }
    return undefined;
  };
  for (let i = 0; i < t.numRows; i++) {
    const r = t.get(i)!.toJSON() as Record<string, unknown>;
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    out.set(r.id as string, {
      id: r.id as string,
      dt: r.dt as string,
      seq: r.seq as number,
      n: num(r.n),
      big: r.big === null ? null : BigInt(r.big as bigint),
      f: num(r.f),
      d: r.d === null ? null : Number(r.d) / DAY,
      ts: num(r.ts),
      amt: r.amt === null ? null : (raw('amt', i) as bigint),
      s: r.s as string | null,
      b: r.b as boolean | null,
    });
  }
  return out;
}

const commitsArb = fc
  .array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 3 })
  .chain((sizes) => fc.tuple(...sizes.map((n, i) => fc.array(recArb(i + 1), { minLength: n, maxLength: n }))));

describe('scan with a filter equals filtering the snapshot', () => {
  it('on random copy-on-write and merge-on-read tables, for builder and text filters', async () => {
    let sawLogs = 0;
    let sawStatsPruning = 0;
    await fc.assert(
      fc.asyncProperty(commitsArb, fc.array(exprArb, { minLength: 1, maxLength: 6 }), fc.constantFrom<'cow' | 'mor'>('cow', 'mor'), async (commits, filters, type) => {
        const { table, model: written } = await buildTable(commits.map((c) => c.map((r) => ({ ...r }))), type);
        const model = await snapshotRecords(table);
        expect([...model.keys()].sort()).toEqual([...written.keys()].sort());
        for (const [i, f] of filters.entries()) {
          const expected = [...model.values()].filter((r) => f.test(r) === true).map((r) => r.id).sort();
          const filter = i % 2 === 0 ? f.expr : parseExpr(formatExpr(f.expr));
          const s = scan(table).select('id', 'n', 's', 'b', 'big').where(filter);
          const out = await s.toArrow();
          const ids = out.getChild('id')!.toArray().slice() as string[];
          expect(ids.sort(), formatExpr(f.expr)).toEqual(expected);
          // gathered values belong to their rows
          for (const row of out.toArray() as { id: string; n: number | null; s: string | null; b: boolean | null; big: bigint | null }[]) {
            const m = model.get(row.id)!;
            expect([row.n, row.s, row.b, row.big]).toEqual([m.n, m.s, m.b, m.big]);
          }
          const st = s.stats();
          expect(st.rows.matched).toBe(expected.length);
          expect(st.files.pruned).toBe(st.files.prunedByPartition + st.files.prunedByStats + st.files.prunedByKey);
          if (st.files.withLogs > 0) sawLogs++;
          if (st.files.prunedByStats > 0) sawStatsPruning++;
          // slices with log files are pruned by partition only
          expect(st.files.prunedByStats + st.files.prunedByKey).toBeLessThanOrEqual(st.files.total - st.files.prunedByPartition - st.files.withLogs);
        }
      }),
      { numRuns: 30 },
    );
    // the runs did exercise merged slices and statistics pruning
    expect(sawLogs).toBeGreaterThan(0);
    expect(sawStatsPruning).toBeGreaterThan(0);
  });
});
