// Flattening nested events and deriving columns, alone and inside an ingestion.

import { describe, expect, it } from 'vitest';
import { Field, Float64, Int64, Schema, Utf8 } from 'apache-arrow';
import { createTable } from '@lake/core';
import { dateOf, eventTimeMillis, flattenRecord, hourOf, ingest, iterableSource } from '../src/index.js';
import { tableRows } from './support.js';

describe('flattenRecord', () => {
  it('turns nested objects into a_b columns', () => {
    expect(flattenRecord({ id: 1, geo: { country: 'FR', city: { name: 'Lyon' } }, tags: ['x'] })).toEqual([
      { id: 1, geo_country: 'FR', geo_city_name: 'Lyon', tags: ['x'] },
    ]);
    expect(flattenRecord({ a: { b: { c: 1 } } }, { separator: '.', maxDepth: 1 })).toEqual([{ 'a.b': { c: 1 } }]);
    expect(flattenRecord({ a: { b: 1 }, keep: { x: 1 } }, { keep: ['keep'] })).toEqual([{ a_b: 1, keep: { x: 1 } }]);
  });

  it('explodes arrays of nested objects into one row per element', () => {
    const order = { order_id: 'o1', user: { id: 'u1' }, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2, price: { usd: 3 } }] };
    expect(flattenRecord(order, { explode: ['items'] })).toEqual([
      { order_id: 'o1', user_id: 'u1', items_sku: 'a', items_qty: 1 },
      { order_id: 'o1', user_id: 'u1', items_sku: 'b', items_qty: 2, items_price_usd: 3 },
    ]);
    expect(flattenRecord(order, { explode: ['items'], prefixExploded: false })[1]).toEqual({ order_id: 'o1', user_id: 'u1', sku: 'b', qty: 2, price_usd: 3 });
    // Two exploded arrays: their cross product; an empty one leaves the parent row.
    expect(flattenRecord({ id: 1, a: [1, 2], b: [{ x: 1 }, { x: 2 }] }, { explode: ['a', 'b'] })).toHaveLength(4);
    expect(flattenRecord({ id: 1, a: [] }, { explode: ['a'] })).toEqual([{ id: 1 }]);
  });

  it('derives dates and hours from event times of any common shape', () => {
    const at = Date.UTC(2024, 11, 31, 23, 30);
    for (const v of [at, at / 1000, at * 1000, new Date(at).toISOString(), String(at), new Date(at)]) {
      expect(dateOf('ts')({ ts: v })).toBe('2024-12-31');
      expect(hourOf('ts')({ ts: v })).toBe('2024-12-31-23');
    }
    expect(dateOf('ts')({ ts: 'garbage' })).toBeNull();
    expect(dateOf('ts')({})).toBeNull();
    expect(eventTimeMillis('2024-01-01T00:00:00+02:00')).toBe(Date.UTC(2023, 11, 31, 22));
  });

  it('flattens, explodes, derives and runs a batch function inside an ingestion; counts add up', async () => {
    const schema = new Schema([
      new Field('line_id', new Utf8(), false),
      new Field('order_id', new Utf8(), false),
      new Field('user_id', new Utf8(), true),
      new Field('items_sku', new Utf8(), true),
      new Field('items_qty', new Int64(), true),
      new Field('total', new Float64(), true),
      new Field('ts', new Utf8(), true),
      new Field('dt', new Utf8(), false),
    ]);
    const table = await createTable(`memory://flatten-${Date.now()}`, { recordKey: ['line_id'], partitionBy: ['dt'], schema });
    const orders = [
      { order_id: 'o1', user: { id: 'u1' }, ts: '2024-03-01T10:00:00Z', items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] },
      { order_id: 'o2', user: { id: 'u2' }, ts: '2024-03-02T10:00:00Z', items: [{ sku: 'c', qty: 'three' }] },
    ];
    const summary = await ingest(table, {
      source: iterableSource(orders),
      flatten: { explode: ['items'] },
      derive: { dt: dateOf('ts'), line_id: (r) => `${String(r.order_id)}/${String(r.items_sku)}` },
      transformBatch: (rows) => rows.map((r) => ({ ...r, total: typeof r.items_qty === 'number' ? r.items_qty * 2.5 : null })),
    });
    expect(summary).toMatchObject({ read: 2, expanded: 1, written: 2, quarantined: 1, deduplicated: 0 });
    expect(summary.read + summary.expanded).toBe(summary.written + summary.quarantined + summary.deduplicated);
    const rows = (await tableRows(table)).sort((a, b) => String(a.line_id).localeCompare(String(b.line_id)));
    expect(rows.map((r) => [r.line_id, r.user_id, r.items_qty, r.total, r.dt])).toEqual([
      ['o1/a', 'u1', 1, 2.5, '2024-03-01'],
      ['o1/b', 'u1', 2, 5, '2024-03-01'],
    ]);
  });
});
