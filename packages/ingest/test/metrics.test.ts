// Metrics in Prometheus text form and structured log lines, per batch.

import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createIngestMetrics, ingest, iterableSource, type IngestLogEntry } from '../src/index.js';
import { createEventsTable } from './support.js';

const rec = (id: string, extra: Record<string, unknown> = {}) => ({ id, ts: '2024-05-05T05:05:05Z', dt: '2024-05-05', ...extra });

function sample(text: string, name: string, source: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`source="${source}"`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  it('counts every batch on a shared registry, per table and source, and logs JSON-ready entries', async () => {
    const registry = new Registry();
    const table = await createEventsTable(`memory://metrics-${Date.now()}`);
    const logs: IngestLogEntry[] = [];
    await ingest(table, {
      source: iterableSource([rec('a'), rec('a'), rec('b', { amount: '1.5' }), rec('c', { amount: 'x' })], { id: 'first' }),
      metrics: registry,
      batch: { maxRows: 2 },
      logger: (e) => logs.push(e),
    });
    const metrics = createIngestMetrics(registry);
    await ingest(table, { source: iterableSource([rec('d')], { id: 'second' }), metrics });
    const text = await metrics.text();
    expect(sample(text, 'lake_ingest_records_read_total', 'first')).toBe(4);
    expect(sample(text, 'lake_ingest_records_written_total', 'first')).toBe(2);
    expect(sample(text, 'lake_ingest_records_quarantined_total', 'first')).toBe(1);
    expect(sample(text, 'lake_ingest_records_deduplicated_total', 'first')).toBe(1);
    // Three ISO timestamps and one numeric text; the invalid record's values do not count.
    expect(sample(text, 'lake_ingest_values_coerced_total', 'first')).toBe(4);
    expect(sample(text, 'lake_ingest_batches_total', 'first')).toBe(2);
    expect(sample(text, 'lake_ingest_records_read_total', 'second')).toBe(1);
    expect(sample(text, 'lake_ingest_batch_duration_seconds_count', 'first')).toBe(2);
    expect(text).toContain('# TYPE lake_ingest_lag_seconds gauge');
    expect(sample(text, 'lake_ingest_lag_seconds', 'first')).toBeGreaterThan(0);

    expect(logs.map((l) => l.event)).toEqual(['start', 'batch', 'batch', 'stop']);
    const batch = logs[1];
    expect(batch).toMatchObject({ event: 'batch', table: 'events', sourceId: 'first', read: 2, written: 1, deduplicated: 1, checkpoint: 2 });
    expect(() => JSON.parse(JSON.stringify(logs))).not.toThrow();
  });
});
