// Reading ahead: the next batch is read and prepared while the current one commits, yet commits,
// acknowledgements and failures keep their order — a batch whose preparation fails fails only
// after the batch before it is committed, and nothing of it is committed.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ingest, iterableSource, lastCommittedCheckpoint, TooManyInvalidRecordsError } from '../src/index.js';
import { createEventsTable, tableRows } from './support.js';

function events(from: number, count: number, bad: (i: number) => boolean = () => false): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return { id: `e${i}`, ts: bad(i) ? 'not a time' : Date.UTC(2024, 0, 1) + i, dt: '2024-01-01' };
  });
}

describe('read-ahead of the next batch', () => {
  it('has the next batch read while the current one commits', async () => {
    const table = await createEventsTable(`memory://ahead-${Date.now()}`);
    let pulled = 0;
    function* counted(): Generator<Record<string, unknown>> {
      for (const e of events(0, 300)) {
        pulled++;
        yield e;
      }
    }
    const seenAtCommit: number[] = [];
    const summary = await ingest(table, {
      source: iterableSource(counted()),
      batch: { maxRows: 100 },
      onBatch: () => {
        seenAtCommit.push(pulled);
      },
    });
    expect(summary.written).toBe(300);
    // When batch 1 is committed, batch 2 has been read already (not more: one batch ahead).
    expect(seenAtCommit[0]).toBe(200);
    expect((await tableRows(table)).length).toBe(300);
  });

  it('fails a batch whose preparation fails only after the batch before it is committed', async () => {
    const table = await createEventsTable(`memory://ahead-fail-${Date.now()}`);
    const committed: number[] = [];
    const run = ingest(table, {
      source: iterableSource(events(0, 300, (i) => i >= 100 && i < 150)),
      batch: { maxRows: 100 },
      maxInvalidPerBatch: 10,
      onBatch: (r) => {
        committed.push(r.batch);
      },
    });
    await expect(run).rejects.toBeInstanceOf(TooManyInvalidRecordsError);
    expect(committed).toEqual([1]);
    expect((await lastCommittedCheckpoint(table, 'iterable'))?.checkpoint).toBe(100);
    expect((await tableRows(table)).map((r) => r.id).sort()).toEqual(events(0, 100).map((e) => e.id).sort());
  });

  it('stops after the batch committed when asked, dropping the batch read ahead for the next run', async () => {
    const table = await createEventsTable(`memory://ahead-stop-${Date.now()}`);
    const controller = new AbortController();
    const first = await ingest(table, {
      source: iterableSource(events(0, 300)),
      batch: { maxRows: 100 },
      signal: controller.signal,
      onBatch: () => controller.abort(),
    });
    expect(first.batches).toBe(1);
    const second = await ingest(table, { source: iterableSource(events(0, 300)), batch: { maxRows: 100 } });
    expect(second.resumedFrom).toBe(100);
    expect(second.written).toBe(200);
    expect((await tableRows(table)).length).toBe(300);
  });
});

describe('start-up', () => {
  it('does not load the NATS client for file sources', () => {
    const script = `
      import { createRequire } from 'node:module';
      await import('@lake/ingest');
      const cache = createRequire(import.meta.url).cache;
      console.log(Object.keys(cache).some((k) => /[\\\\/]nats[\\\\/]/.test(k)) ? 'nats loaded' : 'nats not loaded');
    `;
    const out = spawnSync(process.execPath, ['--conditions=@lake/source', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: import.meta.dirname });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('nats not loaded');
  }, 60_000);
});
