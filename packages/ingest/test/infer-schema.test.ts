// A table created without a schema takes its columns' types from the first batch by majority: a
// few bad records among thousands cannot type a column, and they go to quarantine with the reason.

import { describe, expect, it } from 'vitest';
import { Bool, Float64, Int64, Utf8 } from 'apache-arrow';
import { MemoryStore } from '@lake/storage';
import { createTable } from '@lake/core';

import { ingest, iterableSource, type QuarantineSink } from '../src/index.js';
import { inferBatchSchema, inferColumnType } from '../src/infer-schema.js';
import { tableRows } from './support.js';

let n = 0;

function memoryQuarantine(): { sink: QuarantineSink; records: { record: unknown; reasons: string[] }[] } {
  const records: { record: unknown; reasons: string[] }[] = [];
  return {
    records,
    sink: {
      write: async (batch) => {
        records.push(...batch.records.map((r) => ({ record: r.record, reasons: r.reasons })));
        return `memory:${batch.batchId}`;
      },
    },
  };
}

describe('schema inference of a first batch', () => {
  it('one non-numeric value among 5,000 integers: an integer column, the bad record quarantined with its reason', async () => {
    const t = await createTable(new MemoryStore(`infer-schema-${process.pid}-${++n}`), { recordKey: ['id'] });
    const records: Record<string, unknown>[] = Array.from({ length: 5000 }, (_, i) => ({ id: `e${i}`, campaign_id: i % 97, cost: i / 4 }));
    records[1234] = { id: 'e1234', campaign_id: 'not-a-number', cost: 1 };
    records[77] = { id: 'e77', campaign_id: '77', cost: 2 }; // numeric text fits the integer column
    const q = memoryQuarantine();
    const summary = await ingest(t, { source: iterableSource(records), quarantine: q.sink, batch: { maxRows: 10_000 } });
    expect(summary.quarantined).toBe(1);
    expect(summary.written).toBe(4999);
    expect(q.records).toEqual([{ record: records[1234], reasons: [expect.stringMatching(/^campaign_id: expected an integer, got string "not-a-number"/)] }]);
    const schema = await t.schema();
    expect(String(schema.fields.find((f) => f.name === 'campaign_id')?.type)).toBe(String(new Int64()));
    const rows = await tableRows(t);
    expect(rows).toHaveLength(4999);
    expect(rows.find((r) => r.id === 'e77')?.campaign_id).toBe(77);

    // The column stays an integer column: later bad records are quarantined too.
    const later = memoryQuarantine();
    await ingest(t, {
      source: iterableSource([{ id: 'x', campaign_id: 'oops', cost: 1 }], { id: 'second' }),
      quarantine: later.sink,
    });
    expect(later.records).toHaveLength(1);
  });

  it('types each column by the values most records agree on', () => {
    const ints = (k: number, odd: unknown[]) => [...Array.from({ length: k }, (_, i) => i), ...odd];
    expect(String(inferColumnType(ints(95, ['a', 'b', 'c']), 'c'))).toBe(String(new Int64()));
    // Too many disagree: text, which holds every scalar.
    expect(String(inferColumnType(ints(60, Array.from({ length: 40 }, (_, i) => `t${i}`)), 'c'))).toBe(String(new Utf8()));
    // Mostly text: text (numbers are converted).
    expect(String(inferColumnType(['a', 'b', 'c', 4], 'c'))).toBe(String(new Utf8()));
    expect(String(inferColumnType([true, false, true, 'true', 'maybe', ...Array.from({ length: 20 }, () => true)], 'c'))).toBe(String(new Bool()));
    expect(String(inferColumnType([1.5, 2, 3, 'x', ...Array.from({ length: 20 }, (_, i) => i + 0.5)], 'c'))).toBe(String(new Float64()));
    // Values that agree keep the type they always had, nested ones included.
    const schema = inferBatchSchema([{ a: 1, b: { x: 'y' } }, { a: 2, c: [1, 2] }]);
    expect(schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ['a', String(new Int64())],
      ['b', 'Struct<{x:Utf8}>'],
      ['c', 'List<Int64>'],
    ]);
  });
});
