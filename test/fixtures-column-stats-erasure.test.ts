// The GDPR erasure search on Spark-written tables with a column_stats partition: base files whose
// statistics rule every value out are skipped without reading their footers, and the search
// still finds every row holding a value: the same rows and file groups as a search of every
// footer, and as many rows as the snapshot holds. Tables with a metadata table are read-only for
// lake, so the search runs as a dry run.

import { DataType, type Schema } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';

import { rowsToJson } from '@lake/core/format';

import { cleanupFixtures } from './support/fixtures.js';
import { columnStatsFixtures, tracedColumnStatsTable } from './support/column-stats-fixtures.js';

afterAll(() => cleanupFixtures());

type Row = Record<string, unknown>;

const withColumnStats = columnStatsFixtures();
const traced = tracedColumnStatsTable;

/** Columns an erasure may rule files out on (text and integers), with the snapshot's values as text. */
function candidates(schema: Schema, rows: Row[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const field of schema.fields) {
    const c = field.name;
    if (c.startsWith('_hoodie_') || !(DataType.isUtf8(field.type) || DataType.isInt(field.type))) continue;
    const vals = rows.map((r) => r[c]).filter((v) => v !== null && v !== undefined);
    if (vals.length > 0) out.set(c, [...new Set(vals.map(String))].sort());
  }
  return out;
}

describe('erasure search with the metadata table column_stats partition', () => {
  for (const f of withColumnStats) {
    it(`${f.id}: finds every row the snapshot holds, as a search of every footer does`, async () => {
      const on = await traced(f.root, true);
      const off = await traced(f.root, false);
      const rows: Row[] = [];
      for (const b of (await off.table.read({ withMeta: true }).collect()).batches) rows.push(...([...rowsToJson(b)] as Row[]));
      let skipped = 0;
      let footersWith = 0;
      let footersWithout = 0;
      for (const [column, values] of candidates(await off.table.schema(), rows)) {
        for (const value of [values[0], values[Math.floor(values.length / 2)], values.at(-1)!, 'absent-value-0']) {
          const label = `${f.id} ${column}=${value}`;
          const before = [on.footers(), off.footers()];
          const a = await on.table.erase({ column, values: [value], dryRun: true });
          const b = await off.table.erase({ column, values: [value], dryRun: true });
          footersWith += on.footers() - before[0];
          footersWithout += off.footers() - before[1];
          // the search counts distinct records (partition and record key) holding the value
          const matching = rows.filter((r) => r[column] !== null && r[column] !== undefined && String(r[column]) === value);
          const expected = new Set(matching.map((r) => `${String(r._hoodie_partition_path)}\u0000${String(r._hoodie_record_key)}`)).size;
          expect(a.rowsErased, label).toBe(expected);
          expect(b.rowsErased, label).toBe(expected);
          expect([...a.plannedRewrites!.files].sort(), label).toEqual([...b.plannedRewrites!.files].sort());
          expect(b.search?.filesSkippedByColumnStats ?? 0, label).toBe(0);
          skipped += a.search?.filesSkippedByColumnStats ?? 0;
        }
      }
      expect(skipped, f.id).toBeGreaterThan(0);
      expect(footersWith, f.id).toBeLessThan(footersWithout);
    });
  }
});
