// The ingestion loop: resume from the table's last committed checkpoint, then per micro-batch
// transform, validate (quarantining what does not fit), de-duplicate (prepare-batch.ts), commit
// with the batch's checkpoint, and only then acknowledge the source. While a batch commits, the
// next one is read and prepared, so parsing overlaps the commit's I/O.

import { assertWritable, ConflictError, type HudiTable, type Row, type TableWriteOptions, type WriteResult } from '@lake/core/format';
import type { Schema } from 'apache-arrow';
import { warmParquetWorkers } from '@lake/parquet';
import type { Registry } from 'prom-client';
import { batchReader, type BatchLimits } from './batches.js';
import { makePlan, type Plan } from './batch-plan.js';
import { checkpointMetadata, lastCommittedCheckpoint, QUARANTINE_KEY } from './checkpoint.js';
import { IngestConfigError } from './errors.js';
import { createIngestMetrics, type BatchReport, type IngestMetrics } from './metrics.js';
import { prepareBatch, type PreparedBatch, type PrepareOptions } from './prepare-batch.js';
import { fileQuarantine, stableId, type QuarantineSink } from './quarantine.js';
import type { Checkpoint, Source, SourceRecord } from './source.js';
import type { Derivation, FlattenOptions } from './transform.js';
import type { ValidationOptions } from './validate.js';

export type IngestMode = 'upsert' | 'insert-only';

/** A structured log line; `event` says what happened. */
export type IngestLogEntry =
  | { event: 'start'; table: string; sourceId: string; resumeFrom?: Checkpoint; resumeInstant?: string }
  | ({ event: 'batch' } & BatchReport)
  | { event: 'batch-failed'; table: string; sourceId: string; error: string; code?: string }
  | { event: 'stop'; table: string; sourceId: string; batches: number; read: number; written: number; quarantined: number };

export interface IngestOptions {
  source: Source;
  /** Records must fit this schema; default: the table's schema (none: the first batch decides it). */
  schema?: Schema;
  validation?: ValidationOptions;
  /**
   * Invalid records a batch may hold before it fails with TooManyInvalidRecordsError (nothing
   * committed, nothing acknowledged): a count (>= 1, or 0 for none), or a fraction in (0, 1).
   * Default: no limit, every invalid record goes to the quarantine.
   */
  maxInvalidPerBatch?: number;
  /** Where invalid records go: default NDJSON files under the table's `.hoodie/.aux/lake/quarantine/`. */
  quarantine?: QuarantineSink;
  /** Flatten nested records (true: nested objects to `a_b` columns, no arrays exploded). */
  flatten?: boolean | FlattenOptions;
  /** Computed columns, in order, after flattening (e.g. `{ dt: dateOf('ts') }`). */
  derive?: Record<string, Derivation>;
  /** A function over each batch's rows after flattening and derivations, before validation. */
  transformBatch?: (rows: Row[]) => Row[] | Promise<Row[]>;
  /**
   * `upsert` (default): a record replaces the stored one with the same key (the greater ordering
   * value wins). `insert-only`: immutable events; a record whose key is already in the table is
   * dropped as a duplicate.
   */
  mode?: IngestMode;
  batch?: BatchLimits;
  /** Keep running when the source is idle, until `signal` fires (default false: stop when caught up). */
  follow?: boolean;
  /** Stops after the current batch is committed. */
  signal?: AbortSignal;
  /** Prometheus metrics: a registry to register on, or metrics made by createIngestMetrics. */
  metrics?: Registry | IngestMetrics;
  /** Receives one structured entry per event (print them as JSON lines). */
  logger?: (entry: IngestLogEntry) => void;
  /** Called after each committed batch. */
  onBatch?: (report: BatchReport) => void | Promise<void>;
  /** Passed to each commit (file sizing, compression). */
  writeOptions?: Omit<TableWriteOptions, 'extraMetadata'>;
  /** How long one poll of an idle source waits (default 1000 ms). */
  idleWaitMs?: number;
}

export interface IngestSummary {
  table: string;
  sourceId: string;
  batches: number;
  read: number;
  expanded: number;
  written: number;
  inserted: number;
  updated: number;
  quarantined: number;
  deduplicated: number;
  coerced: number;
  /** The checkpoint the run resumed from, and the last one it committed. */
  resumedFrom?: Checkpoint;
  checkpoint?: Checkpoint;
  metrics: IngestMetrics;
}

interface Step {
  records: SourceRecord[];
  /** When the batch's first record was in hand. */
  started: number;
  prepared?: PreparedBatch;
  error?: unknown;
}

interface CommitContext {
  options: IngestOptions;
  mode: IngestMode;
  quarantine: QuarantineSink;
  batchNumber: number;
}

