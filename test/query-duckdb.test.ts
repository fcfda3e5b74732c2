// DuckDB over lake tables, for real: views over base files and over materialized merged
// snapshots return the table's rows; the ad-events campaign report computed with the query
// package equals the one DuckDB computes, and both equal a plain JavaScript computation.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float64, Schema, Timestamp, TimeUnit, Utf8 } from 'apache-arrow';
import { createTable, openTable, rowsToTable, type Row } from '@lake/core';
import { MemoryStore } from '@lake/storage';
import { openDuckDB, registerTable, type DuckDBSession } from '@lake/query/duckdb';
import { campaignReport, duckdbCampaignReport, printCampaignReports, type CampaignDayRow } from '../examples/ad-events/report.js';
import { cleanupFixtures, fixture } from './support/fixtures.js';

const ts = () => new Timestamp(TimeUnit.MILLISECOND);
const impressionsSchema = new Schema([
  new Field('impression_id', new Utf8(), false),
  new Field('user_id', new Utf8(), false),
  new Field('campaign_id', new Utf8(), false),
  new Field('ts', ts(), false),
  new Field('cost', new Float64(), false),
  new Field('country', new Utf8(), false),
  new Field('device', new Utf8(), false),
  new Field('dt', new Utf8(), false),
]);
const clicksSchema = new Schema([
  new Field('click_id', new Utf8(), false),
  new Field('impression_id', new Utf8(), false),
  new Field('user_id', new Utf8(), false),
  new Field('campaign_id', new Utf8(), false),
  new Field('ts', ts(), false),
  new Field('dt', new Utf8(), false),
]);
const conversionsSchema = new Schema([
  new Field('conversion_id', new Utf8(), false),
  new Field('click_id', new Utf8(), false),
  new Field('impression_id', new Utf8(), false),
  new Field('user_id', new Utf8(), false),
  new Field('campaign_id', new Utf8(), false),
  new Field('ts', ts(), false),
  new Field('revenue', new Float64(), false),
  new Field('dt', new Utf8(), false),
]);

const START = Date.UTC(2024, 0, 1);
const dtOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

let dir: string;
let tablesDir: string;
const impressions: Row[] = [];
const clicks: Row[] = [];
const conversions: Row[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lake-query-duckdb-'));
  tablesDir = join(dir, 'tables');
  // deterministic pseudo-random events over three days and five campaigns
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 3000; i++) {
    const t = START + Math.floor(rand() * 3 * 86_400_000);
    const imp = {
      impression_id: `imp-${String(i).padStart(6, '0')}`,
      user_id: `u-${String(Math.floor(rand() * 200)).padStart(4, '0')}`,
      campaign_id: `c-0${1 + Math.floor(rand() * 5)}`,
      ts: t,
      cost: Math.round(rand() * 500) / 1000,
      country: ['US', 'FR', 'DE'][i % 3],
      device: ['mobile', 'desktop', 'tablet', 'ctv'][i % 4],
      dt: dtOf(t),
    };
    impressions.push(imp);
    if (rand() < 0.1) {
      const ct = t + 60_000;
      const click = { click_id: `clk-${String(i).padStart(6, '0')}`, impression_id: imp.impression_id, user_id: imp.user_id, campaign_id: imp.campaign_id, ts: ct, dt: dtOf(ct) };
      clicks.push(click);
      if (rand() < 0.3) {
        const vt = ct + 3_600_000;
        conversions.push({ conversion_id: `cnv-${String(i).padStart(6, '0')}`, click_id: click.click_id, impression_id: imp.impression_id, user_id: imp.user_id, campaign_id: imp.campaign_id, ts: vt, revenue: 10, dt: dtOf(vt) });
      }
    }
  }
  const make = async (name: string, key: string, schema: Schema, rows: Row[]) => {
    const table = await createTable(join(tablesDir, name), { recordKey: [key], partitionBy: ['dt'], orderingField: 'ts', schema });
    // two commits, so the views see several files per partition
    const half = Math.floor(rows.length / 2);
    await table.insert(rowsToTable(rows.slice(0, half), schema));
    await table.insert(rowsToTable(rows.slice(half), schema), { sizing: { smallFileLimitBytes: 0 } });
  };
  await make('impressions', 'impression_id', impressionsSchema, impressions);
  await make('clicks', 'click_id', clicksSchema, clicks);
  await make('conversions', 'conversion_id', conversionsSchema, conversions);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  cleanupFixtures();
});

function plainReport(): Map<string, { impressions: number; clicks: number; conversions: number; cost: number }> {
  const byImp = new Map(impressions.map((i) => [i.impression_id as string, i]));
  const out = new Map<string, { impressions: number; clicks: number; conversions: number; cost: number }>();
  const at = (imp: Row) => {
    const k = `${imp.campaign_id as string}/${imp.dt as string}`;
    if (!out.has(k)) out.set(k, { impressions: 0, clicks: 0, conversions: 0, cost: 0 });
    return out.get(k)!;
  };
  for (const i of impressions) {
    at(i).impressions++;
    at(i).cost += i.cost as number;
  }
  for (const c of clicks) at(byImp.get(c.impression_id as string)!).clicks++;
  for (const v of conversions) at(byImp.get(v.impression_id as string)!).conversions++;
  return out;
}

