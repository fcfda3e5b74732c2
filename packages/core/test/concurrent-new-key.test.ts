// Two writers upserting the same new key at once cannot see each other's files: each routes the
// key to a new file group of its own, so only the new-key fingerprints in their commit claims
// keep the table from holding the key twice.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { ConflictError, createTable, openTable } from '@lake/core';

describe('concurrent upserts of one new key', () => {
  for (const type of ['cow', 'mor'] as const) {
    it(`commit once on ${type}; the other writer gets a ConflictError and its retry updates the row`, async () => {
      const store = new MemoryStore(`new-key-${Math.random()}`);
      await createTable(store, { name: 't', type, recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts' });
      const [a, b] = await Promise.all([openTable(store), openTable(store)]);
      const results = await Promise.allSettled([
        a.upsert([{ id: 1, dt: 'd', ts: 1, v: 'a' }, { id: 2, dt: 'd', ts: 1, v: 'a' }]),
        b.upsert([{ id: 1, dt: 'd', ts: 2, v: 'b' }, { id: 3, dt: 'd', ts: 1, v: 'b' }]),
      ]);
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(ConflictError);
      const loser = results[0].status === 'rejected' ? a : b;
      const retry = results[0].status === 'rejected'
        ? [{ id: 1, dt: 'd', ts: 1, v: 'a' }, { id: 2, dt: 'd', ts: 1, v: 'a' }]
        : [{ id: 1, dt: 'd', ts: 2, v: 'b' }, { id: 3, dt: 'd', ts: 1, v: 'b' }];
      await loser.upsert(retry);
      const rows = (await (await openTable(store)).read({ columns: ['id', 'v'] }).collect()).toArray().map((r) => r.toJSON());
      expect(rows.map((r) => Number(r.id)).sort()).toEqual([1, 2, 3]);
      expect(rows.find((r) => Number(r.id) === 1)?.v).toBe('b');
    });
  }
});