function isMetrics(m: Registry | IngestMetrics | undefined): m is IngestMetrics {
  return m !== undefined && typeof (m as IngestMetrics).observe === 'function';
}

function eventMillis(value: unknown, unitPerMs: number): number | undefined {
  if (typeof value === 'bigint') return Number(value) / unitPerMs;
  return undefined;
}

/**
 * Ingests `options.source` into `table` in micro-batches until the source is caught up (or, with
 * `follow`, until `signal` fires), one commit per batch with the source checkpoint in it.
 */
export async function ingest(table: HudiTable, options: IngestOptions): Promise<IngestSummary> {
  const { source } = options;
  // Refuse before reading the source or quarantining anything: every batch would fail anyway.
  assertWritable(table.config, 'ingest');
  // Every batch writes Parquet: the encoding workers start (and compile their WebAssembly) while
  // the checkpoint is looked up and the first batch is read, not when its files are due.
  warmParquetWorkers();
  const mode = options.mode ?? 'upsert';
  const limit = options.maxInvalidPerBatch;
  if (limit !== undefined && !(limit >= 0 && (limit < 1 || Number.isInteger(limit)))) {
    throw new IngestConfigError(`maxInvalidPerBatch must be a count (>= 0) or a fraction in (0, 1), not ${options.maxInvalidPerBatch}.`);
  }
  const metrics = isMetrics(options.metrics) ? options.metrics : createIngestMetrics(options.metrics);
  const quarantine = options.quarantine ?? fileQuarantine(table);
  const flatten: FlattenOptions | undefined = options.flatten === true ? {} : options.flatten || undefined;
  const log = options.logger ?? (() => undefined);
  const tableName = table.config.name;
  const summary: IngestSummary = {
    table: tableName, sourceId: source.id, batches: 0, read: 0, expanded: 0, written: 0, inserted: 0, updated: 0,
    quarantined: 0, deduplicated: 0, coerced: 0, metrics,
  };

  let plan = await makePlan(table, options);
  const resume = await lastCommittedCheckpoint(table, source.id);
  summary.resumedFrom = resume?.checkpoint;
  let startCheckpoint: Checkpoint | null = resume?.checkpoint ?? null;
  log({ event: 'start', table: tableName, sourceId: source.id, resumeFrom: resume?.checkpoint, resumeInstant: resume?.instant });
  const reader = batchReader(source, options.batch ?? {}, { follow: options.follow ?? false, signal: options.signal, idleWaitMs: options.idleWaitMs });
  const prepareOptions: PrepareOptions = {
    schema: options.schema, validation: options.validation, flatten, derive: options.derive, transformBatch: options.transformBatch, maxInvalidPerBatch: limit,
  };
  /** The next batch read and prepared; a preparation failure is kept to be reported as that batch's. */
  async function readAndPrepare(batchPlan: Plan): Promise<Step | undefined> {
    const records = await reader.next();
    if (!records) return undefined;
    const started = reader.batchStartedAt() ?? Date.now();
    try {
      return { records, started, prepared: await prepareBatch(table, records, batchPlan, prepareOptions) };
    } catch (error) {
      return { records, started, error };
    }
  }

  let ahead: Promise<Step | undefined> | undefined;
  try {
    await source.start(resume?.checkpoint);
    ahead = readAndPrepare(plan);
    for (;;) {
      const step = await ahead;
      ahead = undefined;
      if (!step) break;
      // Read and prepare the next batch while this one commits, unless its plan may still change
      // (a table without a schema gets the one this commit records).
      if (plan.validator) {
        ahead = readAndPrepare(plan);
        // Its failure surfaces when its turn comes, after this batch is committed.
        ahead.catch(() => undefined);
      }
      let report: BatchReport;
      try {
        if (!step.prepared) throw step.error;
        report = await commitBatch(table, step.prepared, startCheckpoint, { options, mode, quarantine, batchNumber: summary.batches + 1 });
      } catch (e) {
        metrics.failed(tableName, source.id);
        const err = e as Error & { code?: string };
        log({ event: 'batch-failed', table: tableName, sourceId: source.id, error: err.message, code: err.code });
        throw e;
      }
      report.durationMs = Date.now() - step.started;
      // The commit is durable: only now may the source forget what precedes the checkpoint.
      const last = step.records[step.records.length - 1].checkpoint;
      await source.acknowledge(last);
      startCheckpoint = last;
      summary.checkpoint = last;
      summary.batches++;
      for (const k of ['read', 'expanded', 'written', 'inserted', 'updated', 'quarantined', 'deduplicated', 'coerced'] as const) summary[k] += report[k];
      metrics.observe(report);
      log({ event: 'batch', ...report });
      await options.onBatch?.(report);
      // A stop request drops the batch read ahead: nothing of it is committed, the next run reads it again.
      if (options.signal?.aborted) break;
      if (!plan.schema && !options.schema) plan = await makePlan(table, options);
      ahead ??= readAndPrepare(plan);
    }
  } finally {
    // A read still under way finishes before the source closes under it.
    await ahead?.catch(() => undefined);
    await source.close();
  }
  log({ event: 'stop', table: tableName, sourceId: source.id, batches: summary.batches, read: summary.read, written: summary.written, quarantined: summary.quarantined });
  return summary;
}


