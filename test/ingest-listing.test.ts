// A long-running insert-only ingestion does not list every partition of the table for each
// micro-batch: the duplicate check and the write start from the listing the table's writes keep,
// caught up from the commit metadata of writes completed since. The LIST requests of each small
// batch into one partition stay the same whether the table has 5 partitions or 120.

import { describe, expect, it } from 'vitest';
import { createTable } from '@lake/core';
import { ingest, iterableSource } from '@lake/ingest';
import { LatencyStore, MemoryStore } from '@lake/storage';

const hour = (h: number) => `2026-11-${String(1 + Math.floor(h / 24)).padStart(2, '0')}-${String(h % 24).padStart(2, '0')}`;

/** LIST requests of each further 5-row batch into one partition, in a table of `partitions` partitions. */
async function listsPerBatch(partitions: number): Promise<number> {
  const store = new LatencyStore(new MemoryStore(`memory://ingest-listing-${partitions}`), { latencyMs: 0 });
  const table = await createTable(store, { recordKey: ['id'], partitionBy: ['hr'], orderingField: 'ts', type: 'mor' });
  const first = Array.from({ length: partitions }, (_, i) => ({ id: `a-${i}`, ts: i, hr: hour(i) }));
  await ingest(table, { source: iterableSource(first, { id: 'first' }), mode: 'insert-only', batch: { maxRows: partitions } });
  // An ingestion lists the table once when it starts; the difference between a run of 2 and a
  // run of 6 batches is what 4 batches cost.
  const run = async (id: string, batches: number): Promise<number> => {
    const before = store.requests.LIST;
    const rows = Array.from({ length: 5 * batches }, (_, i) => ({ id: `${id}-${i}`, ts: 1000 + i, hr: hour(0) }));
    await ingest(table, { source: iterableSource(rows, { id }), mode: 'insert-only', batch: { maxRows: 5 } });
    return store.requests.LIST - before;
  };
  const two = await run('b', 2);
  const six = await run('c', 6);
  return (six - two) / 4;
}

describe('insert-only ingestion into a table of many partitions', () => {
  it('lists the same per micro-batch whatever the number of partitions', async () => {
    const few = await listsPerBatch(5);
    const many = await listsPerBatch(120);
    expect(many).toBe(few);
    // The write's own snapshot serves the duplicate check (the insert's `duplicates: 'drop'`): no
    // listing of the timeline for the check alone (8 LISTs per batch before, 7 now: the timeline
    // at the write's start and at its conflict check, the rest the commit-record folders).
    expect(many).toBeLessThanOrEqual(7);
  });
});
