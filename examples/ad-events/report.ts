// The ad-events campaign report: per campaign and day, impressions, clicks and conversions
// (clicks and conversions attributed to the day and campaign of their impression through a
// join on impression_id), CTR, conversion rate and cost per acquisition — once with the lake
// query package, once with DuckDB SQL over the same tables registered as views.

import { join as joinPath } from 'node:path';
import { openTable } from '@lake/core';
import { aggregate, count, join, scan, sum } from '@lake/query';
import { openDuckDB, registerTable, type RegisteredTable } from '@lake/query/duckdb';

export interface CampaignDayRow {
  campaign_id: string;
  dt: string;
  impressions: number;
  clicks: number;
  conversions: number;
  /** Cost of the impressions, USD. */
  cost: number;
  /** clicks / impressions. */
  ctr: number;
  /** conversions / clicks; null without clicks. */
  conversion_rate: number | null;
  /** cost / conversions; null without conversions. */
  cpa: number | null;
}

const key = (campaign: string, dt: string): string => `${campaign}\u0000${dt}`;

function derive(campaign_id: string, dt: string, impressions: number, clicks: number, conversions: number, cost: number): CampaignDayRow {
  return {
    campaign_id,
    dt,
    impressions,
    clicks,
    conversions,
    cost,
    ctr: impressions > 0 ? clicks / impressions : 0,
    conversion_rate: clicks > 0 ? conversions / clicks : null,
    cpa: conversions > 0 ? cost / conversions : null,
  };
}

/** Counts per (campaign_id, dt) of an aggregated Arrow table with a count column `n`. */
function countsOf(table: Awaited<ReturnType<typeof aggregate>>, column: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of table.toArray() as Record<string, unknown>[]) out.set(key(String(row.campaign_id), String(row.dt)), Number(row[column]));
  return out;
}

/** The report computed with scans, joins and aggregations of the query package. */
export async function campaignReport(tablesDir: string): Promise<CampaignDayRow[]> {
  const [impressions, clicks, conversions] = await Promise.all(
    ['impressions', 'clicks', 'conversions'].map((name) => openTable(joinPath(tablesDir, name))),
  );
  const perDay = await scan(impressions).groupBy('campaign_id', 'dt').agg({ impressions: count(), cost: sum('cost') });
  const impressionKeys = () => scan(impressions).select('impression_id', 'campaign_id', 'dt');
  const clicked = await join(scan(clicks).select('click_id', 'impression_id'), impressionKeys(), { on: 'impression_id' });
  const converted = await join(scan(conversions).select('conversion_id', 'impression_id'), impressionKeys(), { on: 'impression_id' });
  const clickCounts = countsOf(await aggregate(clicked, ['campaign_id', 'dt'], { clicks: count() }), 'clicks');
  const conversionCounts = countsOf(await aggregate(converted, ['campaign_id', 'dt'], { conversions: count() }), 'conversions');
  return (perDay.toArray() as Record<string, unknown>[]).map((row) => {
    const k = key(String(row.campaign_id), String(row.dt));
    return derive(String(row.campaign_id), String(row.dt), Number(row.impressions), clickCounts.get(k) ?? 0, conversionCounts.get(k) ?? 0, Number(row.cost ?? 0));
  });
}

const REPORT_SQL = `
WITH imp AS (
  SELECT campaign_id, dt, count(*) AS impressions, sum(cost) AS cost FROM impressions GROUP BY campaign_id, dt
), clk AS (
  SELECT i.campaign_id, i.dt, count(*) AS clicks
  FROM clicks c JOIN impressions i ON c.impression_id = i.impression_id GROUP BY i.campaign_id, i.dt
), cnv AS (
  SELECT i.campaign_id, i.dt, count(*) AS conversions
  FROM conversions v JOIN impressions i ON v.impression_id = i.impression_id GROUP BY i.campaign_id, i.dt
)
SELECT imp.campaign_id, imp.dt, impressions,
       coalesce(clicks, 0) AS clicks, coalesce(conversions, 0) AS conversions, coalesce(cost, 0) AS cost,
       coalesce(clicks, 0) / impressions AS ctr,
       CASE WHEN coalesce(clicks, 0) = 0 THEN NULL ELSE coalesce(conversions, 0) / clicks END AS conversion_rate,
       CASE WHEN coalesce(conversions, 0) = 0 THEN NULL ELSE cost / conversions END AS cpa
FROM imp LEFT JOIN clk USING (campaign_id, dt) LEFT JOIN cnv USING (campaign_id, dt)
ORDER BY imp.campaign_id, imp.dt`;

/** The same report through DuckDB SQL over the three tables registered as views. */
export async function duckdbCampaignReport(tablesDir: string): Promise<CampaignDayRow[]> {
  const duck = await openDuckDB();
  const registered: RegisteredTable[] = [];
  try {
    for (const name of ['impressions', 'clicks', 'conversions']) {
      registered.push(await registerTable(duck.connection, name, await openTable(joinPath(tablesDir, name))));
    }
    const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    return (await duck.query(REPORT_SQL)).map((r) => ({
      campaign_id: String(r.campaign_id),
      dt: String(r.dt),
      impressions: Number(r.impressions),
      clicks: Number(r.clicks),
      conversions: Number(r.conversions),
      cost: Number(r.cost),
      ctr: Number(r.ctr),
      conversion_rate: num(r.conversion_rate),
      cpa: num(r.cpa),
    }));
  } finally {
    for (const r of registered) await r.drop();
    duck.close();
  }
}

const HEADER = ['campaign', 'day', 'impressions', 'clicks', 'conversions', 'cost', 'CTR', 'conv. rate', 'CPA'];

function cells(r: CampaignDayRow): string[] {
  const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(2)}%`);
  const usd = (v: number | null) => (v === null ? '-' : `$${v.toFixed(2)}`);
  return [r.campaign_id, r.dt, String(r.impressions), String(r.clicks), String(r.conversions), usd(r.cost), pct(r.ctr), pct(r.conversion_rate), usd(r.cpa)];
}

/** Aligned text table: text columns to the left, numbers to the right. */
function formatReport(rows: readonly CampaignDayRow[]): string[] {
  const body = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cs: string[]) => cs.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

/** Prints both reports as aligned tables. */
export async function printCampaignReports(tablesDir: string, out: (line: string) => void): Promise<void> {
  const lake = await campaignReport(tablesDir);
  out('Campaign report (lake query: scans, joins, aggregations)');
  for (const l of formatReport(lake)) out(l);
  out('');
  const duck = await duckdbCampaignReport(tablesDir);
  out('Campaign report (DuckDB SQL over registered views)');
  for (const l of formatReport(duck)) out(l);
}
