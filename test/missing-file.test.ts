// A base file deleted from storage (by hand, a lifecycle rule, a broken copy) must not make the
// table silently serve an older version of its file group: reads and writes fail with a typed
// error naming the file, and a read as of an instant before that file still works.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { createTable, MissingBaseFileError, openTable } from '@lake/core';

describe('a missing base file', () => {
  it('is a MissingBaseFileError for reads and writes, not stale data', async () => {
    const store = new MemoryStore(`missing-${Math.random()}`);
    const table = await createTable(store, { name: 't', recordKey: ['id'], partitionBy: ['dt'] });
    const first = await table.upsert([{ id: 1, dt: 'a', v: 'old' }, { id: 2, dt: 'b', v: 'keep' }]);
    const second = await table.upsert([{ id: 1, dt: 'a', v: 'new' }]);
    const files: string[] = [];
    for await (const o of store.list('a/')) if (o.key.endsWith('.parquet')) files.push(o.key);
    const newest = files.find((k) => k.includes(second.instant))!;
    await store.delete(newest);

    const reopened = await openTable(store);
    await expect(reopened.read().collect()).rejects.toThrow(MissingBaseFileError);
    await expect(reopened.read().collect()).rejects.toThrow(newest);
    await expect(reopened.upsert([{ id: 3, dt: 'a', v: 'x' }])).rejects.toBeInstanceOf(MissingBaseFileError);
    const past = await reopened.read({ asOf: first.instant, columns: ['id', 'v'] }).collect();
    expect(past.toArray().map((r) => r.toJSON()).sort((x, y) => Number(x.id) - Number(y.id))).toEqual([
      { id: 1n, v: 'old' },
      { id: 2n, v: 'keep' },
    ]);
  });
});
