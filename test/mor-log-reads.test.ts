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

describe('merge-on-read snapshot reads of several slices', () => {
  it("fetches the next slice's log files while the current slice is read, and returns the same rows", async () => {
    const gets: string[] = [];
    const store = new FaultyStore(new MemoryStore('memory://prefetch'), {
      failOn: (op, key) => {
        if (op === 'get') gets.push(key);
        return false;
      },
    });
    const table = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], orderingField: 'ts', type: 'mor' });
    await table.insert([{ id: 'a', p: 'x', ts: 1, v: 0 }, { id: 'b', p: 'y', ts: 1, v: 0 }, { id: 'c', p: 'z', ts: 1, v: 0 }]);
    for (let i = 1; i <= 2; i++) await table.upsert([{ id: 'a', p: 'x', ts: 1 + i, v: i }, { id: 'b', p: 'y', ts: 1 + i, v: i }, { id: 'c', p: 'z', ts: 1 + i, v: i }]);
    const slices = await table.fileSlices();
    expect(slices.map((s) => s.logFiles.length)).toEqual([2, 2, 2]);
    const logGroups = (): Set<string> => new Set(gets.filter((k) => /\/\.[^/]+\.log\.\d+/.test(`/${k}`)).map((k) => k.split('/').pop()!.slice(1, 37)));
    gets.length = 0;
    const seen: Record<string, unknown>[] = [];
    let groupsAtFirstBatch = 0;
    for await (const b of table.read({ withMeta: false })) {
      if (seen.length === 0) groupsAtFirstBatch = logGroups().size;
      seen.push(...rowsToJson(b));
    }
    // while the first slice's rows are handed out, the second slice's logs are already asked for
    expect(groupsAtFirstBatch).toBe(2);
    expect(logGroups().size).toBe(3);
    expect(seen.sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual([
      { id: 'a', p: 'x', ts: 3, v: 2 },
      { id: 'b', p: 'y', ts: 3, v: 2 },
      { id: 'c', p: 'z', ts: 3, v: 2 },
    ]);
  });
});
