// The file source: formats, key order, checkpoints inside a file when a batch splits it, and
// resuming from them.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableToIPC } from 'apache-arrow';
import { rowsToTable } from '@lake/core';
import { writeParquet } from '@lake/parquet';
import { FaultyStore, MemoryStore, openStore } from '@lake/storage';
import { dateOf, eventTimeMillis, fileSource, ingest, lastCommittedCheckpoint } from '../src/index.js';
import { createEventsTable, eventSchema, tableRows, tempDir } from './support.js';

const enc = new TextEncoder();
const ev = (i: number) => ({ id: `f${i}`, user: `u${i}`, ts: `2024-06-0${1 + (i % 3)}T00:00:00Z`, amount: i, dt: `2024-06-0${1 + (i % 3)}` });

describe('file source', () => {
  it('reads NDJSON, CSV, Parquet and Arrow IPC files in key order', async () => {
    const tmp = await tempDir();
    try {
      const src = join(tmp.path, 'src');
      await mkdir(join(src, 'a'), { recursive: true });
      await writeFile(join(src, 'a/1.ndjson'), [ev(1), ev(2)].map((r) => JSON.stringify(r)).join('\n'));
      await writeFile(join(src, 'a/2.csv'), 'id,user,ts,amount,count,dt\nf3,u3,2024-06-01T00:00:00Z,3.5,7,2024-06-01\nf4,,2024-06-02T00:00:00Z,,,2024-06-02\n');
      const arrowRows = [ev(5), ev(6)].map((r) => ({ ...r, count: null, ts: new Date(String(r.ts)) }));
      await writeFile(join(src, 'a/3.parquet'), writeParquet(rowsToTable(arrowRows, eventSchema)));
      await writeFile(join(src, 'b.arrow'), tableToIPC(rowsToTable([{ ...ev(7), count: 1, ts: new Date(String(ev(7).ts)) }], eventSchema), 'file'));
      await writeFile(join(src, 'a/.hidden.ndjson'), JSON.stringify(ev(99)));
      await writeFile(join(src, 'a/notes.txt'), 'not a record file');
      const table = await createEventsTable(join(tmp.path, 'events'));
      const summary = await ingest(table, { source: fileSource(await openStore(src)) });
      expect(summary).toMatchObject({ read: 7, written: 7, quarantined: 0 });
      expect(summary.checkpoint).toEqual({ key: 'b.arrow' });
      const rows = (await tableRows(table)).sort((a, b) => String(a.id).localeCompare(String(b.id)));
      expect(rows.map((r) => r.id)).toEqual(['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']);
      expect(rows[2]).toMatchObject({ amount: 3.5, count: 7, user: 'u3' });
      expect(rows[3]).toMatchObject({ user: null, amount: null });
      expect(rows[4].ts).toBe('2024-06-03T00:00:00.000Z');
    } finally {
      await tmp.remove();
    }
  });

  it('checkpoints inside a file when a batch splits it, and resumes there', async () => {
    const store = new MemoryStore('split-src');
    await store.put('raw/2024/06/01/00/part-1.ndjson', enc.encode(Array.from({ length: 7 }, (_, i) => JSON.stringify(ev(i))).join('\n')));
    await store.put('raw/2024/06/01/01/part-1.ndjson', enc.encode(JSON.stringify(ev(7))));
    const table = await createEventsTable(`memory://split-${Date.now()}`);
    const controller = new AbortController();
    const checkpoints: unknown[] = [];
    await ingest(table, {
      source: fileSource(store),
      batch: { maxRows: 3 },
      signal: controller.signal,
      onBatch: (r) => {
        checkpoints.push(r.checkpoint);
        if (r.batch === 2) controller.abort();
      },
    });
    expect(checkpoints).toEqual([
      { key: 'raw/2024/06/01/00/part-1.ndjson', record: 3 },
      { key: 'raw/2024/06/01/00/part-1.ndjson', record: 6 },
    ]);
    const sourceId = fileSource(store).id;
    expect((await lastCommittedCheckpoint(table, sourceId))?.checkpoint).toEqual(checkpoints[1]);
    // The rest: the 7th record of the first file, then the next file; and new files later.
    const rest = await ingest(table, { source: fileSource(store), batch: { maxRows: 3 } });
    expect(rest).toMatchObject({ read: 2, written: 2, checkpoint: { key: 'raw/2024/06/01/01/part-1.ndjson' } });
    await store.put('raw/2024/06/01/02/part-1.ndjson', enc.encode(JSON.stringify(ev(8))));
    const later = await ingest(table, { source: fileSource(store) });
    expect(later.read).toBe(1);
    expect(await tableRows(table)).toHaveLength(9);
    expect(eventTimeMillis((await tableRows(table))[0].ts)).toBeTypeOf('number');
  });

  it('derives the partition date from the event time', async () => {
    const store = new MemoryStore('derive-src');
    await store.put('x.ndjson', enc.encode(JSON.stringify({ id: 'd', ts: '2024-07-04T23:59:59-02:00' })));
    const table = await createEventsTable(`memory://derive-${Date.now()}`);
    await ingest(table, { source: fileSource(store), derive: { dt: dateOf('ts') } });
    expect((await tableRows(table))[0]).toMatchObject({ dt: '2024-07-05', ts: '2024-07-05T01:59:59.000Z' });
  });

  it('lists only the folders at or after the checkpoint', async () => {
    const inner = new MemoryStore('folders-src');
    for (const hour of ['00', '01', '02']) {
      await inner.put(`raw/2024/06/01/${hour}/part-1.ndjson`, enc.encode(JSON.stringify(ev(Number(hour)))));
    }
    const table = await createEventsTable(`memory://folders-${Date.now()}`);
    await ingest(table, { source: fileSource(inner, { prefix: 'raw/' }) });
    await inner.put('raw/2024/06/01/03/part-1.ndjson', enc.encode(JSON.stringify(ev(3))));
    await inner.put('raw/2024/06/02/00/part-1.ndjson', enc.encode(JSON.stringify(ev(4))));
    // A recursive listing of everything, or a listing of a consumed hour, would fail this run.
    const guarded = new FaultyStore(inner, {
      failOn: (op, key) => op === 'list' || (op === 'listDirectory' && ['raw/2024/06/01/00/', 'raw/2024/06/01/01/'].includes(key)),
    });
    const next = await ingest(table, { source: fileSource(guarded, { prefix: 'raw/' }) });
    expect(next).toMatchObject({ read: 2, checkpoint: { key: 'raw/2024/06/02/00/part-1.ndjson' } });
    expect(guarded.injected).toBe(0);
  });

  it('reads NDJSON in ranges, lines split across them, checkpoints and resumes inside the file', async () => {
    const store = new MemoryStore('chunked-src');
    const lines = Array.from({ length: 23 }, (_, i) => JSON.stringify({ ...ev(i), user: 'é'.repeat(i % 5) }));
    lines.splice(7, 0, '', '{broken');
    await store.put('big.ndjson', enc.encode(lines.join('\n')));
    const table = await createEventsTable(`memory://chunked-${Date.now()}`);
    const controller = new AbortController();
    const source = () => fileSource(store, { chunkBytes: 37 });
    const first = await ingest(table, {
      source: source(),
      batch: { maxRows: 5 },
      signal: controller.signal,
      onBatch: (r) => {
        if (r.batch === 2) controller.abort();
      },
    });
    expect(first).toMatchObject({ read: 10, checkpoint: { key: 'big.ndjson', record: 10 } });
    const rest = await ingest(table, { source: source(), batch: { maxRows: 5 } });
    expect(rest).toMatchObject({ read: 14, checkpoint: { key: 'big.ndjson' } });
    expect(first.quarantined + rest.quarantined).toBe(1);
    const rows = await tableRows(table);
    expect(rows.map((r) => r.id).sort()).toEqual(Array.from({ length: 23 }, (_, i) => `f${i}`).sort());
    expect(rows.find((r) => r.id === 'f4')?.user).toBe('éééé');
  });

  it('streams a large Parquet file in windows, checkpoints and resumes inside it', async () => {
    const store = new MemoryStore('parquet-src');
    const rows = Array.from({ length: 9000 }, (_, i) => ({ ...ev(i), count: i % 100, ts: new Date(Date.UTC(2024, 5, 1 + (i % 3))) }));
    await store.put('big.parquet', writeParquet(rowsToTable(rows, eventSchema)));
    const table = await createEventsTable(`memory://parquet-${Date.now()}`);
    const controller = new AbortController();
    const first = await ingest(table, {
      source: fileSource(store),
      batch: { maxRows: 3000 },
      signal: controller.signal,
      onBatch: (r) => {
        if (r.batch === 2) controller.abort();
      },
    });
    expect(first).toMatchObject({ read: 6000, checkpoint: { key: 'big.parquet', record: 6000 } });
    const rest = await ingest(table, { source: fileSource(store), batch: { maxRows: 3000 } });
    expect(rest).toMatchObject({ read: 3000, written: 3000, checkpoint: { key: 'big.parquet' } });
    const ids = (await tableRows(table)).map((r) => String(r.id));
    expect(new Set(ids).size).toBe(9000);
  });
});
