// Upserts into merge-on-read file groups whose logs hold no deletes: the commit metadata says so
// (numDeletes), and the write appends a log without reading the slice's earlier logs. After a
// delete the logs are read again, and a key deleted and then upserted comes back exactly once.

import { describe, expect, it } from 'vitest';
import { createTable, rowsToJson, type HudiTable } from '@lake/core';
import { FaultyStore, MemoryStore } from '@lake/storage';

function countingLogGets(name: string): { store: FaultyStore; logGets: () => number } {
  let gets = 0;
  const store = new FaultyStore(new MemoryStore(`memory://${name}`), {
    failOn: (op, key) => {
      if (op === 'get' && /\/\.[^/]+\.log\.\d+/.test(`/${key}`)) gets++;
      return false;
    },
  });
  return { store, logGets: () => gets };
}

async function rows(table: HudiTable): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of table.read({ withMeta: false })) out.push(...rowsToJson(b));
  return out.sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

describe('merge-on-read upserts and log reads', () => {
  it('reads no log file while commit metadata shows the slice never had a delete', async () => {
    const { store, logGets } = countingLogGets('no-deletes');
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], orderingField: 'ts', type: 'mor' });
    await table.insert([{ id: 'a', p: 'x', ts: 1, v: 0 }, { id: 'b', p: 'x', ts: 1, v: 0 }]);
    for (let i = 1; i <= 4; i++) await table.upsert([{ id: 'a', p: 'x', ts: 1 + i, v: i }]);
    expect((await table.fileSlices())[0].logFiles).toHaveLength(4);
    expect(logGets()).toBe(0);
    expect(await rows(table)).toEqual([{ id: 'a', p: 'x', ts: 5, v: 4 }, { id: 'b', p: 'x', ts: 1, v: 0 }]);
  });

  it('after a delete, reads the logs and brings a re-upserted key back once', async () => {
    const { store, logGets } = countingLogGets('with-delete');
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], orderingField: 'ts', type: 'mor' });
    await table.insert([{ id: 'a', p: 'x', ts: 5, v: 0 }, { id: 'b', p: 'x', ts: 5, v: 0 }]);
    await table.upsert([{ id: 'b', p: 'x', ts: 6, v: 1 }]);
    await table.delete([{ id: 'a', p: 'x', ts: 5, v: 0 }]);
    const before = logGets();
    await table.upsert([{ id: 'a', p: 'x', ts: 1, v: 2 }]);
    expect(logGets()).toBeGreaterThan(before);
    expect(await rows(table)).toEqual([{ id: 'a', p: 'x', ts: 1, v: 2 }, { id: 'b', p: 'x', ts: 6, v: 1 }]);
  });
});
