// The rules that decide whether a metadata table's timeline can serve a read, on hand-made
// timelines: a delta commit counts once its data-table instant completed (or was archived), and
// a metadata table behind the data table, or one that compacted an instant the data table did
// not complete, is not used.

import { MemoryStore } from '@lake/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseProperties } from '../config/properties.js';
import { tableConfigFromProperties } from '../config/table-config.js';
import type { Instant } from '../timeline/instant.js';
import { Timeline } from '../timeline/timeline.js';
import { metadataTableState } from './metadata-timeline.js';

const config = tableConfigFromProperties(parseProperties('hoodie.table.name=t\nhoodie.table.version=6\nhoodie.table.type=MERGE_ON_READ\n'));
const store = new MemoryStore(`mt-state-${process.pid}`);

/** `time:action` completed, `time:action?` pending. */
function timeline(...specs: string[]): Timeline {
  return new Timeline(
    store,
    config,
    specs.map((s): Instant => {
      const [time, action] = s.replace('?', '').split(':') as [string, Instant['action']];
      return { time, action, state: s.endsWith('?') ? 'inflight' : 'completed' };
    }),
  );
}

const T1 = '20240101000000001';
const T2 = '20240101000000002';
const T3 = '20240101000000003';
const T4 = '20240101000000004';
const INIT = '00000000000000010';

describe('metadataTableState', () => {
  it('counts delta commits whose data-table instant completed, init and archived ones, and not those still pending', () => {
    const data = timeline(`${T2}:commit`, `${T3}:deltacommit`, `${T4}:commit?`);
    const mt = timeline(`${INIT}:deltacommit`, `${T1}:deltacommit`, `${T2}:deltacommit`, `${T3}:deltacommit`, `${T4}:deltacommit`);
    const state = metadataTableState(data, mt);
    expect(state.usable).toBe(true);
    if (!state.usable) return;
    expect([INIT, T1, T2, T3, T4].map(state.isValidInstant)).toEqual([true, true, true, true, false]);
  });

  it('is behind when the data table completed an instant the metadata table has not', () => {
    const mt = timeline(`${T1}:deltacommit`, `${T2}:deltacommit`);
    expect(metadataTableState(timeline(`${T1}:commit`, `${T2}:commit`, `${T3}:deltacommit`), mt)).toMatchObject({ usable: false, reason: 'behind' });
    // Cleans and rollbacks only take files away, which the data table's timeline hides anyway.
    expect(metadataTableState(timeline(`${T1}:commit`, `${T2}:commit`, `${T3}:rollback`, `${T4}:clean`), mt).usable).toBe(true);
    // A gap after the metadata table started mirroring.
    const gap = timeline(`${T1}:deltacommit`, `${T3}:deltacommit`);
    expect(metadataTableState(timeline(`${T1}:commit`, `${T2}:replacecommit`, `${T3}:commit`), gap)).toMatchObject({ usable: false, reason: 'behind' });
    // As of an instant it has: usable; before its first instant: behind.
    expect(metadataTableState(timeline(`${T1}:commit`, `${T2}:commit`, `${T3}:commit`), mt, T2).usable).toBe(true);
    expect(metadataTableState(timeline(`${T1}:commit`, `${T2}:commit`), timeline(`${T2}:deltacommit`), T1)).toMatchObject({ usable: false, reason: 'behind' });
    // Instants Hudi does not mirror (savepoints, indexing) do not count.
    expect(metadataTableState(timeline(`${T1}:commit`, `${T2}:savepoint`, `${T3}:indexing`), timeline(`${T1}:deltacommit`)).usable).toBe(true);
  });

  it('is ahead when a compaction folded in a delta commit the data table has not completed', () => {
    const data = timeline(`${T1}:commit`, `${T2}:commit?`);
    expect(metadataTableState(data, timeline(`${T1}:deltacommit`, `${T2}:deltacommit`)).usable).toBe(true);
    expect(metadataTableState(data, timeline(`${T1}:deltacommit`, `${T2}:deltacommit`, `${T3}:commit`))).toMatchObject({ usable: false, reason: 'ahead' });
  });
});

// A model of the two timelines over a history of writes: each write is recorded on the metadata
// table first (or not, by a writer that ignores it), then completes, stays pending or is rolled
// back on the data table (a rollback also rolls back its metadata delta commit, as Hudi does);
// the metadata table may compact, the data table may archive its oldest completed instants.
// Whenever the state says the metadata table is usable, the files it lists that the data table's
// view keeps are exactly the files of completed writes.
describe('metadataTableState against a model of the two timelines', () => {
  const step = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), mirrored: fc.boolean(), outcome: fc.constantFrom('completed' as const, 'pending' as const, 'rolledBack' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('archive' as const), count: fc.integer({ min: 1, max: 3 }) }) },
  );

  it('never lists too few or too many visible files', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 14 }), (steps) => {
        const time = (i: number): string => `2024010100000${String(1000 + i).slice(-4)}`;
        const data: string[] = [];
        const mt: string[] = [`${INIT}:deltacommit`];
        const truth = new Set<string>();
        const mtFiles = new Map<string, boolean>(); // delta commit time -> folded into a base file

        steps.forEach((s, i) => {
          const t = time(i);
          if (s.kind === 'compact') {
            // Hudi compacts the metadata table only while no data-table write is pending.
            if (data.some((d) => d.endsWith('?'))) return;
            mt.push(`${t}:commit`);
            for (const k of mtFiles.keys()) mtFiles.set(k, true);
            return;
          }
          if (s.kind === 'archive') {
            // Archival stops at a pending write, and (a limit of reading only active timelines)
            // at a write the metadata table missed: once archived, nothing shows it was missed.
            const firstPending = data.findIndex((d) => d.endsWith('?') || !mtFiles.has(d.slice(0, d.indexOf(':'))));
            const archivable = firstPending === -1 ? data.length : firstPending;
            data.splice(0, Math.min(s.count, Math.max(0, archivable - 1)));
            return;
          }
          // A writer that skips the metadata table is only modelled once the metadata table holds
          // a delta commit of a write (a gap before its first one cannot be told from the timelines).
          const mirrored = s.mirrored || mtFiles.size === 0;
          if (mirrored) {
            mt.push(`${t}:deltacommit`);
            mtFiles.set(t, false);
          }
          if (s.outcome === 'completed') {
            data.push(`${t}:commit`);
            truth.add(t);
          } else if (s.outcome === 'pending') {
            data.push(`${t}:commit?`);
          } else if (mirrored && !mtFiles.get(t)) {
            mt.splice(mt.indexOf(`${t}:deltacommit`), 1);
            mtFiles.delete(t);
          } else if (mirrored) {
            // Rolled back after a compaction folded it in: Hudi does not compact over a pending
            // write, so the write is still pending instead.
            data.push(`${t}:commit?`);
          }
        });
        const dataTl = timeline(...data);
        const state = metadataTableState(dataTl, timeline(...mt));
        if (!state.usable) return;
        const pending = new Set(dataTl.pending().map((x) => x.time));
        const completed = new Set(dataTl.completed().map((x) => x.time));
        const start = dataTl.instants[0]?.time;
        const visible = (t: string): boolean => completed.has(t) || (start !== undefined && t < start && !pending.has(t));
        const listed = [...mtFiles].filter(([t, folded]) => folded || state.isValidInstant(t)).map(([t]) => t);
        expect(listed.filter(visible).sort()).toEqual([...truth].sort());
      }),
      { numRuns: 400 },
    );
  });
});
