// The rules that decide whether a metadata table's timeline can serve a read, on hand-made
// timelines: a delta commit counts once its data-table instant completed (or was archived), and
// a metadata table behind the data table, or one that compacted an instant the data table did
// not complete, is not used.

import { MemoryStore } from '@lake/storage';
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
