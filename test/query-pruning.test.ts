// Pruning effectiveness on a 1M-row, 30-partition table built from typed arrays: a one-day,
// one-campaign filter reads a small fraction of the table's bytes. Asserted from scan
// statistics only, never from time.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, Timestamp, TimeUnit, Utf8, type Data } from 'apache-arrow';
import { createTable, type HudiTable } from '@lake/core';
import { LocalStore } from '@lake/storage';
import { col, and, count, scan, sum } from '@lake/query';

const ROWS = 1_000_000;
const DAYS = 30;
const CAMPAIGNS = 20;
const INSERTS = 4;
const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 0, 1);

const schema = new Schema([
  new Field('impression_id', new Utf8(), false),
  new Field('campaign_id', new Utf8(), false),
  new Field('ts', new Timestamp(TimeUnit.MILLISECOND), false),
  new Field('cost', new Float64(), false),
  new Field('dt', new Utf8(), false),
]);

/** A Utf8 column from a function of the row, written straight into offsets and bytes. */
function utf8Column(n: number, text: (i: number) => string): Data {
  const enc = new TextEncoder();
  const offsets = new Int32Array(n + 1);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const b = enc.encode(text(i));
    parts.push(b);
    total += b.length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) bytes.set(parts[i], offsets[i]);
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes });
}

/** Rows [from, from+n): insert k holds campaigns 5k..5k+4, every day; costs are deterministic. */
function chunk(k: number, from: number, n: number): Table {
  const ts = new BigInt64Array(n);
  const cost = new Float64Array(n);
  const day = (i: number) => (from + i) % DAYS;
  for (let i = 0; i < n; i++) {
    ts[i] = BigInt(START + day(i) * DAY_MS + ((from + i) % 86_000) * 1000);
    cost[i] = ((from + i) % 97) / 100;
  }
  const columns = [
    utf8Column(n, (i) => `imp-${String(from + i).padStart(7, '0')}`),
    utf8Column(n, (i) => `c-${String(k * (CAMPAIGNS / INSERTS) + (Math.floor((from + i) / DAYS) % (CAMPAIGNS / INSERTS))).padStart(2, '0')}`),
    makeData({ type: new Timestamp(TimeUnit.MILLISECOND), length: n, data: ts }),
    makeData({ type: new Float64(), length: n, data: cost }),
    utf8Column(n, (i) => new Date(START + day(i) * DAY_MS).toISOString().slice(0, 10)),
  ];
  return new Table([new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children: columns }))]);
}

let dir: string;
let table: HudiTable;
let tableBytes = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lake-query-pruning-'));
  table = await createTable(new LocalStore(join(dir, 'impressions')), { recordKey: ['impression_id'], partitionBy: ['dt'], orderingField: 'ts', schema });
  const per = ROWS / INSERTS;
  for (let k = 0; k < INSERTS; k++) {
    // each insert covers every day, with its own five campaigns
    const t = chunk(k, k * per, per);
    await table.insert(t, { sizing: { smallFileLimitBytes: 0 } });
  }
  for (const s of await table.fileSlices()) tableBytes += s.baseFile?.size ?? 0;
}, 600_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('pruning on a 1M-row, 30-partition table', () => {
  it('a one-day, one-campaign filter reads a small fraction of the bytes', async () => {
    const s = scan(table).select('impression_id', 'cost').where(and(col('dt').eq('2024-01-09'), col('campaign_id').eq('c-07')));
    const out = await s.toArrow();
    const st = s.stats();
    expect(out.numRows).toBeGreaterThan(0);
    expect(st.partitions.total).toBe(DAYS);
    expect(st.partitions.pruned).toBe(DAYS - 1);
    expect(st.files.prunedByPartition).toBeGreaterThan(0);
    expect(st.files.prunedByStats).toBeGreaterThan(0);
    expect(st.rows.matched).toBe(out.numRows);
    expect(st.rows.scanned).toBeLessThan(ROWS / DAYS);
    expect(st.files.prunedByStats).toBe(INSERTS - 1);
    expect(st.bytesRead).toBeLessThan(tableBytes / 20);
    // the rows the generator put there: insert 1 holds c-05..c-09
    const expected: string[] = [];
    for (let i = ROWS / INSERTS; i < (2 * ROWS) / INSERTS; i++) {
      if (i % DAYS === 8 && Math.floor(i / DAYS) % 5 === 2) expected.push(`imp-${String(i).padStart(7, '0')}`);
    }
    expect(Array.from(out.getChild('impression_id')!.toArray() as ArrayLike<string>).sort()).toEqual(expected);
  });

  it('a record-key lookup skips files by key range and bloom filter', async () => {
    const s = scan(table).where("impression_id = 'imp-0123456'");
    const out = await s.toArrow();
    expect(out.numRows).toBe(1);
    const st = s.stats();
    expect(st.files.prunedByKey).toBeGreaterThan(st.files.total / 2);
    expect(st.rows.scanned).toBeLessThan(ROWS / 10);
  });

  it('an aggregation over one day reads that partition only', async () => {
    const grouped = scan(table).where("dt = '2024-01-15'").groupBy('campaign_id');
    const out = await grouped.agg({ n: count(), cost: sum('cost') });
    expect(out.numRows).toBeGreaterThan(1);
    const st = grouped.stats();
    expect(st.partitions.pruned).toBe(DAYS - 1);
    const total = (out.getChild('n')!.toArray() as Float64Array).reduce((a, b) => a + b, 0);
    expect(total).toBe(st.rows.matched);
    const slices = (await table.fileSlices()).filter((x) => x.partitionPath === '2024-01-15');
    expect(st.files.total - st.files.pruned).toBe(slices.length);
  });
});
