// Micro-batching: limits by count, bytes and time, and backpressure — a fast, endless source is
// only read as far as the table has committed plus one batch.

import { describe, expect, it } from 'vitest';
import { batchReader, ingest, iterableSource, type Source } from '../src/index.js';
import { createEventsTable } from './support.js';

function* endless(pulled: { count: number }): Generator<Record<string, unknown>> {
  for (let i = 0; ; i++) {
    pulled.count++;
    yield { id: `e${i}`, ts: Date.UTC(2024, 0, 1) + i, dt: '2024-01-01', user: 'x'.repeat(50) };
  }
}

describe('micro-batching', () => {
  it('never drains a fast endless source ahead of the commits', async () => {
    const pulled = { count: 0 };
    const table = await createEventsTable(`memory://batching-${Date.now()}`);
    const controller = new AbortController();
    let outstandingMax = 0;
    let committed = 0;
    const summary = await ingest(table, {
      source: iterableSource(endless(pulled)),
      batch: { maxRows: 200 },
      follow: true,
      signal: controller.signal,
      onBatch: (r) => {
        committed += r.read;
        outstandingMax = Math.max(outstandingMax, pulled.count - committed);
        if (r.batch === 4) controller.abort();
      },
    });
    expect(summary.batches).toBe(4);
    expect(summary.written).toBe(800);
    // Pulled = committed plus at most one batch of read-ahead.
    expect(pulled.count).toBeLessThanOrEqual(800 + 200);
    expect(outstandingMax).toBeLessThanOrEqual(200);
  });

  it('holds at most one batch plus one poll of any source', async () => {
    let delivered = 0;
    let acked = 0;
    let maxHeld = 0;
    const source: Source = {
      id: 'counting',
      async start() {},
      async poll(max) {
        const records = Array.from({ length: max }, () => {
          const i = delivered++;
          return { value: { id: `k${i}`, ts: 1_700_000_000_000 + i, dt: '2023-11-14' }, position: `#${i}`, size: 10, checkpoint: i + 1 };
        });
        maxHeld = Math.max(maxHeld, delivered - acked);
        return { records, state: 'more' };
      },
      async acknowledge(cp) {
        acked = cp as number;
      },
      async close() {},
    };
    const controller = new AbortController();
    await ingest(await createEventsTable(`memory://held-${Date.now()}`), {
      source,
      batch: { maxRows: 1000, maxBytes: 250 },
      follow: true,
      signal: controller.signal,
      onBatch: (r) => {
        expect(r.read).toBeLessThanOrEqual(25);
        if (r.batch === 5) controller.abort();
      },
    });
    // One batch (25 records by bytes) plus the rest of the poll that filled it (up to 1000 asked).
    expect(maxHeld).toBeLessThanOrEqual(25 + 1000);
    expect(acked).toBe(125);
  });

  it('cuts batches by bytes, and by age when the source is slow', async () => {
    const records = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, pad: 'x'.repeat(80) }));
    const source = iterableSource(records);
    await source.start(undefined);
    const reader = batchReader(source, { maxRows: 100, maxBytes: 300 }, { follow: false });
    const sizes: number[] = [];
    for (let b = await reader.next(); b; b = await reader.next()) sizes.push(b.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);

    async function* slow(): AsyncGenerator<Record<string, unknown>> {
      for (let i = 0; i < 12; i++) {
        await new Promise((r) => setTimeout(r, 60));
        yield { id: `s${i}` };
      }
    }
    const slowSource = iterableSource(slow());
    await slowSource.start(undefined);
    const timed = batchReader(slowSource, { maxRows: 1000, maxSeconds: 0.15 }, { follow: true });
    const counts: number[] = [];
    for (let b = await timed.next(); b; b = await timed.next()) counts.push(b.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    expect(counts.length).toBeGreaterThan(1);
  });
});
