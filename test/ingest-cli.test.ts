// `lake ingest` in-process: a folder or one file, --once, JSON log lines, the metrics file,
// --insert-only and --max-invalid failures as one-line errors.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable, rowsToJson } from '@lake/core';
import { runCli, type CliIO } from '@lake/cli';
import { createEventsTable, tempDir } from '../packages/ingest/test/support.js';

function capture(): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTTY: false };
}

const rec = (id: string, user: string, amount: unknown = 1) => JSON.stringify({ id, user, ts: '2024-08-01T08:00:00Z', amount });

describe('lake ingest', () => {
  it('ingests a folder once, prints progress and a summary, writes metrics; a single file too', async () => {
    const tmp = await tempDir();
    try {
      const src = join(tmp.path, 'src');
      await mkdir(join(src, 'raw'), { recursive: true });
      await writeFile(join(src, 'raw/1.ndjson'), [rec('a', 'x'), rec('b', 'y'), rec('c', 'z', 'lots')].join('\n'));
      const tableUri = join(tmp.path, 'events');
      await createEventsTable(tableUri);
      const io = capture();
      const metricsFile = join(tmp.path, 'metrics.prom');
      const code = await runCli(['ingest', tableUri, '--from', src, '--once', '--derive-date', 'dt=ts', '--metrics-file', metricsFile, '--batch-rows', '2'], io);
      expect(io.errors).toEqual([]);
      expect(code).toBe(0);
      expect(io.lines.filter((l) => l.startsWith('batch '))).toHaveLength(2);
      expect(io.lines.at(-1)).toMatch(/^ingested 2 batch\(es\) from files:.*: read 3, written 2 \(2 inserted, 0 updated\), quarantined 1, deduplicated 0/);
      expect(await readFile(metricsFile, 'utf8')).toMatch(/lake_ingest_records_read_total\{table="events",source="files:[^"]+"\} 3/);

      const one = join(tmp.path, 'one.ndjson');
      await writeFile(one, [rec('a', 'again'), rec('d', 'w')].join('\n'));
      const io2 = capture();
      expect(await runCli(['ingest', tableUri, '--from', one, '--insert-only', '--derive-date', 'dt=ts', '--json'], io2)).toBe(0);
      const entries = io2.lines.map((l) => JSON.parse(l) as { event: string; deduplicated?: number; written?: number });
      expect(entries.map((e) => e.event)).toEqual(['start', 'batch', 'stop']);
      expect(entries[1]).toMatchObject({ written: 1, deduplicated: 1 });

      const rows: Record<string, unknown>[] = [];
      for await (const b of (await openTable(tableUri)).read({ withMeta: false })) rows.push(...rowsToJson(b));
      expect(Object.fromEntries(rows.map((r) => [r.id, r.user]))).toEqual({ a: 'x', b: 'y', d: 'w' });
    } finally {
      await tmp.remove();
    }
  });

  it('--insert-only --cluster-every n: each batch opens new files, every n-th commit clusters them', async () => {
    const tmp = await tempDir();
    try {
      const src = join(tmp.path, 'src');
      await mkdir(src, { recursive: true });
      for (let f = 0; f < 5; f++) await writeFile(join(src, `${f}.ndjson`), [rec(`k${f}a`, 'x'), rec(`k${f}b`, 'y')].join('\n'));
      const tableUri = join(tmp.path, 'events');
      await createEventsTable(tableUri);
      const io = capture();
      const code = await runCli(['ingest', tableUri, '--from', src, '--insert-only', '--cluster-every', '3', '--derive-date', 'dt=ts', '--batch-rows', '2'], io);
      expect(io.errors).toEqual([]);
      expect(code).toBe(0);
      const table = await openTable(tableUri);
      const timeline = await table.timeline();
      // Commits 1-3, a clustering of their three files, commits 4-5 in files of their own.
      expect(timeline.completedWrites().map((i) => i.action)).toEqual(['commit', 'commit', 'commit', 'replacecommit', 'commit', 'commit']);
      expect((await table.fileSlices()).length).toBe(3);
      expect((await table.read({ withMeta: false }).collect()).numRows).toBe(10);
    } finally {
      await tmp.remove();
    }
  });

  it('fails with a one-line error past --max-invalid, and on conflicting options', async () => {
    const tmp = await tempDir();
    try {
      const file = join(tmp.path, 'bad.ndjson');
      await writeFile(file, [rec('a', 'x', 'nope'), rec('b', 'y')].join('\n'));
      const tableUri = join(tmp.path, 'events');
      await createEventsTable(tableUri);
      const io = capture();
      expect(await runCli(['ingest', tableUri, '--from', file, '--derive-date', 'dt=ts', '--max-invalid', '0'], io)).toBe(1);
      expect(io.errors.join('\n')).toMatch(/^lake: 1 of 2 records in the batch are invalid \(limit 0\); nothing was committed/);
      expect((await (await openTable(tableUri)).timeline()).completed()).toHaveLength(0);
      const io2 = capture();
      expect(await runCli(['ingest', tableUri, '--from', file, '--once', '--follow'], io2)).toBe(1);
      expect(io2.errors[0]).toMatch(/--once or --follow/);
      const io3 = capture();
      expect(await runCli(['ingest', tableUri, '--from', join(tmp.path, 'missing')], io3)).toBe(1);
      expect(io3.errors[0]).toMatch(/no such file or folder/);
      const io4 = capture();
      expect(await runCli(['ingest', tableUri, '--from', file, '--max-invalid', '1.5'], io4)).toBe(2);
    } finally {
      await tmp.remove();
    }
  });
});
