// A write merges and encodes its files while its instant's requested and inflight files are being
// written (the round trip before any data file), and puts none of them before that round trip is
// done. The inflight PUT is held here until the merge reads the previous base file version: a
// write that only merged after its instant was started would not read it until the hold's
// fallback release, and the test fails on that.

import { describe, expect, it } from 'vitest';
import { MemoryStore, type ObjectStore } from '@lake/storage';
import { createTable, openTable } from '@lake/core';

import { gatedStore, latch } from './support/gated-store.js';
import { traceRequests } from './support/request-trace.js';

const ROWS = 12_000;
/** A commit's inflight file (copy-on-write: `<instant>.inflight`). */
const INFLIGHT = /^\.hoodie\/\d+\.inflight$/;
/** Released anyway after this long, so a write that waits for its inflight file fails an assertion, not the test's timeout. */
const FALLBACK_RELEASE_MS = 4_000;

/** Hard-to-compress payloads: the base file is over 1 MiB, so the merge reads it (small files are read whole by the index). */
function payload(i: number, v: number): string {
  let x = (i * 2654435761 + v * 40503) >>> 0 || 1;
  let s = '';
  for (let j = 0; j < 120; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += String.fromCharCode(33 + ((x >>> 0) % 90));
  }
  return s;
}

const rows = (from: number, count: number, v: number) => Array.from({ length: count }, (_, i) => ({ id: `k${String(from + i).padStart(6, '0')}`, ts: v, v, p: payload(from + i, v) }));

describe('a write merging while its instant is started', () => {
  it('reads the previous base file before the inflight file is in place, and puts no data file before it', async () => {
    const base = new MemoryStore(`merge-while-starting-${Math.random()}`);
    const created = await createTable(base, { recordKey: ['id'], orderingField: 'ts', type: 'cow' });
    await created.upsert(rows(0, ROWS, 1));
    const [slice] = await created.fileSlices();
    expect(slice.baseFile?.size).toBeGreaterThan(1024 * 1024);
    const oldBase = slice.baseFile!.path;

    const events: string[] = [];
    let holding = false;
    let inflightDone = false;
    const merged = latch();
    const inner: ObjectStore = traceRequests(base, `${base.uri}#fresh`).store;
    const gated = gatedStore(inner, async (method, key) => {
      if (method === 'get' && key === oldBase && holding) {
        events.push('read previous version while starting');
        merged.open();
      }
      if (method === 'put' && key.endsWith('.parquet')) events.push(inflightDone ? 'data file after inflight' : 'data file before inflight');
      if (method === 'put' && INFLIGHT.test(key)) {
        holding = true;
        const fallback = setTimeout(merged.open, FALLBACK_RELEASE_MS);
        await merged.promise;
        clearTimeout(fallback);
        holding = false;
      }
    });
    const store: ObjectStore = {
      ...gated,
      uri: gated.uri,
      requests: gated.requests,
      put: async (key, data) => {
        await gated.put(key, data);
        if (INFLIGHT.test(key)) inflightDone = true;
      },
    };

    const writer = await openTable(store);
    const result = await writer.upsert(rows(100, 50, 2));
    expect(result.updated).toBe(50);
    expect(events[0]).toBe('read previous version while starting');
    expect(events.filter((e) => e.startsWith('data file'))).toEqual(['data file after inflight']);

    const read = await (await openTable(base)).read({ columns: ['id', 'v'] }).collect();
    expect(read.numRows).toBe(ROWS);
    const updated = read.toArray().filter((r) => Number((r as { v: number | bigint }).v) === 2);
    expect(updated).toHaveLength(50);
  }, 60_000);
});
