// Exactly-once under store faults, as a property: whatever write of a batch fails (before it
// reaches the store, or after it took effect, the commit included), re-running ends with every
// valid record in the table once and every invalid one in the quarantine once.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FaultyStore, MemoryStore, type StoreOperation } from '@lake/storage';
import { loadArchivedTimeline } from '@lake/core/format';
import { fileSource, ingest, QUARANTINE_PREFIX } from '../src/index.js';
import { createEventsTable, tableRows } from './support.js';

const writes: readonly StoreOperation[] = ['put', 'putIfAbsent', 'delete', 'deleteMany'];
let run = 0;

describe('exactly once', () => {
  it('survives a failed write anywhere in a batch, and a lost commit answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.record({ nth: fc.integer({ min: 1, max: 40 }), when: fc.constantFrom('before' as const, 'after' as const) }), { maxLength: 4 }),
        async (files, maxRows, faults) => {
          run++;
          const source = new MemoryStore(`eo-src-${run}`);
          const valid = new Set<string>();
          let invalid = 0;
          let n = 0;
          for (let f = 0; f < files.length; f++) {
            const lines = files[f].map((ok) => {
              const id = `r${n++}`;
              if (ok) valid.add(id);
              else invalid++;
              return JSON.stringify({ id, ts: ok ? '2024-09-09T09:09:09Z' : 'not a time', dt: '2024-09-09' });
            });
            await source.put(`raw/${String(f).padStart(3, '0')}.ndjson`, new TextEncoder().encode(lines.join('\n')));
          }
          const store = new FaultyStore(new MemoryStore(`eo-table-${run}`));
          const table = await createEventsTable(store);
          for (const fault of faults) {
            let count = 0;
            store.rule = { failOn: (op) => writes.includes(op) && ++count === fault.nth, when: fault.when };
            await ingest(table, { source: fileSource(source), batch: { maxRows } }).catch(() => undefined);
          }
          store.rule = undefined;
          await ingest(table, { source: fileSource(source), batch: { maxRows } });

          const rows = await tableRows(table);
          expect(rows.map((r) => String(r.id)).sort()).toEqual([...valid].sort());
          const timeline = await table.timeline();
          let inserts = 0;
          let updates = 0;
          // Past 30 commits the oldest are archived: their statistics come from the archive.
          const archived = await loadArchivedTimeline(store.inner, table.config);
          const active = new Set(timeline.completedWrites().map((i) => i.time));
          const metas = [
            ...(await Promise.all(timeline.completedWrites().map((i) => timeline.commitMetadata(i)))),
            ...archived.completedWrites().filter((i) => !active.has(i.time)).map((i) => archived.commitMetadata(i)),
          ];
          for (const meta of metas) {
            for (const stats of meta.partitionToWriteStats.values()) {
              for (const s of stats) {
                inserts += s.numInserts;
                updates += s.numUpdateWrites;
              }
            }
          }
          expect({ inserts, updates }).toEqual({ inserts: valid.size, updates: 0 });
          let quarantined = 0;
          for await (const o of store.inner.list(QUARANTINE_PREFIX)) {
            quarantined += new TextDecoder().decode(await store.inner.get(o.key)).trim().split('\n').length;
          }
          expect(quarantined).toBe(invalid);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
