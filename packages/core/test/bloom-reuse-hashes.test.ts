// Upserting one key into a file group of 5,000 rows adds a handful of keys to bloom filters (the
// inserted key), not every key of the file again.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable } from '../src/format.js';
import { bloomFilterWork } from '../src/index/bloom-filter.js';

const rows = (from: number, to: number, ts: number) =>
  Array.from({ length: to - from }, (_, i) => ({ id: `k${String(from + i).padStart(5, '0')}`, ts, v: `v${from + i}-${ts}` }));

describe('a one-key upsert into a large file group', () => {
  it.each([
    ['an update', rows(1234, 1235, 2), 0, 5_000],
    ['an insert', rows(9000, 9001, 2), 1, 5_001],
  ])('adds a handful of keys to filters for %s, not the file group', async (_, change, added, total) => {
    const t = await createTable(new MemoryStore(`bloom-reuse-hashes-${process.pid}-${change[0].id}`), { recordKey: ['id'], orderingField: 'ts', type: 'cow' });
    await t.insert(rows(0, 5_000, 1));
    const groups = (await t.fileSlices()).map((s) => s.fileId);
    expect(groups).toHaveLength(1);
    const before = bloomFilterWork.keysAdded;
    const result = await t.upsert(change);
    // the one file group was rewritten, with the key added only when it is new
    expect(result.filesWritten).toBe(1);
    expect((await t.fileSlices()).map((s) => s.fileId)).toEqual(groups);
    expect(bloomFilterWork.keysAdded - before).toBe(added);
    const ids = [...(await t.read({ columns: ['id'], withMeta: false }).collect()).getChild('id')!].map(String);
    expect(ids).toHaveLength(total);
  });
});
