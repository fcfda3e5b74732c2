// Spark-written tables whose metadata table has a column_stats partition: a filtered scan rules
// files out by those statistics before reading their footers, and returns exactly the rows it
// returns without the metadata table, for =, IN and range filters on every column the statistics
// cover. A damaged column_stats record is a typed error that names the way around it.

import { afterAll, describe, expect, it } from 'vitest';

import { CorruptColumnStatsError, openTable, readColumnStats, rowsToJson, type HudiTable } from '@lake/core/format';
import { scan } from '@lake/query';

import { cleanupFixtures, memoryCopy } from './support/fixtures.js';
import { columnStatsFixtures, tracedColumnStatsTable } from './support/column-stats-fixtures.js';

afterAll(() => cleanupFixtures());

type Row = Record<string, unknown>;

const withColumnStats = columnStatsFixtures();
const traced = tracedColumnStatsTable;

function literal(v: unknown): string | undefined {
  if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}/.test(v) && v.length > 10 ? undefined : `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return String(v);
  return undefined;
}

/** Filters over the table's own values: =, IN and ranges on each top-level scalar column. */
function filtersFor(rows: Row[]): string[] {
  const out: string[] = [];
  const columns = Object.keys(rows[0] ?? {}).filter((c) => !c.startsWith('_hoodie_'));
  for (const c of columns) {
    const values = [...new Set(rows.map((r) => literal(r[c])).filter((v): v is string => v !== undefined))].sort();
    if (values.length === 0) continue;
    const mid = values[Math.floor(values.length / 2)];
    out.push(`${c} = ${values[0]}`, `${c} = ${mid}`, `${c} in (${values.at(-1)}, ${values[0]})`, `${c} > ${mid}`, `${c} <= ${values[0]}`, `${c} is null`);
  }
  return out;
}

async function rowsOf(table: HudiTable, filter: string): Promise<{ rows: string[]; stats: ReturnType<ReturnType<typeof scan>['stats']> }> {
  const s = scan(table).withMeta().where(filter);
  const out: string[] = [];
  for await (const b of s) for (const r of rowsToJson(b)) out.push(JSON.stringify(r));
  return { rows: out.sort(), stats: s.stats() };
}

describe('query pruning by the metadata table column_stats partition', () => {
  it('finds fixtures with column statistics', () => {
    expect(withColumnStats.length).toBeGreaterThanOrEqual(4);
  });

  for (const f of withColumnStats) {
    it(`${f.id}: every filter returns the same rows with and without the column statistics`, async () => {
      const on = await traced(f.root, true);
      const off = await traced(f.root, false);
      const all: Row[] = [];
      for await (const b of scan(off.table)) all.push(...([...rowsToJson(b)] as Row[]));
      let pruned = 0;
      for (const filter of filtersFor(all)) {
        const a = await rowsOf(on.table, filter);
        const b = await rowsOf(off.table, filter);
        expect(a.rows, `${f.id}: ${filter}`).toEqual(b.rows);
        expect(b.stats.files.prunedByColumnStats, filter).toBe(0);
        pruned += a.stats.files.prunedByColumnStats;
      }
      expect(pruned, f.id).toBeGreaterThan(0);
    });
  }

  it('a pruned query reads fewer footers with the column statistics than without', async () => {
    const f = withColumnStats.find((x) => x.id === 'sample_table/cow/v9_txns_simple_meta')!;
    const on = await traced(f.root, true);
    const off = await traced(f.root, false);
    const filter = "currency = 'GBP'";
    const a = await rowsOf(on.table, filter);
    const readWith = on.footers();
    const b = await rowsOf(off.table, filter);
    const readWithout = off.footers();
    expect(a.rows).toEqual(b.rows);
    expect(a.rows.length).toBeGreaterThan(0);
    expect(a.stats.filesWithColumnStats).toBeGreaterThan(0);
    expect(a.stats.files.prunedByColumnStats).toBeGreaterThan(0);
    expect(readWith).toBeLessThan(readWithout);
    // every file the statistics pruned is a footer not read
    expect(readWithout - readWith).toBeGreaterThanOrEqual(a.stats.files.prunedByColumnStats);
  });

  it('decimals, dates and timestamps prune by their statistics and return the same rows', async () => {
    const f = withColumnStats.find((x) => x.id === 'sample_table/cow/v9_txns_simple_meta')!;
    const on = await traced(f.root, true);
    const off = await traced(f.root, false);
    const filters = [
      'fee_amount > 100',
      'fee_amount = 2.5',
      'amount >= 1000 and amount < 5000',
      "txn_datetime > '2024-01-20'",
      "txn_datetime < '2024-01-16T00:00:00Z'",
      "txn_date = '2024-01-15'",
      "txn_date between '2024-01-16' and '2024-01-18'",
    ];
    let pruned = 0;
    for (const filter of filters) {
      const a = await rowsOf(on.table, filter);
      expect(a.rows, filter).toEqual((await rowsOf(off.table, filter)).rows);
      pruned += a.stats.files.prunedByColumnStats;
    }
    expect(pruned).toBeGreaterThanOrEqual(filters.length);
  });

  it('useMetadataTable: false reads no column statistics', async () => {
    const f = withColumnStats[0];
    const off = await traced(f.root, false);
    const tl = await off.table.timeline();
    expect(await readColumnStats(off.table.store, off.table.config, tl, { useMetadataTable: false })).toBeUndefined();
    const on = await traced(f.root, true);
    expect((await readColumnStats(on.table.store, on.table.config, await on.table.timeline()))?.files).toBeGreaterThan(0);
  });
});

describe('a damaged or incomplete column_stats partition', () => {
  const f = withColumnStats.find((x) => x.id === 'sample_table/cow/v9_txns_simple_meta')!;
  const filter = "currency = 'GBP'";

  it('a damaged HFile of the partition is a typed error naming the way to read without it', async () => {
    const store = await memoryCopy(f.root, (files) => {
      for (const [key, bytes] of files) {
        if (key.startsWith('.hoodie/metadata/column_stats/') && key.endsWith('.hfile')) files.set(key, bytes.subarray(0, Math.floor(bytes.length / 2)));
      }
    });
    const err = await rowsOf(await openTable(store), filter).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptColumnStatsError);
    expect((err as CorruptColumnStatsError).code).toBe('CORRUPT_COLUMN_STATS');
    expect((err as Error).message).toMatch(/column_stats/);
    expect((err as Error).message).toMatch(/--no-metadata-table/);
    // and without the metadata table the same table reads
    const plain = await rowsOf(await openTable(store, { useMetadataTable: false }), filter);
    expect(plain.rows.length).toBeGreaterThan(0);
  });

  it('files the partition has no statistics for have their footers read, and the rows stay the same', async () => {
    // keep the partition's compacted base files only: statistics of files written after them are gone
    const store = await memoryCopy(f.root, (files) => {
      for (const key of [...files.keys()]) if (/^\.hoodie\/metadata\/column_stats\/\.col-stats-.*\.log\./.test(key)) files.delete(key);
    });
    const partial = await rowsOf(await openTable(store), filter);
    const whole = await rowsOf((await traced(f.root, true)).table, filter);
    const plain = await rowsOf((await traced(f.root, false)).table, filter);
    expect(partial.rows).toEqual(plain.rows);
    expect(whole.rows).toEqual(plain.rows);
    expect(partial.stats.filesWithColumnStats).toBeLessThan(whole.stats.filesWithColumnStats);
    // what the statistics did not rule out was judged by its footer
    expect(partial.stats.files.prunedByColumnStats + partial.stats.files.prunedByStats).toBe(whole.stats.files.prunedByColumnStats + whole.stats.files.prunedByStats);
  });
});

describe('column_stats and the timelines', () => {
  const f = withColumnStats.find((x) => x.id === 'sample_table/cow/v9_txns_simple_meta')!;

  it('a metadata table behind the data table is not used for pruning, and the rows stay the same', async () => {
    // the metadata table loses its record of the last data-table write
    const store = await memoryCopy(f.root, (files) => {
      const mtCompleted = [...files.keys()].filter((k) => /^\.hoodie\/metadata\/\.hoodie\/timeline\/\d+_\d+\.deltacommit$/.test(k)).sort();
      const dataWrites = [...files.keys()].filter((k) => /^\.hoodie\/timeline\/\d+_\d+\.(commit|deltacommit|replacecommit)$/.test(k)).sort();
      const lastWrite = dataWrites.at(-1)!.slice('.hoodie/timeline/'.length, '.hoodie/timeline/'.length + 17);
      for (const k of mtCompleted) if (k.includes(`/${lastWrite}_`)) files.delete(k);
    });
    const table = await openTable(store);
    expect(await readColumnStats(table.store, table.config, await table.timeline())).toBeUndefined();
    const behind = await rowsOf(table, "currency = 'GBP'");
    const plain = await rowsOf((await traced(f.root, false)).table, "currency = 'GBP'");
    expect(behind.stats.files.prunedByColumnStats).toBe(0);
    expect(behind.rows).toEqual(plain.rows);
  });

  it('time travel to every write prunes with the statistics of that moment and returns the same rows', async () => {
    const on = await traced(f.root, true);
    const off = await traced(f.root, false);
    const writes = (await off.table.timeline()).completedWrites().map((i) => i.time);
    let pruned = 0;
    for (const t of writes) {
      for (const filter of ["currency = 'GBP'", "currency in ('EUR', 'JPY')", "merchant_name > 'M'"]) {
        const read = async (table: HudiTable): Promise<{ rows: string[]; pruned: number }> => {
          const s = scan(table).withMeta().where(filter).asOf(t);
          const out: string[] = [];
          for await (const b of s) for (const r of rowsToJson(b)) out.push(JSON.stringify(r));
          return { rows: out.sort(), pruned: s.stats().files.prunedByColumnStats };
        };
        const a = await read(on.table);
        expect(a.rows, `${t} ${filter}`).toEqual((await read(off.table)).rows);
        pruned += a.pruned;
      }
    }
    expect(pruned).toBeGreaterThan(0);
  });
});
