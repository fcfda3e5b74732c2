// The scan builder's options: projection order, meta columns, time travel and incremental
// ranges combined with filters, read-optimized merge-on-read reads, batch sizes, and reuse.

import { describe, expect, it } from 'vitest';
import { createTable, type HudiTable } from '@lake/core';
import { MemoryStore } from '@lake/storage';
import { col, InvalidQueryError, scan } from '../src/index.js';

let n = 0;
async function threeCommits(type: 'cow' | 'mor'): Promise<{ table: HudiTable; instants: string[] }> {
  const table = await createTable(new MemoryStore(`scan-${process.pid}-${++n}`), { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'seq', type });
  const instants: string[] = [];
  const rows = (seq: number, ids: number[]) => ids.map((i) => ({ id: `k${i}`, dt: i % 2 ? 'odd' : 'even', seq, v: seq * 100 + i }));
  instants.push((await table.upsert(rows(1, [1, 2, 3, 4]))).instant);
  instants.push((await table.upsert(rows(2, [2, 3, 5]))).instant);
  instants.push((await table.upsert(rows(3, [3, 6]))).instant);
  return { table, instants };
}

const ids = async (s: AsyncIterable<unknown> & { toArrow(): Promise<import('apache-arrow').Table> }) =>
  (Array.from((await s.toArrow()).getChild('id')!.toArray() as ArrayLike<string>)).sort();

describe('scan', () => {
  for (const type of ['cow', 'mor'] as const) {
    it(`${type}: time travel and incremental ranges combine with filters`, async () => {
      const { table, instants } = await threeCommits(type);
      expect(await ids(scan(table).where('v >= 300'))).toEqual(['k3', 'k6']);
      expect(await ids(scan(table).asOf(instants[0]).where("dt = 'odd'"))).toEqual(['k1', 'k3']);
      expect(await ids(scan(table).asOf(instants[1]).where('v > 200'))).toEqual(['k2', 'k3', 'k5']);
      // changes after the first commit, as of the second: k2, k3, k5
      expect(await ids(scan(table).incremental(instants[0], instants[1]))).toEqual(['k2', 'k3', 'k5']);
      expect(await ids(scan(table).incremental(instants[0], instants[1]).where("dt = 'even'"))).toEqual(['k2']);
      expect(await ids(scan(table).incremental(instants[1]))).toEqual(['k3', 'k6']);
    });
  }

  it('merge-on-read: read-optimized scans see base files only', async () => {
    const { table } = await threeCommits('mor');
    const slices = await table.fileSlices();
    expect(slices.some((s) => s.logFiles.length > 0)).toBe(true);
    const merged = await scan(table).select('id', 'v').where("id = 'k3'").toArrow();
    expect(merged.toArray().map((r) => r.toJSON())).toEqual([{ id: 'k3', v: 303n }]);
    const ro = await scan(table).readOptimized().select('id', 'v').where("id = 'k3'").toArrow();
    const base = (await table.read({ readOptimized: true, columns: ['id', 'v'] }).collect()).toArray().map((r) => r.toJSON());
    expect(ro.toArray().map((r) => r.toJSON())).toEqual(base.filter((r) => r.id === 'k3'));
    expect(ro.toArray().map((r) => r.toJSON())).not.toEqual([{ id: 'k3', v: 303n }]);
  });

  it('selects columns in the order asked, meta columns on request, batches of a given size', async () => {
    const { table } = await threeCommits('cow');
    const t = await scan(table).select('v', 'id').toArrow();
    expect(t.schema.fields.map((f) => f.name)).toEqual(['v', 'id']);
    const all = await scan(table).toArrow();
    expect(all.schema.fields.map((f) => f.name)).toEqual(['id', 'dt', 'seq', 'v']);
    const meta = await scan(table).withMeta().toArrow();
    expect(meta.schema.fields[0].name).toBe('_hoodie_commit_time');
    let batches = 0;
    for await (const b of scan(table).batchSize(1)) {
      expect(b.numRows).toBe(1);
      batches++;
    }
    expect(batches).toBe(6);
    expect(() => scan(table).batchSize(0)).toThrow(InvalidQueryError);
  });

  it('a filter matching nothing returns an empty table with the schema; stats restart per iteration', async () => {
    const { table } = await threeCommits('cow');
    const s = scan(table).select('id').where(col('v').gt(10_000));
    const empty = await s.toArrow();
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => f.name)).toEqual(['id']);
    const again = scan(table).where(col('id').in(['k1', 'k6']));
    await again.toArrow();
    const first = again.stats().rows.matched;
    await again.toArrow();
    expect(again.stats().rows.matched).toBe(first);
    expect(first).toBe(2);
  });
});
