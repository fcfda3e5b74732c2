// De-duplication: within a batch by record key (greatest ordering value wins), across batches by
// upsert, and insert-only mode that drops records whose key the table already holds.

import { describe, expect, it } from 'vitest';
import { ingest, iterableSource } from '../src/index.js';
import { createEventsTable, tableRows } from './support.js';

const at = (h: number) => `2024-04-01T${String(h).padStart(2, '0')}:00:00Z`;

function byId(rows: Record<string, unknown>[]): Record<string, unknown> {
  return Object.fromEntries(rows.map((r) => [String(r.id), r.user]));
}

describe('dedup', () => {
  it('keeps the greatest ordering value within a batch (the later record on ties)', async () => {
    const table = await createEventsTable(`memory://dedup-batch-${Date.now()}`);
    const summary = await ingest(table, {
      source: iterableSource([
        { id: 'a', user: 'a@3', ts: at(3), dt: '2024-04-01' },
        { id: 'a', user: 'a@5', ts: at(5), dt: '2024-04-01' },
        { id: 'a', user: 'a@4', ts: at(4), dt: '2024-04-01' },
        { id: 'b', user: 'b-first', ts: at(1), dt: '2024-04-01' },
        { id: 'b', user: 'b-second', ts: at(1), dt: '2024-04-01' },
      ]),
    });
    expect(summary).toMatchObject({ read: 5, written: 2, deduplicated: 3, inserted: 2 });
    expect(byId(await tableRows(table))).toEqual({ a: 'a@5', b: 'b-second' });
  });

  it('upserts across batches: a later record replaces the stored one', async () => {
    const table = await createEventsTable(`memory://dedup-upsert-${Date.now()}`);
    await ingest(table, { source: iterableSource([{ id: 'a', user: 'old', ts: at(1), dt: '2024-04-01' }], { id: 'one' }) });
    const second = await ingest(table, {
      source: iterableSource([{ id: 'a', user: 'new', ts: at(2), dt: '2024-04-01' }, { id: 'c', user: 'c', ts: at(2), dt: '2024-04-01' }], { id: 'two' }),
    });
    expect(second).toMatchObject({ written: 2, inserted: 1, updated: 1, deduplicated: 0 });
    expect(byId(await tableRows(table))).toEqual({ a: 'new', c: 'c' });
  });

  it('insert-only drops records whose key is already in the table, and duplicates within a batch', async () => {
    const table = await createEventsTable(`memory://dedup-insert-${Date.now()}`);
    await ingest(table, { source: iterableSource([{ id: 'a', user: 'first', ts: at(1), dt: '2024-04-01' }], { id: 'one' }), mode: 'insert-only' });
    const second = await ingest(table, {
      mode: 'insert-only',
      source: iterableSource(
        [
          { id: 'a', user: 'replayed', ts: at(9), dt: '2024-04-01' },
          { id: 'd', user: 'd1', ts: at(1), dt: '2024-04-01' },
          { id: 'd', user: 'd2', ts: at(2), dt: '2024-04-01' },
          { id: 'e', user: 'e', ts: at(1), dt: '2024-04-02' },
        ],
        { id: 'two' },
      ),
    });
    expect(second).toMatchObject({ read: 4, written: 2, inserted: 2, updated: 0, deduplicated: 2 });
    expect(byId(await tableRows(table))).toEqual({ a: 'first', d: 'd2', e: 'e' });
  });

  it('resumes a code source after the records it committed', async () => {
    const table = await createEventsTable(`memory://dedup-resume-${Date.now()}`);
    const records = Array.from({ length: 25 }, (_, i) => ({ id: `r${i}`, user: 'u', ts: at(i % 24), dt: '2024-04-01' }));
    const first = await ingest(table, { source: iterableSource(records.slice(0, 10)), batch: { maxRows: 4 } });
    expect(first).toMatchObject({ batches: 3, checkpoint: 10 });
    const again = await ingest(table, { source: iterableSource(records), batch: { maxRows: 4 } });
    expect(again).toMatchObject({ resumedFrom: 10, read: 15, written: 15, updated: 0 });
    expect(await tableRows(table)).toHaveLength(25);
  });
});

describe('tables without a schema yet', () => {
  it('lets the first batch define the schema, still quarantining records without a key', async () => {
    const { createTable } = await import('@lake/core');
    const table = await createTable(`memory://noschema-${Date.now()}`, { recordKey: ['id'] });
    const summary = await ingest(table, { source: iterableSource([{ id: 'a', n: 1 }, { n: 2 }, { id: 'b', n: 3 }]) });
    expect(summary).toMatchObject({ written: 2, quarantined: 1 });
    expect((await table.schema()).fields.map((f) => f.name)).toContain('n');
    // From the second run on, the schema the first batch wrote is enforced.
    const next = await ingest(table, { source: iterableSource([{ id: 'c', n: 'four' }], { id: 'second' }) });
    expect(next).toMatchObject({ written: 0, quarantined: 1 });
  });
});
