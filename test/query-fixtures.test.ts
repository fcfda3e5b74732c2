// Scans over Spark-written tables (copy-on-write and merge-on-read with Parquet and Avro log
// blocks, deletes, rollbacks): random filters built from the tables' own values return exactly
// the snapshot rows the filter accepts, and slices with log files are never pruned by statistics.

import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DataType, type Data, type Schema } from 'apache-arrow';
import { openTable, rowsToJson, valueAt, type HudiTable } from '@lake/core/format';
import { and, col, date, decimal, not, or, scan, type Expr, type Literal } from '@lake/query';
import { cleanupFixtures, fixture } from './support/fixtures.js';

afterAll(() => cleanupFixtures());

type Plain = number | bigint | string | boolean;

/** Rows of the snapshot as raw values (core's valueAt), keyed by column. */
async function snapshot(table: HudiTable): Promise<{ schema: Schema; rows: Map<string, Plain | null>[] }> {
  const t = await table.read({ withMeta: true }).collect();
  const rows: Map<string, Plain | null>[] = [];
  for (const batch of t.batches) {
    for (let r = 0; r < batch.numRows; r++) {
      const m = new Map<string, Plain | null>();
      batch.schema.fields.forEach((f, c) => {
        const v = valueAt((batch.data.children as Data[])[c], r);
        m.set(f.name, v === null || v === undefined ? null : (v as Plain));
      });
      rows.push(m);
    }
  }
  return { schema: t.schema, rows };
}

/** A literal meaning exactly `v` for a column of `type`. */
function literalFor(type: DataType, v: Plain): Literal | undefined {
  if (DataType.isDecimal(type)) {
    const u = v as bigint;
    const neg = u < 0n;
    const a = (neg ? -u : u).toString().padStart(type.scale + 1, '0');
    return decimal(`${neg ? '-' : ''}${a.slice(0, a.length - type.scale)}${type.scale ? '.' : ''}${a.slice(a.length - type.scale)}`);
  }
  if (DataType.isDate(type)) return type.unit === 0 ? date(new Date(Number(v) * 86_400_000).toISOString().slice(0, 10)) : undefined;
  if (DataType.isTimestamp(type)) return typeof v === 'bigint' ? v : BigInt(v as number);
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isUtf8(type) || DataType.isBool(type)) return v;
  return undefined;
}

function compare(a: Plain, b: Plain): number {
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = BigInt(a as bigint);
    const y = BigInt(b as bigint);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

type Tri = boolean | null;
interface Leaf {
  expr: Expr;
  test: (row: Map<string, Plain | null>) => Tri;
}

function leafArbs(schema: Schema, rows: Map<string, Plain | null>[]): fc.Arbitrary<Leaf> {
  const options: fc.Arbitrary<Leaf>[] = [];
  for (const f of schema.fields) {
    const values = [...new Set(rows.map((r) => r.get(f.name)).filter((v): v is Plain => v !== null))];
    if (values.length === 0) continue;
    const lits = values.map((v) => [literalFor(f.type, v), v] as const).filter((x): x is readonly [Literal, Plain] => x[0] !== undefined);
    if (lits.length === 0) continue;
    const value = fc.constantFrom(...lits);
    const ops = ['=', '!=', '<', '<=', '>', '>='] as const;
    options.push(
      fc.tuple(fc.constantFrom(...ops), value).map(([op, [lit, v]]) => ({
        expr: { type: 'compare', op, column: f.name, value: lit } as Expr,
        test: (row) => {
          const x = row.get(f.name);
          if (x === null || x === undefined) return null;
          const c = compare(x, v);
          return op === '=' ? c === 0 : op === '!=' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
        },
      })),
      fc.array(value, { minLength: 1, maxLength: 3 }).map((vs) => ({
        expr: col(f.name).in(vs.map((x) => x[0])),
        test: (row) => {
          const x = row.get(f.name);
          return x === null || x === undefined ? null : vs.some(([, v]) => compare(x, v) === 0);
        },
      })),
      fc.boolean().map((neg) => ({
        expr: neg ? col(f.name).isNotNull() : col(f.name).isNull(),
        test: (row) => (row.get(f.name) === null) !== neg,
      })),
    );
  }
  return fc.oneof(...options);
}

function exprArb(leaf: fc.Arbitrary<Leaf>): fc.Arbitrary<Leaf> {
  const and3 = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === null || b === null ? null : true);
  const or3 = (a: Tri, b: Tri): Tri => (a === true || b === true ? true : a === null || b === null ? null : false);
  return fc.letrec<{ e: Leaf }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.tuple(tie('e'), tie('e')).map(([a, b]) => ({ expr: and(a.expr, b.expr), test: (r: Map<string, Plain | null>) => and3(a.test(r), b.test(r)) })),
      fc.tuple(tie('e'), tie('e')).map(([a, b]) => ({ expr: or(a.expr, b.expr), test: (r: Map<string, Plain | null>) => or3(a.test(r), b.test(r)) })),
      tie('e').map((a) => ({ expr: not(a.expr), test: (r: Map<string, Plain | null>) => { const v = a.test(r); return v === null ? null : !v; } })),
    ),
  })).e;
}

