// A copy-on-write table with one record, and a writer updating it held at a chosen store request
// of its commit: the other side of a race a test then runs against it.

import { MemoryStore } from '@lake/storage';
import { createTable, openTable } from '@lake/core';

import { gatedStore, latch } from './gated-store.js';

/** A table with one file group, and a writer of it held just before `point` of its commit. */
export async function heldWriter(point: (method: string, key: string) => boolean) {
  const store = new MemoryStore(`held-writer-${Math.random()}`);
  const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'cow' });
  await t.insert([{ id: 'k0', dt: 'd', ts: 1, v: 'first' }]);
  const resume = latch();
  const reached = latch();
  let held = false;
  const slow = await openTable(
    gatedStore(store, async (m, key) => {
      if (held || !point(m, key)) return;
      held = true;
      reached.open();
      await resume.promise;
    }),
  );
  const slowWrite = slow.upsert([{ id: 'k0', dt: 'd', ts: 2, v: 'slow' }]).then(() => 'committed', (e: unknown) => e);
  await reached.promise;
  return { store, slowWrite, resume: () => resume.open() };
}
