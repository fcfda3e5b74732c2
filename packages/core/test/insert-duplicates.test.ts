// Hudi's insert duplicate policy: an insert may leave out (`drop`) or refuse (`fail`) records
// whose key the table already holds in their partition, looked up in the write's own snapshot.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable, DuplicateRecordKeyError, InvalidWriteError, type HudiTable, type TableWriteOptions } from '../src/index.js';

let n = 0;
const rows = (xs: [number, string, number][]) => xs.map(([id, dt, ts]) => ({ id: `k${id}`, dt, ts, v: `v${id}-${ts}` }));

async function table(type: 'cow' | 'mor'): Promise<HudiTable> {
  const t = await createTable(new MemoryStore(`insert-dups-${process.pid}-${n++}`), { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type });
  await t.insert(rows([[1, 'a', 1], [2, 'a', 1], [3, 'b', 1]]));
  return t;
}

async function contents(t: HudiTable): Promise<string[]> {
  const snap = await t.read({ columns: ['id', 'dt', 'v'] }).collect();
  return snap.toArray().map((r) => `${String(r.dt)}/${String(r.id)}=${String(r.v)}`).sort();
}

describe('insert with a duplicates policy', () => {
  for (const type of ['cow', 'mor'] as const) {
    it(`drops records whose key is stored in their partition (${type})`, async () => {
      const t = await table(type);
      // k1 is stored in a; k3 is stored in b, not in a: only the first is a duplicate.
      const result = await t.insert(rows([[1, 'a', 9], [3, 'a', 9], [4, 'b', 9]]), { duplicates: 'drop' });
      expect(result).toMatchObject({ inserted: 2, dropped: 1 });
      expect(await contents(t)).toEqual(['a/k1=v1-1', 'a/k2=v2-1', 'a/k3=v3-9', 'b/k3=v3-1', 'b/k4=v4-9']);
    });

    it(`fails, writing nothing, when asked to (${type})`, async () => {
      const t = await table(type);
      const before = (await t.timeline()).instants.length;
      const error = await t.insert(rows([[5, 'a', 9], [2, 'a', 9], [1, 'a', 9]]), { duplicates: 'fail' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateRecordKeyError);
      expect(error).toMatchObject({ code: 'DUPLICATE_RECORD_KEY', count: 2, keys: ['k2', 'k1'] });
      expect((await t.timeline()).instants.length).toBe(before);
      expect(await contents(t)).toEqual(['a/k1=v1-1', 'a/k2=v2-1', 'b/k3=v3-1']);
      // Without duplicates the same policy writes.
      expect(await t.insert(rows([[5, 'a', 9]]), { duplicates: 'fail' })).toMatchObject({ inserted: 1, dropped: 0 });
    });
  }

  it('keeps writing duplicates by default, as Hudi\'s insert does', async () => {
    const t = await table('cow');
    const result = await t.insert(rows([[1, 'a', 9]]));
    expect(result.dropped).toBe(0);
    const ids = (await t.read({ columns: ['id'] }).collect()).getChild('id')!.toArray() as string[];
    expect(ids.filter((id) => id === 'k1')).toHaveLength(2);
  });

  it('counts a key deleted through a merge-on-read log as absent', async () => {
    const t = await table('mor');
    await t.delete(['k2']);
    const result = await t.insert(rows([[2, 'a', 5], [1, 'a', 5]]), { duplicates: 'drop' });
    expect(result).toMatchObject({ inserted: 1, dropped: 1 });
    expect(await contents(t)).toEqual(['a/k1=v1-1', 'a/k2=v2-5', 'b/k3=v3-1']);
  });

  it('drops every record of an insert that holds only duplicates, and still commits', async () => {
    const t = await table('mor');
    const result = await t.insert(rows([[1, 'a', 5], [2, 'a', 5]]), { duplicates: 'drop', extraMetadata: { checkpoint: 'c1' } });
    expect(result).toMatchObject({ inserted: 0, dropped: 2 });
    expect(await contents(t)).toEqual(['a/k1=v1-1', 'a/k2=v2-1', 'b/k3=v3-1']);
  });

  it('refuses a policy Hudi does not have, before anything is written', async () => {
    const t = await table('cow');
    const options = { duplicates: 'skip' } as unknown as TableWriteOptions;
    await expect(t.insert(rows([[9, 'a', 1]]), options)).rejects.toBeInstanceOf(InvalidWriteError);
    expect(await contents(t)).toEqual(['a/k1=v1-1', 'a/k2=v2-1', 'b/k3=v3-1']);
  });
});
