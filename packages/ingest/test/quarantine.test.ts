// A mixed file of good and bad records: good ones land in the table, bad ones in the quarantine
// with their reasons, and the counts add up.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '@lake/storage';
import { openTable } from '@lake/core';
import { dateOf, fileSource, ingest, QUARANTINE_PREFIX, TooManyInvalidRecordsError, createQuarantineTable, tableQuarantine } from '../src/index.js';
import { createEventsTable, tableRows, tempDir } from './support.js';

const lines = [
  { id: 'e1', user: 'u1', ts: '2024-03-01T10:00:00Z', amount: 1.5, count: 1 },
  { id: 'e2', user: 'u2', ts: 1709287200000, amount: '2.25', count: '7' }, // coercions: epoch ms, numeric text
  { id: 'e3', user: 'u3', ts: 'yesterday-ish', amount: 3 }, // bad timestamp
  { user: 'u4', ts: '2024-03-01T11:00:00Z', amount: 4 }, // missing id
  { id: 'e5', user: 'u5', ts: '2024-03-01T12:00:00Z', amount: 'free' }, // non-numeric amount
  { id: 'e6', user: 'u6', ts: '2024-03-01T13:00:00Z', count: 3_000_000_000 }, // int32 overflow
  { id: 'e1', user: 'u1-later', ts: '2024-03-01T10:30:00Z', amount: 9 }, // duplicate key, later: wins
  { id: 'e7', user: 'u7', ts: '2024-03-02T00:00:01Z', amount: 7, extra: true }, // unknown field
];

async function writeSource(dir: string): Promise<void> {
  await mkdir(join(dir, 'raw/2024/03/01/10'), { recursive: true });
  const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n{not json\n';
  await writeFile(join(dir, 'raw/2024/03/01/10/part-0001.ndjson'), text);
}

describe('quarantine', () => {
  it('keeps good records, quarantines bad ones with reasons, and the counts add up', async () => {
    const tmp = await tempDir();
    try {
      await writeSource(join(tmp.path, 'src'));
      const table = await createEventsTable(join(tmp.path, 'events'));
      const summary = await ingest(table, {
        source: fileSource(await openStore(join(tmp.path, 'src'))),
        derive: { dt: dateOf('ts') },
      });
      expect(summary.read).toBe(9);
      expect(summary.read + summary.expanded).toBe(summary.written + summary.quarantined + summary.deduplicated);
      expect(summary.quarantined).toBe(6);
      expect(summary.deduplicated).toBe(1);
      expect(summary.written).toBe(2);
      expect(summary.coerced).toBeGreaterThanOrEqual(3);

      const rows = (await tableRows(await openTable(join(tmp.path, 'events')))).sort((a, b) => String(a.id).localeCompare(String(b.id)));
      expect(rows.map((r) => [r.id, r.user, r.amount, r.count])).toEqual([
        ['e1', 'u1-later', 9, null],
        ['e2', 'u2', 2.25, 7],
      ]);
      expect(rows[1].ts).toBe('2024-03-01T10:00:00.000Z');

      const qdir = join(tmp.path, 'events', QUARANTINE_PREFIX);
      const files = await readdir(qdir);
      expect(files).toHaveLength(1);
      const entries = (await readFile(join(qdir, files[0]), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { position: string; reason: string; record: unknown });
      expect(entries).toHaveLength(6);
      const byLine = new Map(entries.map((e) => [e.position.split(':').pop(), e]));
      expect(byLine.get('3')?.reason).toMatch(/ts: .*not a timestamp/);
      expect(byLine.get('4')?.reason).toMatch(/id: missing required field/);
      expect(byLine.get('5')?.reason).toMatch(/amount: expected a number/);
      expect(byLine.get('6')?.reason).toMatch(/count: .*out of range for int32/);
      expect(byLine.get('8')?.reason).toMatch(/extra: unknown field/);
      expect(byLine.get('9')?.reason).toMatch(/not valid JSON/);
      expect(byLine.get('9')?.record).toBe('{not json');
      expect(byLine.get('5')?.record).toEqual(lines[4]);
    } finally {
      await tmp.remove();
    }
  });

  it('fails the batch with a typed error past maxInvalidPerBatch, committing nothing', async () => {
    const tmp = await tempDir();
    try {
      await writeSource(join(tmp.path, 'src'));
      const table = await createEventsTable(join(tmp.path, 'events'));
      const run = ingest(table, { source: fileSource(await openStore(join(tmp.path, 'src'))), derive: { dt: dateOf('ts') }, maxInvalidPerBatch: 0.5 });
      await expect(run).rejects.toBeInstanceOf(TooManyInvalidRecordsError);
      await expect(run).rejects.toMatchObject({ code: 'INGEST_TOO_MANY_INVALID', invalid: 6, total: 9 });
      expect((await table.timeline()).completed()).toHaveLength(0);
      // A count limit at the number of invalid records lets the batch through.
      const ok = await ingest(table, { source: fileSource(await openStore(join(tmp.path, 'src'))), derive: { dt: dateOf('ts') }, maxInvalidPerBatch: 6 });
      expect(ok.quarantined).toBe(6);
    } finally {
      await tmp.remove();
    }
  });

  it('quarantines into a separate lake table when given one', async () => {
    const tmp = await tempDir();
    try {
      await writeSource(join(tmp.path, 'src'));
      const table = await createEventsTable(join(tmp.path, 'events'));
      const qtable = await createQuarantineTable(join(tmp.path, 'quarantine'));
      const summary = await ingest(table, {
        source: fileSource(await openStore(join(tmp.path, 'src'))),
        derive: { dt: dateOf('ts') },
        quarantine: tableQuarantine(qtable),
      });
      const q = await tableRows(qtable);
      expect(q).toHaveLength(summary.quarantined);
      expect(q.every((r) => typeof r.reason === 'string' && String(r.position).includes('part-0001.ndjson:'))).toBe(true);
    } finally {
      await tmp.remove();
    }
  });

  it('a batch retried after a failed commit quarantines each record once, whatever its new boundaries', async () => {
    const tmp = await tempDir();
    try {
      await writeSource(join(tmp.path, 'src'));
      const table = await createEventsTable(join(tmp.path, 'events'));
      const upsert = table.upsert.bind(table);
      table.upsert = async () => {
        throw new Error('the process died before the commit');
      };
      await expect(ingest(table, { source: fileSource(await openStore(join(tmp.path, 'src'))), derive: { dt: dateOf('ts') } })).rejects.toThrow(/died/);
      table.upsert = upsert;
      // The retry cuts the file into smaller batches: the first holds no invalid record at all.
      const retry = await ingest(table, { source: fileSource(await openStore(join(tmp.path, 'src'))), derive: { dt: dateOf('ts') }, batch: { maxRows: 2 } });
      expect(retry.quarantined).toBe(6);
      const qdir = join(tmp.path, 'events', QUARANTINE_PREFIX);
      let entries = 0;
      for (const f of await readdir(qdir)) entries += (await readFile(join(qdir, f), 'utf8')).trim().split('\n').length;
      expect(entries).toBe(6);
    } finally {
      await tmp.remove();
    }
  });
});
