// Per-batch ingestion metrics in Prometheus form (prom-client), labelled by table and source,
// on a registry the caller passes or gets back. Several ingestions may share one registry.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What one committed batch did; also the structured log line of the batch. */
export interface BatchReport {
  /** 1-based number of the batch in this run. */
  batch: number;
  table: string;
  sourceId: string;
  /** The commit holding the batch. */
  instant: string;
  /** Source records read. */
  read: number;
  /** Rows added (negative: removed) by flattening and the batch function, so that read + expanded = written + quarantined + deduplicated. */
  expanded: number;
  /** Rows sent to the table. */
  written: number;
  inserted: number;
  updated: number;
  quarantined: number;
  /** Rows dropped as duplicates: within the batch, or (insert-only) already in the table. */
  deduplicated: number;
  /** Values converted by safe coercions (text to number, ISO text or epoch to timestamp, ...). */
  coerced: number;
  checkpoint: unknown;
  /** Wall time from the batch's first record in hand to its commit: the latency a record sees at most. */
  durationMs: number;
  /** Commit time minus the newest event time of the batch (ordering field), when it is a timestamp. */
  lagMs?: number;
  quarantineLocation?: string;
}

export interface IngestMetrics {
  readonly registry: Registry;
  observe(report: BatchReport): void;
  /** A failed batch (nothing committed). */
  failed(table: string, sourceId: string): void;
  /** The metrics in Prometheus text exposition format. */
  text(): Promise<string>;
}

const labelNames = ['table', 'source'] as const;

function counter(registry: Registry, name: string, help: string): Counter<(typeof labelNames)[number]> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<(typeof labelNames)[number]>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string): Gauge<(typeof labelNames)[number]> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<(typeof labelNames)[number]>;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

function histogram(registry: Registry, name: string, help: string): Histogram<(typeof labelNames)[number]> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<(typeof labelNames)[number]>;
  return new Histogram({ name, help, labelNames, registers: [registry], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });
}

/** Ingestion metrics on `registry` (a new one when omitted). */
export function createIngestMetrics(registry: Registry = new Registry()): IngestMetrics {
  const c = {
    read: counter(registry, 'lake_ingest_records_read_total', 'Source records read'),
    written: counter(registry, 'lake_ingest_records_written_total', 'Rows written to the table'),
    inserted: counter(registry, 'lake_ingest_records_inserted_total', 'Rows inserted (new record keys)'),
    updated: counter(registry, 'lake_ingest_records_updated_total', 'Rows that updated an existing record key'),
    quarantined: counter(registry, 'lake_ingest_records_quarantined_total', 'Records sent to the quarantine'),
    deduplicated: counter(registry, 'lake_ingest_records_deduplicated_total', 'Duplicate rows dropped'),
    coerced: counter(registry, 'lake_ingest_values_coerced_total', 'Values converted by safe coercions'),
    batches: counter(registry, 'lake_ingest_batches_total', 'Batches committed'),
    failures: counter(registry, 'lake_ingest_batch_failures_total', 'Batches that failed (nothing committed)'),
  };
  const duration = histogram(registry, 'lake_ingest_batch_duration_seconds', 'Time from reading a batch to its commit');
  const lag = gauge(registry, 'lake_ingest_lag_seconds', 'Commit time minus the newest event time of the last batch');
  const lastCommit = gauge(registry, 'lake_ingest_last_commit_timestamp_seconds', 'When the last batch committed (Unix time)');
  return {
    registry,
    observe(r) {
      const labels = { table: r.table, source: r.sourceId };
      c.read.inc(labels, r.read);
      c.written.inc(labels, r.written);
      c.inserted.inc(labels, r.inserted);
      c.updated.inc(labels, r.updated);
      c.quarantined.inc(labels, r.quarantined);
      c.deduplicated.inc(labels, r.deduplicated);
      c.coerced.inc(labels, r.coerced);
      c.batches.inc(labels, 1);
      duration.observe(labels, r.durationMs / 1000);
      if (r.lagMs !== undefined) lag.set(labels, r.lagMs / 1000);
      lastCommit.set(labels, Date.now() / 1000);
    },
    failed(table, sourceId) {
      c.failures.inc({ table, source: sourceId }, 1);
    },
    text() {
      return registry.metrics();
    },
  };
}
