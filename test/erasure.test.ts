// GDPR erasure end to end: 200k impressions over 30 date partitions and 5 commits with 1 000
// users; erasing 3 users leaves no row of theirs in the snapshot, in any retained time travel,
// in incremental reads, or in any Parquet or log file of the table folder; other users' rows are
// unchanged; statistics keep most files from being read; a crashed erasure re-run completes.

import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Float64, Field, Schema, Table, Utf8, makeData, RecordBatch, Struct } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FaultyStore, LocalStore } from '@lake/storage';
import { createTable, decodeAvroDataBlock, decodeParquetDataBlock, BlockType, openTable, readLogBlocks, type HudiTable } from '@lake/core/format';
import { readParquet } from '@lake/parquet';
import { lake } from './support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'lake-erasure-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ROWS = 200_000;
const COMMITS = 5;
const DAYS = 30;
const erased = ['u0042', 'u0500', 'u0977'];

function utf8(values: string[]) {
  const enc = new TextEncoder();
  const parts = values.map((v) => enc.encode(v));
  const offsets = new Int32Array(values.length + 1);
  let at = 0;
  parts.forEach((p, i) => (offsets[i + 1] = at += p.length));
  const data = new Uint8Array(at);
  parts.forEach((p, i) => data.set(p, offsets[i]));
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data });
}

const schema = new Schema([new Field('impression_id', new Utf8(), false), new Field('user_id', new Utf8(), false), new Field('dt', new Utf8(), false), new Field('cost', new Float64(), false)]);

/** Rows [from, to): each day has its own ~34 users, so user ids correlate with dates as sessions do. */
function rows(from: number, to: number): Table {
  const ids: string[] = [];
  const users: string[] = [];
  const days: string[] = [];
  const cost = new Float64Array(to - from);
  for (let i = from; i < to; i++) {
    const day = i % DAYS;
    const user = (day * 34 + (Math.floor(i / DAYS) % 34)) % 1000;
    ids.push(`imp-${String(i).padStart(7, '0')}`);
    users.push(`u${String(user).padStart(4, '0')}`);
    days.push(`2024-06-${String(day + 1).padStart(2, '0')}`);
    cost[i - from] = (i % 100) / 100;
  }
  const children = [utf8(ids), utf8(users), utf8(days), makeData({ type: new Float64(), length: cost.length, nullCount: 0, data: cost })];
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: cost.length, nullCount: 0, children }))]);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('.hoodie'))
    .map((e) => join(e.parentPath, e.name));
}

/** Rows of the erased users in every data file of the folder, read directly. */
function erasedRowsOnDisk(dir: string): number {
  let n = 0;
  const hit = (v: unknown) => typeof v === 'string' && erased.includes(v);
  for (const f of filesUnder(dir)) {
    const name = f.slice(f.lastIndexOf('/') + 1);
    if (name.endsWith('.parquet')) {
      const t = readParquet(new Uint8Array(readFileSync(f)), { columns: ['user_id'] });
      for (const v of t.getChild('user_id') ?? []) if (hit(v)) n++;
    } else if (name.includes('.log.')) {
      for (const b of readLogBlocks(new Uint8Array(readFileSync(f))).blocks) {
        if (b.type === BlockType.PARQUET_DATA) for (const v of decodeParquetDataBlock(b).getChild('user_id') ?? []) if (hit(v)) n++;
        if (b.type === BlockType.AVRO_DATA) for (const r of decodeAvroDataBlock(b).records) if (hit(r.user_id)) n++;
      }
    }
  }
  return n;
}

async function snapshot(t: HudiTable, asOf?: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const b of t.read({ asOf, columns: ['impression_id', 'user_id'] })) {
    const ids = b.getChild('impression_id')!;
    const users = b.getChild('user_id')!;
    for (let i = 0; i < b.numRows; i++) out.set(String(ids.get(i)), String(users.get(i)));
  }
  return out;
}