const tables = [
  'sample_table/cow/v6_complexkeygen_hivestyle',
  'sample_table/cow/v6_simplekeygen_nonhivestyle',
  'sample_table/cow/v6_simplekeygen_hivestyle_no_metafields',
  'sample_table/cow/v8_simplekeygen_nonhivestyle',
  'sample_table/mor/parquet/v6_simplekeygen_nonhivestyle',
  'sample_table/mor/parquet/v6_nonpartitioned_rollback',
  'quickstart_trips_table/mor/avro/v6_trips_8i3d',
];

describe('scans over Spark-written tables', () => {
  for (const id of tables) {
    it(`${id}: random filters match the snapshot filtered in plain JavaScript`, async () => {
      const table = await openTable(fixture(id).root);
      const { schema, rows } = await snapshot(table);
      const keyCol = table.config.populateMetaFields ? '_hoodie_record_key' : table.config.recordKeyFields[0];
      const keyOf = (r: Map<string, Plain | null>) => String(r.get(keyCol));
      await fc.assert(
        fc.asyncProperty(exprArb(leafArbs(schema, rows)), async (f) => {
          const expected = rows.filter((r) => f.test(r) === true).map(keyOf).sort();
          const s = scan(table).withMeta().where(f.expr);
          const got = await s.toArrow();
          const keys = Array.from(got.getChild(keyCol)!.toArray() as ArrayLike<unknown>, String).sort();
          expect(keys).toEqual(expected);
          const st = s.stats();
          // merged slices are never pruned by their base file's statistics
          expect(st.files.prunedByStats + st.files.prunedByKey).toBeLessThanOrEqual(st.files.total - st.files.withLogs - st.files.prunedByPartition);
        }),
        { numRuns: 30 },
      );
    });
  }

  it('filtered rows keep every value, nested columns included', async () => {
    for (const id of ['sample_table/cow/v6_nonpartitioned', 'sample_table/mor/parquet/v6_simplekeygen_nonhivestyle']) {
      const table = await openTable(fixture(id).root);
      const byId = (rows: Record<string, unknown>[]) => rows.sort((a, b) => (a.id as number) - (b.id as number));
      const got = byId((await scan(table).where('id != 2').toArrow()).batches.flatMap((b) => [...rowsToJson(b)]));
      const all = byId((await table.read({ withMeta: false }).collect()).batches.flatMap((b) => [...rowsToJson(b)]));
      expect(got).toEqual(all.filter((r) => r.id !== 2));
      expect(Object.keys(got[0])).toContain('structField');
    }
  });

  it('empty tables scan to no rows with their schema', async () => {
    for (const id of ['sample_table/cow/v6_empty', 'sample_table/cow/v8_empty', 'sample_table/mor/parquet/v6_empty']) {
      const table = await openTable(fixture(id).root);
      const s = scan(table).where('id > 0');
      const out = await s.toArrow();
      expect(out.numRows).toBe(0);
      expect(out.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'isActive']);
      expect(s.stats().rows.scanned).toBe(0);
    }
  });

  it('prunes partitions of a Spark table by partition value', async () => {
    const table = await openTable(fixture('sample_table/cow/v6_simplekeygen_nonhivestyle').root);
    const s = scan(table).select('id', 'name').where('byteField = 10');
    const out = await s.toArrow();
    expect(Array.from(out.getChild('id')!.toArray() as ArrayLike<number>).sort()).toEqual([1, 3]);
    expect(s.stats().partitions).toEqual({ total: 3, pruned: 2 });
  });

  it('time travel and incremental ranges on a merge-on-read table with Avro logs', async () => {
    const table = await openTable(fixture('quickstart_trips_table/mor/avro/v6_trips_8i3d').root);
    const timeline = await table.timeline();
    const writes = timeline.completedWrites();
    const first = writes[0].time;
    const asOf = await scan(table).asOf(first).select('uuid').toArrow();
    const expectedAsOf = await table.read({ asOf: first, columns: ['uuid'] }).collect();
    expect((asOf.getChild('uuid')!.toArray() as string[]).slice().sort()).toEqual((expectedAsOf.getChild('uuid')!.toArray() as string[]).slice().sort());
    const inc = await scan(table).incremental(first).select('uuid').toArrow();
    const expectedInc = await table.readIncremental({ start: first, columns: ['uuid'] }).collect();
    expect((inc.getChild('uuid')!.toArray() as string[]).slice().sort()).toEqual((expectedInc.getChild('uuid')!.toArray() as string[]).slice().sort());
  });
});
