// What one small write costs in store requests: the lazy rollback's look at the timeline serves
// the write too, and the table schema comes from the write's own file-system view.

import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { createTable } from '../src/index.js';

describe('store requests of a small write', () => {
  it('lists the timeline and the partition a bounded number of times', async () => {
    const store = new MemoryStore(`write-requests-${process.pid}`);
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'] });
    await t.insert([{ id: 1, p: 'a' }]);
    for (let i = 2; i < 6; i++) {
      const before = { ...store.requests };
      await t.upsert([{ id: i, p: 'a' }]);
      // Timeline (lazy rollback, shared with the write), partition listings, conflict checks,
      // claims, the intents of commits about to publish, and the completion: 13 before the
      // timeline and view were shared.
      expect(store.requests.LIST - before.LIST).toBeLessThanOrEqual(10);
      // Instant claim, heartbeat, requested, inflight, marker, base file, commit intent and
      // claim, the commit fence (which keeps a rollback from undoing the write as it
      // publishes), completed.
      expect(store.requests.PUT - before.PUT).toBeLessThanOrEqual(10);
    }
    expect((await t.read().collect()).numRows).toBe(5);
  });
});
