// `lake query` end to end through runCli: filters, projections, aggregations, formats, limits,
// --explain statistics and one-line typed errors.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTable } from '@lake/core';
import { lake } from './support/cli.js';

let dir: string;
let uri: string;
const rows = Array.from({ length: 40 }, (_, i) => ({
  impression_id: `imp-${String(i).padStart(3, '0')}`,
  user_id: `u-${i % 7}`,
  campaign_id: `c-0${1 + (i % 3)}`,
  ts: Date.UTC(2024, 0, 1 + (i % 4), 12),
  cost: (i % 10) / 10,
  country: i % 2 ? 'US' : 'FR',
  dt: `2024-01-0${1 + (i % 4)}`,
}));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lake-query-cli-'));
  uri = join(dir, 'impressions');
  const table = await createTable(uri, { recordKey: ['impression_id'], partitionBy: ['dt'], orderingField: 'ts' });
  await table.insert(rows);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('lake query', () => {
  it('filters and projects rows as ndjson', async () => {
    const r = await lake('query', uri, '--select', 'impression_id,cost', '--where', "country = 'US' and cost > 0.5 and dt = '2024-01-02'", '--format', 'ndjson');
    expect(r.code).toBe(0);
    const got = r.out.map((l) => JSON.parse(l) as { impression_id: string; cost: number });
    const expected = rows.filter((x) => x.country === 'US' && x.cost > 0.5 && x.dt === '2024-01-02').map((x) => ({ impression_id: x.impression_id, cost: x.cost }));
    expect(got.sort((a, b) => a.impression_id.localeCompare(b.impression_id))).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('aggregates by group as csv', async () => {
    const r = await lake('query', uri, '--group-by', 'campaign_id', '--agg', 'count(*),sum(cost),avg(cost),min(dt),max(dt),count_distinct(user_id),approx_count_distinct(user_id) as approx', '--format', 'csv', '--where', "campaign_id in ('c-01','c-02')");
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('campaign_id,count,sum_cost,avg_cost,min_dt,max_dt,count_distinct_user_id,approx');
    const lines = r.out.slice(1).map((l) => l.split(','));
    expect(lines.map((l) => l[0])).toEqual(['c-01', 'c-02']);
    for (const l of lines) {
      const members = rows.filter((x) => x.campaign_id === l[0]);
      const total = members.reduce((s, x) => s + x.cost, 0);
      expect(Number(l[1])).toBe(members.length);
      expect(Number(l[2])).toBeCloseTo(total, 9);
      expect(Number(l[3])).toBeCloseTo(total / members.length, 9);
      expect(l[4]).toBe(members.map((x) => x.dt).sort()[0]);
      expect(l[5]).toBe(members.map((x) => x.dt).sort().at(-1));
      expect(Number(l[6])).toBe(new Set(members.map((x) => x.user_id)).size);
      expect(Number(l[7])).toBe(new Set(members.map((x) => x.user_id)).size);
    }
  });

  it('--explain prints what was pruned; --limit caps the rows', async () => {
    const r = await lake('query', uri, '--where', "dt = '2024-01-03'", '--explain', '--limit', '2');
    expect(r.code).toBe(0);
    expect(r.out).toContain('(2 rows)');
    expect(r.out).toContain('  partitions: 4 total, 3 pruned');
    expect(r.out.some((l) => /^ {2}files: +\d+ total, \d+ pruned \(\d+ by partition/.test(l))).toBe(true);
    expect(r.out.some((l) => /^ {2}bytes read: /.test(l))).toBe(true);
    const nd = await lake('query', uri, '--where', "dt = '2024-01-03'", '--explain', '--format', 'ndjson');
    expect(nd.out).toHaveLength(10);
    expect(nd.err[0]).toBe('scan statistics:');
  });

  it('time travel with --as-of', async () => {
    const history = await lake('history', uri, '--json');
    const first = (JSON.parse(history.out[0]) as { instant: string }).instant;
    const r = await lake('query', uri, '--as-of', first, '--agg', 'count(*)', '--format', 'ndjson');
    expect(r.out).toEqual([JSON.stringify({ count: rows.length })]);
  });

  it('errors are one line, typed, exit 1: syntax with a caret, unknown columns, bad aggregates', async () => {
    const syntax = await lake('query', uri, '--where', "cost > > 1");
    expect(syntax.code).toBe(1);
    expect(syntax.err[0]).toMatch(/^lake: Cannot parse filter at position 8: unexpected ">"/);
    expect(syntax.err.join('\n')).toContain('  cost > > 1\n         ^');
    const unknown = await lake('query', uri, '--where', "nope = 1");
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toContain('Unknown column "nope"');
    expect(unknown.err[0]).toContain('impression_id');
    const agg = await lake('query', uri, '--agg', 'median(cost)');
    expect(agg.code).toBe(1);
    expect(agg.err[0]).toContain('Unknown aggregate function "median"');
  });
});