/** Steps that need the table as committed so far: duplicates of stored events, quarantine, the commit. */
async function commitBatch(table: HudiTable, batch: PreparedBatch, startCheckpoint: Checkpoint | null, ctx: CommitContext): Promise<BatchReport> {
  const { options } = ctx;
  const source = options.source;
  const { records, plan, invalid, kept, arrow } = batch;

  // 5. Quarantine first (idempotent per starting checkpoint), then the commit with the checkpoint.
  const checkpoint = records[records.length - 1].checkpoint;
  const batchId = `${source.id.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60)}-${stableId(`${source.id}\u0000${JSON.stringify(startCheckpoint)}`)}`;
  let quarantineLocation: string | undefined;
  if (invalid.length > 0) quarantineLocation = await ctx.quarantine.write({ batchId, sourceId: source.id, records: invalid });
  else await ctx.quarantine.discard?.(batchId);
  const extraMetadata: Record<string, string> = {
    ...checkpointMetadata(source.id, checkpoint),
    ...(quarantineLocation ? { [QUARANTINE_KEY]: quarantineLocation } : {}),
  };
  // The next batch is read and prepared while this one commits: its files are encoded on a worker.
  // Insert-only: records whose key the table already holds are duplicates of immutable events,
  // left out by the write itself (looked up in the snapshot it writes on).
  const write = { encodeOnWorker: true, ...options.writeOptions, extraMetadata };
  const commit = (): Promise<WriteResult> =>
    ctx.mode === 'insert-only' ? table.insert(arrow, { ...write, duplicates: 'drop' }) : table.upsert(arrow, write);
  const result = await commitOrAdopt(table, source.id, commit, startCheckpoint, checkpoint);

  let lagMs: number | undefined;
  if (plan.orderingIsTimestamp && plan.orderingField && plan.schema) {
    const field = plan.schema.fields.find((f) => f.name === plan.orderingField)!;
    const unit = (field.type as unknown as { unit: number }).unit;
    const perMs = [1 / 1000, 1, 1000, 1000000][unit] ?? 1;
    let newest: number | undefined;
    for (const p of kept) {
      const ms = eventMillis(p.row[plan.orderingField], perMs);
      if (ms !== undefined && (newest === undefined || ms > newest)) newest = ms;
    }
    if (newest !== undefined) lagMs = Math.max(0, Date.now() - newest);
  }

  return {
    batch: ctx.batchNumber,
    table: table.config.name,
    sourceId: source.id,
    instant: result.instant,
    read: records.length,
    expanded: batch.expanded,
    written: kept.length - result.dropped,
    inserted: result.inserted,
    updated: result.updated,
    quarantined: invalid.length,
    deduplicated: batch.deduplicated + result.dropped,
    coerced: batch.coerced,
    checkpoint,
    durationMs: 0,
    ...(lagMs !== undefined ? { lagMs } : {}),
    ...(quarantineLocation ? { quarantineLocation } : {}),
  };
}

const sameCheckpoint = (a: Checkpoint | null | undefined, b: Checkpoint | null | undefined): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The batch's commit. A ConflictError may come from a run of this source that died between its
 * commit fence and its publish: settling that run's intent publishes its commit (see core's
 * commit/settle-intent.ts), and when that commit ends at this batch's checkpoint it holds this
 * very batch, so it is adopted instead of written twice. When the source's last commit is still
 * the one this batch starts from, the conflict was with another writer and the write is tried
 * once more; otherwise the error stands and the next run resumes from the newer checkpoint.
 */
async function commitOrAdopt(
  table: HudiTable,
  sourceId: string,
  commit: () => Promise<WriteResult>,
  startCheckpoint: Checkpoint | null,
  endCheckpoint: Checkpoint,
): Promise<Pick<WriteResult, 'instant' | 'inserted' | 'updated' | 'dropped'>> {
  try {
    return await commit();
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const last = await lastCommittedCheckpoint(table, sourceId);
    if (last && sameCheckpoint(last.checkpoint, endCheckpoint)) return { instant: last.instant, inserted: 0, updated: 0, dropped: 0 };
    if (sameCheckpoint(last?.checkpoint, startCheckpoint)) return commit();
    throw error;
  }
}
