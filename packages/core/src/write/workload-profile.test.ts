// The `.inflight` file of a write holds Hudi's workload profile: the operation type, and per
// partition an entry for its inserts plus one per file group with the records headed to it and
// the version it builds on, agreeing with what the completed commit then records.

import { MemoryStore } from '@lake/storage';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { createTable } from '../table/create-table.js';
import { instantFileName } from '../timeline/instant.js';

interface Stat {
  fileId: string;
  prevCommit: string;
  numInserts: number;
  numUpdateWrites: number;
  path: string | null;
  partitionPath: string | null;
}
interface Metadata {
  operationType: string | null;
  partitionToWriteStats: Record<string, Stat[]>;
}

async function json(store: MemoryStore, key: string): Promise<Metadata> {
  return JSON.parse(new TextDecoder().decode(await store.get(key))) as Metadata;
}

let counter = 0;

describe('inflight workload profile', () => {
  for (const type of ['cow', 'mor'] as const) {
    it(`${type}: names the operation and the file groups the write goes to, as the commit then records`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.record({ id: fc.integer({ min: 0, max: 30 }), p: fc.constantFrom('x', 'y', 'z') }), { selector: (r) => r.id, minLength: 1, maxLength: 12 }),
          fc.uniqueArray(fc.record({ id: fc.integer({ min: 0, max: 40 }), p: fc.constantFrom('x', 'y', 'z') }), { selector: (r) => r.id, minLength: 1, maxLength: 12 }),
          async (first, second) => {
            const store = new MemoryStore(`workload-${process.pid}-${++counter}`);
            const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'], type });
            await t.insert(first.map((r) => ({ id: r.id, p: r.p, v: 1 })));
            // keys keep their partition, so an upsert of a known key is an update
            const where = new Map(first.map((r) => [r.id, r.p]));
            const rows = second.map((r) => ({ id: r.id, p: where.get(r.id) ?? r.p, v: 2 }));
            const { instant, action } = await t.upsert(rows);
            // a commit's is `<t>.inflight`, a deltacommit's `<t>.deltacommit.inflight`
            const inflight = await json(store, `.hoodie/${instantFileName({ time: instant, action, state: 'inflight' }, 1)}`);
            const completed = await json(store, `.hoodie/${instant}.${action}`);
            expect(inflight.operationType).toBe('UPSERT');
            expect(Object.keys(inflight.partitionToWriteStats).sort()).toEqual(Object.keys(completed.partitionToWriteStats).sort());
            for (const [partition, stats] of Object.entries(inflight.partitionToWriteStats)) {
              const [head, ...groups] = stats;
              const done = completed.partitionToWriteStats[partition];
              expect(head).toMatchObject({ fileId: '', prevCommit: 'null', numInserts: done.reduce((n, s) => n + s.numInserts, 0), path: null, partitionPath: null });
              const summary = (s: Stat) => ({ fileId: s.fileId, prevCommit: s.prevCommit, numInserts: s.numInserts, numUpdateWrites: s.numUpdateWrites });
              expect(groups.map(summary).sort((a, b) => a.fileId.localeCompare(b.fileId))).toEqual(done.map(summary).sort((a, b) => a.fileId.localeCompare(b.fileId)));
            }
          },
        ),
        { numRuns: 8 },
      );
    });
  }
});
