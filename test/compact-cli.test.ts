// `lake compact` end to end: a merge-on-read table written in 50 small upsert batches becomes base
// files only, `lake show` prints the same rows before and after, on local disk and on an S3
// server; copy-on-write small files are clustered; bad command lines are usage errors.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';

import { lake } from './support/cli.js';
import { createTable, openTable, type HudiTable } from '@lake/core';
import { S3RVER_CREDENTIALS, withS3rver } from './support/s3rver.js';

const root = mkdtempSync(join(tmpdir(), 'lake-compact-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Small upsert batches of impressions over 3 days: mostly updates of earlier impressions (which
 * go to log files), every 7th batch also new ones (which go to base files, small ones topped up
 * as Hudi does).
 */
async function writeSmallBatches(t: HudiTable, batches: number): Promise<void> {
  const row = (id: number, b: number) => ({ impression_id: `imp-${id}`, dt: `2024-01-0${(id % 3) + 1}`, ts: b, cost: ((id + b) % 17) / 10, campaign: `c-${id % 5}` });
  let known = 0;
  for (let b = 0; b < batches; b++) {
    const fresh = b % 7 === 0 ? Array.from({ length: 40 }, (_, i) => row(known + i, b)) : [];
    const updates = known === 0 ? [] : Array.from({ length: 12 }, (_, i) => row((b * 11 + i * 5) % known, b));
    await t.upsert([...fresh, ...updates]);
    known += fresh.length;
  }
}

async function compactAndCompare(uri: string): Promise<void> {
  const before = await lake('show', uri, '--format', 'ndjson');
  expect(before.code).toBe(0);
  expect(before.out.length).toBeGreaterThanOrEqual(40);
  const slicesBefore = await (await openTable(uri)).fileSlices();
  expect(slicesBefore.some((s) => s.logFiles.length > 0)).toBe(true);

  const dry = await lake('compact', uri, '--dry-run', '--json');
  expect(dry.code).toBe(0);
  const planned = JSON.parse(dry.out[0]) as { scheduled: string[]; fileGroups: number; completed: string[] };
  expect(planned.scheduled).toHaveLength(1);
  expect(planned.completed).toEqual([]);
  expect((await (await openTable(uri)).timeline()).pending()).toEqual([]);

  const run = await lake('compact', uri, '--parallelism', '2');
  expect(run.code, run.err.join('\n')).toBe(0);
  expect(run.out[0]).toMatch(/^Compacted \d+ file group\(s\) in 1 compaction\(s\) \(\d{17}\): merged \d+ log file\(s\)\.$/);
  expect(run.out[1]).toMatch(/^Records: \d+; bytes before: .+, after: .+; time: .+ s\.$/);

  const after = await lake('show', uri, '--format', 'ndjson');
  expect(after.out.sort()).toEqual(before.out.sort());
  const slices = await (await openTable(uri)).fileSlices();
  expect(slices.length).toBeGreaterThan(0);
  expect(slices.every((s) => s.baseFile !== undefined && s.logFiles.length === 0)).toBe(true);
  const ro = await lake('show', uri, '--format', 'ndjson', '--read-optimized');
  expect(ro.out.sort()).toEqual(before.out.sort());

  const again = await lake('compact', uri, '--json');
  expect(JSON.parse(again.out[0])).toMatchObject({ scheduled: [], completed: [] });
}

describe('lake compact', () => {
  it('compacts a merge-on-read table written in 50 small upsert batches into base files only (local disk)', async () => {
    const uri = join(root, 'impressions');
    expect((await lake('create', uri, '--key', 'impression_id', '--partition-by', 'dt', '--ordering-field', 'ts', '--type', 'mor')).code).toBe(0);
    await writeSmallBatches(await openTable(uri), 50);
    // Past 30 commits the oldest are archived inline; the archived timeline still lists them.
    const history = await lake('history', uri, '--json', '--archived');
    expect(history.out.map((l) => JSON.parse(l).action).filter((a: string) => a === 'deltacommit')).toHaveLength(50);
    const active = await lake('history', uri, '--json');
    expect(active.out.length).toBeLessThanOrEqual(30);
    await compactAndCompare(uri);
  }, 240_000);

  describe('on S3', () => {
    const s3 = withS3rver();
    const saved: Record<string, string | undefined> = {};
    const env = () => ({
      AWS_ENDPOINT_URL: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    beforeEach(() => {
      for (const [k, v] of Object.entries(env())) {
        saved[k] = process.env[k];
        process.env[k] = v;
      }
    });
    afterEach(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });

    it('compacts a table on an S3 server the same way', async () => {
      const uri = s3.uri('compact-cli/impressions');
      expect((await lake('create', uri, '--key', 'impression_id', '--partition-by', 'dt', '--ordering-field', 'ts', '--type', 'mor')).code).toBe(0);
      await writeSmallBatches(await openTable(uri), 8);
      await compactAndCompare(uri);
    }, 240_000);
  });

  it('clusters the small files of a copy-on-write table', async () => {
    const uri = join(root, 'cow');
    const t = await createTable(uri, { recordKey: ['id'], partitionBy: ['dt'] });
    // Tiny files: every insert opens new file groups.
    const sizing = { maxFileSizeBytes: 1, smallFileLimitBytes: 0, recordSizeEstimate: 1 };
    for (let b = 0; b < 4; b++) await t.insert(Array.from({ length: 3 }, (_, i) => ({ id: `${b}-${i}`, dt: `d${i % 2}`, v: b })), { sizing });
    const before = await lake('show', uri, '--format', 'ndjson');
    const filesBefore = (await t.fileSlices()).length;
    expect(filesBefore).toBe(12);
    const run = await lake('compact', uri);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out[0]).toMatch(/^Clustered 12 small file\(s\) into 2 \(replacecommit \d{17}\)\.$/);
    expect((await t.fileSlices()).length).toBe(2);
    expect((await lake('show', uri, '--format', 'ndjson')).out.sort()).toEqual(before.out.sort());
    const history = await lake('history', uri, '--json');
    expect(JSON.parse(history.out.at(-1)!)).toMatchObject({ action: 'replacecommit', state: 'completed', operation: 'CLUSTER' });
  }, 120_000);

  it('rejects options that do not fit the table or each other', async () => {
    const uri = join(root, 'usage');
    await createTable(uri, { recordKey: ['id'], type: 'mor' });
    const both = await lake('compact', uri, '--schedule-only', '--run-pending');
    expect(both.code).toBe(2);
    expect(both.err[0]).toMatch(/exclude each other/);
    const groups = await lake('compact', uri, '--strategy', 'file-groups');
    expect(groups.code).toBe(2);
    expect(groups.err[0]).toMatch(/--file-groups/);
    const cow = join(root, 'usage-cow');
    await createTable(cow, { recordKey: ['id'] });
    expect((await lake('compact', cow, '--run-pending')).code).toBe(2);
    const missing = await lake('compact', join(root, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/^lake: /);
  });

  it('schedules with --schedule-only and finishes with --run-pending', async () => {
    const uri = join(root, 'two-step');
    const t = await createTable(uri, { recordKey: ['id'], type: 'mor' });
    await t.insert([{ id: 'a', v: 1 }, { id: 'b', v: 1 }]);
    await t.upsert([{ id: 'a', v: 2 }]);
    const scheduled = await lake('compact', uri, '--schedule-only', '--json');
    const s = JSON.parse(scheduled.out[0]) as { scheduled: string[]; completed: string[] };
    expect(s.scheduled).toHaveLength(1);
    expect(s.completed).toEqual([]);
    // A write while the compaction is pending logs into the compaction's slice.
    await t.upsert([{ id: 'b', v: 3 }]);
    const run = await lake('compact', uri, '--run-pending', '--json');
    expect(JSON.parse(run.out[0])).toMatchObject({ completed: s.scheduled });
    const rows = (await lake('show', uri, '--format', 'ndjson')).out.map((l) => JSON.parse(l)).sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(rows).toEqual([
      { id: 'a', v: 2 },
      { id: 'b', v: 3 },
    ]);
    const slices = await t.fileSlices();
    expect(slices[0].baseInstantTime).toBe(s.scheduled[0]);
    expect(slices[0].logFiles).toHaveLength(1);
  });
});
