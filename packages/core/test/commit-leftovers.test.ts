// What a write holds while it runs (its instant claim, heartbeat, markers, fence) is gone once it
// ends: right after a failed write, and one event-loop turn after a successful one is acknowledged.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { createTable, openTable } from '@lake/core';

async function keys(store: MemoryStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(prefix)) out.push(o.key);
  return out;
}

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('what a write holds while it runs', () => {
  for (const type of ['cow', 'mor'] as const) {
    it(`${type}: is removed after a commit, and after a write refused before its plan`, async () => {
      const store = new MemoryStore(`leftovers-${type}-${Math.random()}`);
      await createTable(store, { name: 't', type, recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts' });
      const table = await openTable(store);
      await table.upsert([{ id: 'a', dt: 'd', ts: 1, v: 'x' }]);
      await table.upsert([{ id: 'a', dt: 'd', ts: 2, v: 'y' }, { id: 'b', dt: 'd', ts: 2, v: 'y' }]);
      // markers go with the publish; the heartbeat and fence after the acknowledgement
      expect(await keys(store, '.hoodie/.temp/')).toEqual([]);
      await turn();
      expect(await keys(store, '.hoodie/.heartbeat/')).toEqual([]);
      expect(await keys(store, '.hoodie/.aux/lake/fences/')).toEqual([]);
      // The instant time held in the write's first round trip is released when the write fails.
      const intentsBefore = await keys(store, '.hoodie/.aux/lake/instants/');
      await expect(table.upsert([{ id: 'c\ud800', dt: 'd', ts: 3, v: 'z' }])).rejects.toThrow(/surrogate|record key/i);
      expect(await keys(store, '.hoodie/.heartbeat/')).toEqual([]);
      expect(await keys(store, '.hoodie/.aux/lake/instants/')).toEqual(intentsBefore);
      const rows = (await (await openTable(store)).read({ columns: ['id', 'v'] }).collect()).toArray().map((r) => `${r.id}=${r.v}`);
      expect(rows.sort()).toEqual(['a=y', 'b=y']);
    });
  }
});