function expectSameReport(a: CampaignDayRow[], b: CampaignDayRow[]): void {
  expect(a.map((r) => [r.campaign_id, r.dt, r.impressions, r.clicks, r.conversions])).toEqual(b.map((r) => [r.campaign_id, r.dt, r.impressions, r.clicks, r.conversions]));
  a.forEach((r, i) => {
    expect(r.cost).toBeCloseTo(b[i].cost, 9);
    expect(r.ctr).toBeCloseTo(b[i].ctr, 12);
    for (const k of ['conversion_rate', 'cpa'] as const) {
      if (r[k] === null) expect(b[i][k]).toBeNull();
      else expect(r[k]!).toBeCloseTo(b[i][k]!, 9);
    }
  });
}

describe('DuckDB views over lake tables', () => {
  let duck: DuckDBSession;
  beforeAll(async () => {
    duck = await openDuckDB();
  });
  afterAll(() => duck.close());

  it('a local copy-on-write table is a view over its latest base files', async () => {
    const table = await openTable(join(tablesDir, 'impressions'));
    const reg = await registerTable(duck.connection, 'imps', table);
    expect(reg.mode).toBe('base-files');
    expect(reg.files.length).toBe((await table.fileSlices()).length);
    const [agg] = await duck.query('SELECT count(*) AS n, count(DISTINCT impression_id) AS k, sum(cost) AS c FROM imps');
    expect(Number(agg.n)).toBe(impressions.length);
    expect(Number(agg.k)).toBe(impressions.length);
    expect(Number(agg.c)).toBeCloseTo(impressions.reduce((s, r) => s + (r.cost as number), 0), 6);
    const cols = await duck.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'imps' ORDER BY ordinal_position");
    expect(cols.map((c) => c.column_name)).toEqual(impressionsSchema.fields.map((f) => f.name));
    await reg.drop();
  });

  it('tables off local disk, and merge-on-read slices with logs, are materialized', async () => {
    const mem = await createTable(new MemoryStore(`duck-${process.pid}`), { recordKey: ['impression_id'], partitionBy: ['dt'], schema: impressionsSchema });
    await mem.insert(rowsToTable(impressions.slice(0, 100), impressionsSchema));
    const reg = await registerTable(duck.connection, 'mem_imps', mem, { rowsPerFile: 30 });
    expect(reg.mode).toBe('materialized');
    expect(reg.files.length).toBeGreaterThan(1);
    const [agg] = await duck.query('SELECT count(*) AS n, min(impression_id) AS lo FROM mem_imps');
    expect(Number(agg.n)).toBe(100);
    expect(agg.lo).toBe('imp-000000');
    await reg.drop();

    const trips = await openTable(fixture('quickstart_trips_table/mor/avro/v6_trips_8i3d').root);
    expect((await trips.fileSlices()).some((s) => s.logFiles.length > 0)).toBe(true);
    const tripsReg = await registerTable(duck.connection, 'trips', trips);
    expect(tripsReg.mode).toBe('materialized');
    const rows = await duck.query('SELECT uuid, fare FROM trips ORDER BY uuid');
    const snapshot = await trips.read({ columns: ['uuid', 'fare'] }).collect();
    const expected = (snapshot.toArray() as { uuid: string; fare: number }[]).map((r) => ({ uuid: r.uuid, fare: r.fare })).sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
    expect(rows).toEqual(expected);
    await tripsReg.drop();
  });

  it('time travel registers an older snapshot', async () => {
    const table = await openTable(join(tablesDir, 'clicks'));
    const first = (await table.timeline()).completedWrites()[0].time;
    const reg = await registerTable(duck.connection, 'clicks_then', table, { asOf: first });
    const [agg] = await duck.query('SELECT count(*) AS n FROM clicks_then');
    expect(Number(agg.n)).toBe(Math.floor(clicks.length / 2));
    await reg.drop();
  });
});

describe('the ad-events campaign report', () => {
  it('is the same through the query package, DuckDB and plain JavaScript', async () => {
    const lake = await campaignReport(tablesDir);
    const duck = await duckdbCampaignReport(tablesDir);
    expectSameReport(lake, duck);
    const plain = plainReport();
    expect(lake.length).toBe(plain.size);
    for (const r of lake) {
      const p = plain.get(`${r.campaign_id}/${r.dt}`)!;
      expect([r.impressions, r.clicks, r.conversions]).toEqual([p.impressions, p.clicks, p.conversions]);
      expect(r.cost).toBeCloseTo(p.cost, 9);
      expect(r.ctr).toBeCloseTo(p.clicks / p.impressions, 12);
      expect(r.cpa === null ? null : r.cpa).toEqual(p.conversions ? expect.closeTo(p.cost / p.conversions, 9) : null);
    }
    expect(lake.some((r) => r.conversions > 0)).toBe(true);
  });

  it('prints both reports as aligned tables', async () => {
    const lines: string[] = [];
    await printCampaignReports(tablesDir, (l) => lines.push(l));
    const tables = lines.join('\n').split('\n\n');
    expect(tables).toHaveLength(2);
    for (const t of tables) {
      const rows = t.split('\n').slice(1);
      expect(rows[0]).toMatch(/^campaign\s+day\s+impressions/);
      // every line of a table has the same width: columns are aligned
      const widths = new Set(rows.slice(2).map((r) => r.length));
      expect(widths.size).toBe(1);
    }
    // the same report both ways (money columns aside: float sums in another order may round apart)
    const counts = (t: string) => t.split('\n').slice(3).map((l) => l.trim().split(/\s+/).filter((_, i) => i !== 5 && i !== 8));
    expect(counts(tables[0])).toEqual(counts(tables[1]));
    expect(counts(tables[0]).length).toBeGreaterThan(5);
  });
});
