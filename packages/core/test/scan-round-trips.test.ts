// A snapshot scan overlaps the files of its slices on an object store: base files of the next few
// slices are opened (footers fetched) while one is read, so a table of many small files costs a
// round trip per few files rather than one per file. Requests go through a LatencyStore adding
// 5 ms each: requests started together finish together, so the round trips counted are the
// scan's chain of requests, not an accident of scheduling.

import { Table, vectorFromArray, Int64, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { LatencyStore, MemoryStore } from '@lake/storage';

import { createTable, openTable } from '../src/format.js';

const PARTITIONS = 12;
const ROWS_PER_PARTITION = 50;

function rows(): Table {
  const n = PARTITIONS * ROWS_PER_PARTITION;
  const idx = Array.from({ length: n }, (_, i) => i);
  return new Table({
    id: vectorFromArray(idx.map((i) => `k${i}`), new Utf8()),
    ts: vectorFromArray(idx.map((i) => BigInt(i)), new Int64()),
    p: vectorFromArray(idx.map((i) => `p${String(i % PARTITIONS).padStart(2, '0')}`), new Utf8()),
  });
}

describe('snapshot scans on an object store', () => {
  it.each(['cow', 'mor'] as const)('open the next base files while one is read (%s)', async (type) => {
    const memory = new MemoryStore(`scan-round-trips-${type}-${process.pid}`);
    const writer = await createTable(memory, { recordKey: ['id'], orderingField: 'ts', partitionBy: ['p'], type });
    await writer.insert(rows());
    const store = new LatencyStore(memory, { latencyMs: 5 });
    const table = await openTable(store);
    const slices = await table.fileSlices();
    expect(slices).toHaveLength(PARTITIONS);
    store.mark();
    let read = 0;
    for await (const b of table.read({ columns: ['id', 'ts'] })) read += b.numRows;
    const trips = store.mark();
    expect(read).toBe(PARTITIONS * ROWS_PER_PARTITION);
    // Each small file is read whole by its footer request: one request per file, and with five
    // opened at a time, 12 files take about a third as many round trips (one after another: 12).
    // The read lists the timeline and the partitions (3 round trips), then reads each small file
    // whole with its footer request; with five files opened at a time the 12 files take 3 round
    // trips, where one file after another took 12.
    expect(trips.requests).toBe(2 + 2 * PARTITIONS);
    expect(trips.roundTrips).toBeLessThanOrEqual(3 + Math.ceil(PARTITIONS / 4));
    expect(trips.maxInFlight).toBeGreaterThan(1);
  });
});
