// A run of an ingestion that stopped between its commit fence and its publish (killed, or
// paused) left a batch committed in all but name. The next run settles that run's intent, which
// publishes the commit from its fence and costs the next run's write a ConflictError; the batch
// that commit holds is the one the next run reads again, so it adopts the commit instead of
// failing, and every record lands once.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { createTable, openTable, rowsToJson, type HudiTable } from '@lake/core';
import { fileSource, ingest } from '@lake/ingest';

import { gatedStore, latch } from './support/gated-store.js';

async function rows(table: HudiTable): Promise<string[]> {
  const out: string[] = [];
  for await (const b of table.read({ withMeta: false })) for (const r of rowsToJson(b)) out.push(String(r.id));
  return out.sort();
}

describe('an ingestion run after one that fenced a batch but never published it', () => {
  it('adopts that commit and goes on; every record once, none updated', async () => {
    const source = new MemoryStore(`dead-run-src-${Math.random()}`);
    const ids: string[] = [];
    for (let f = 0; f < 3; f++) {
      const lines = Array.from({ length: 4 }, (_, i) => {
        const id = `r${f}-${i}`;
        ids.push(id);
        return JSON.stringify({ id, ts: '2024-09-09T09:09:09Z', dt: '2024-09-09' });
      });
      await source.put(`raw/${f}.ndjson`, new TextEncoder().encode(lines.join('\n')));
    }
    const store = new MemoryStore(`dead-run-table-${Math.random()}`);
    await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
    // The first run is held after its first batch's fence, before publishing it.
    const reached = latch();
    const never = latch();
    let held = false;
    const gated = gatedStore(store, async (m, key) => {
      if (held || m !== 'putIfAbsent' || !key.endsWith('.commit')) return;
      held = true;
      reached.open();
      await never.promise;
    });
    const first = ingest(await openTable(gated), { source: fileSource(source), batch: { maxRows: 4 } }).catch((e: unknown) => e);
    await reached.promise;
    // The next run reads the same first batch, finds the held run's intent and its commit fence.
    const table = await openTable(store);
    const summary = await ingest(table, { source: fileSource(source), batch: { maxRows: 4 } });
    expect(summary.batches).toBe(3);
    expect(await rows(await openTable(store))).toEqual([...ids].sort());
    let updated = 0;
    const timeline = await (await openTable(store)).timeline();
    for (const i of timeline.completedWrites()) for (const stats of (await timeline.commitMetadata(i)).partitionToWriteStats.values()) for (const s of stats) updated += s.numUpdateWrites;
    expect(updated).toBe(0);
    void first;
  });
});