describe('GDPR erasure', () => {
  let dir: string;
  let instants: string[];
  let before: Map<string, string>;

  beforeAll(async () => {
    dir = join(root, 'impressions');
    const t = await createTable(dir, { recordKey: ['impression_id'], partitionBy: ['dt'], orderingField: 'cost' });
    instants = [];
    const per = ROWS / COMMITS;
    // Each commit adds new impressions to every day, and re-writes some earlier ones (upserts).
    for (let c = 0; c < COMMITS; c++) {
      instants.push((await t.upsert(rows(c * per, (c + 1) * per))).instant);
    }
    before = await snapshot(t);
    expect(before.size).toBe(ROWS);
    expect(erasedRowsOnDisk(dir)).toBeGreaterThan(0);
  }, 300_000);

  it('erases 3 users from the snapshot, history and every file, with proof', async () => {
    const t = await openTable(dir);
    const heldBefore = [...before.values()].filter((u) => erased.includes(u)).length;
    let heldFiles = 0;
    for (const slice of await t.fileSlices()) {
      const users = readParquet(new Uint8Array(readFileSync(join(dir, slice.baseFile!.path))), { columns: ['user_id'] }).getChild('user_id');
      if ([...(users ?? [])].some((u) => erased.includes(String(u)))) heldFiles++;
    }
    expect(heldFiles).toBeGreaterThanOrEqual(3);
    expect(heldBefore).toBeGreaterThan(100);
    const run = await lake('gdpr-delete', dir, '--column', 'user_id', '--id', erased[0], '--id', erased[1], '--id', erased[2], '--request-id', 'req-1', '--json');
    expect(run.code, run.err.join('\n')).toBe(0);
    const report = JSON.parse(run.out[0]) as { rowsErased: number; filesExamined: number; filesSkipped: number; filesPurged: string[]; verification: { passed: boolean; matches: number }; valueHashes: string[] };
    expect(report.rowsErased).toBe(heldBefore);
    expect(report.verification).toMatchObject({ passed: true, matches: 0 });
    // Examined: the files that held the users, plus the few whose min/max could not rule them out;
    // the rest were skipped by statistics alone.
    expect(report.filesExamined).toBeGreaterThanOrEqual(heldFiles);
    expect(report.filesExamined).toBeLessThanOrEqual(heldFiles + 2);
    expect(report.filesExamined + report.filesSkipped).toBe(30);
    expect(report.filesPurged.length).toBeGreaterThan(0);
    // The proof never holds the values themselves.
    const proof = readFileSync(join(dir, '.hoodie/.aux/lake/erasures/req-1.json'), 'utf8');
    for (const u of erased) expect(proof.includes(u)).toBe(false);
    expect(report.valueHashes).toHaveLength(3);

    const after = await snapshot(t);
    const expected = new Map([...before].filter(([, u]) => !erased.includes(u)));
    expect(after).toEqual(expected);
    expect(erasedRowsOnDisk(dir)).toBe(0);
    // History before the erasure is refused, naming the request; never answered with the rows.
    for (const i of instants) await expect(t.read({ asOf: i }).collect()).rejects.toMatchObject({ code: 'INSTANT_ERASED', requestId: 'req-1' });
    await expect(t.readIncremental({ start: instants[0], end: instants[2] }).collect()).rejects.toMatchObject({ code: 'INSTANT_ERASED' });
    const changes = await t.readIncremental({ start: instants[0] }).collect();
    for (const u of changes.getChild('user_id') ?? []) expect(erased.includes(String(u))).toBe(false);

    const verify = await lake('gdpr-delete', dir, '--verify', 'req-1');
    expect(verify.code).toBe(0);
    expect(verify.out[0]).toMatch(/^Verified .*: \d+ data file\(s\) re-read, \d+ other object\(s\) scanned; no erased value found\.$/);
    const show = await lake('show', dir, '--as-of', instants[1]);
    expect(show.code).toBe(1);
    expect(show.err[0]).toMatch(/erasure request "req-1"/);
  }, 300_000);
});

describe('GDPR erasure on merge-on-read, with a crash', () => {
  it('logs deletes, compacts the touched file groups, purges old slices; a crashed run is completed by a re-run', async () => {
    const dir = join(root, 'mor');
    const t = await createTable(dir, { recordKey: ['impression_id'], partitionBy: ['dt'], type: 'mor' });
    await t.insert(rows(0, 6000));
    // Updates of existing impressions go to log files.
    await t.upsert(rows(0, 1500));
    const before = await snapshot(t);
    expect(readdirSync(join(dir, '2024-06-02')).some((n) => n.includes('.log.'))).toBe(true);

    // The first attempt dies at its third store write (after the delete commit began).
    let writes = 0;
    const failing = new FaultyStore(new LocalStore(dir), { failOn: (op) => (op === 'put' || op === 'putIfAbsent') && ++writes === 6 });
    await expect((await openTable(failing)).erase({ column: 'user_id', values: erased, requestId: 'req-mor' })).rejects.toThrow();
    const report = await t.erase({ column: 'user_id', values: erased, requestId: 'req-mor' });
    expect(report.verification.passed).toBe(true);
    expect(erasedRowsOnDisk(dir)).toBe(0);
    const after = await snapshot(t);
    expect(after).toEqual(new Map([...before].filter(([, u]) => !erased.includes(u))));
    const dry = await t.erase({ column: 'user_id', values: erased, dryRun: true });
    expect(dry.rowsErased).toBe(0);
    await expect(t.erase({ column: 'nope', values: ['x'] })).rejects.toMatchObject({ code: 'INVALID_WRITE' });
    await expect(t.erase({ column: 'user_id', values: [] })).rejects.toMatchObject({ code: 'INVALID_WRITE', message: expect.stringMatching(/at least one value/) });
    // Called from JavaScript with the arguments of a delete: told what a request looks like.
    const untyped = t.erase.bind(t) as unknown as (column: string, value: string) => Promise<unknown>;
    await expect(untyped('user_id', 'u1')).rejects.toMatchObject({ code: 'INVALID_WRITE', message: expect.stringMatching(/column: string, values/) });
  }, 300_000);
});
