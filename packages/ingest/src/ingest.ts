// The ingestion loop: resume from the table's last committed checkpoint, then per micro-batch
// transform, validate (quarantining what does not fit), de-duplicate, commit with the batch's
// checkpoint, and only then acknowledge the source.
// Over 350 lines on purpose: the loop's steps share one checkpoint and acknowledgement order, which reads best in one place.

import { Field, Schema, Type, Utf8 } from 'apache-arrow';
import { assertWritable, compareOrdering, existingRecordRows, keyFieldProblems, rowsToTable, SchemaError, type HudiTable, type Row, type TableWriteOptions, type WriteResult } from '@lake/core/format';
import type { Registry } from 'prom-client';
import { batchReader, type BatchLimits } from './batches.js';
import { checkpointMetadata, lastCommittedCheckpoint, QUARANTINE_KEY } from './checkpoint.js';
import { IngestConfigError, TooManyInvalidRecordsError } from './errors.js';
import { createIngestMetrics, type BatchReport, type IngestMetrics } from './metrics.js';
import { fileQuarantine, stableId, type QuarantinedRecord, type QuarantineSink } from './quarantine.js';
import type { Checkpoint, Source, SourceRecord } from './source.js';
import { flattenRecord, type Derivation, type FlattenOptions } from './transform.js';
import { createValidator, type ValidationOptions, type Validator } from './validate.js';
import { inferBatchSchema } from './infer-schema.js';

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

interface PreparedRow {
  row: Row;
  position: string;
  original: unknown;
}

interface Plan {
  schema?: Schema;
  validator?: Validator;
  keyFields: string[];
  orderingField?: string;
  orderingIsTimestamp: boolean;
}

function isMetrics(m: Registry | IngestMetrics | undefined): m is IngestMetrics {
  return m !== undefined && typeof (m as IngestMetrics).observe === 'function';
}

async function dataSchemaOf(table: HudiTable): Promise<Schema | undefined> {
  const full = await table.schema();
  const fields = full.fields.filter((f) => !f.name.startsWith('_hoodie_'));
  return fields.length > 0 ? new Schema(fields) : undefined;
}

async function makePlan(table: HudiTable, options: IngestOptions): Promise<Plan> {
  const schema = options.schema ? new Schema(options.schema.fields.filter((f) => !f.name.startsWith('_hoodie_'))) : await dataSchemaOf(table);
  return planFor(table, options, schema);
}

/**
 * The plan of a batch written into a table without a schema: the schema its records agree on by
 * majority (see infer-schema.ts), so records that disagree are validated out to quarantine
 * instead of deciding column types. Key fields no record has stay in it, so their absence is
 * reported per record.
 */
function inferredPlan(table: HudiTable, options: IngestOptions, rows: readonly Row[]): Plan {
  const inferred = inferBatchSchema(rows);
  const names = new Set(inferred.fields.map((f) => f.name));
  const missing = table.config.recordKeyFields.filter((k) => !names.has(k)).map((k) => new Field(k, new Utf8(), true));
  return planFor(table, options, missing.length > 0 ? new Schema([...inferred.fields, ...missing]) : inferred);
}

function planFor(table: HudiTable, options: IngestOptions, schema: Schema | undefined): Plan {
  const config = table.config;
  const keyFields = config.recordKeyFields;
  const orderingField = config.orderingFields[0];
  let validator: Validator | undefined;
  let orderingIsTimestamp = false;
  if (schema) {
    const names = new Set(schema.fields.map((f) => f.name));
    for (const f of keyFields) {
      if (!names.has(f)) throw new IngestConfigError(`Record key field "${f}" of ${table.uri} is not in the ingestion schema (${[...names].join(', ')}).`);
    }
    const required = [...keyFields, ...config.orderingFields, ...config.partitionFields.map((p) => p.name)].filter((f) => names.has(f));
    validator = createValidator(schema, { ...options.validation, required: [...required, ...(options.validation?.required ?? [])] });
    const ordering: Field | undefined = orderingField ? schema.fields.find((f) => f.name === orderingField) : undefined;
    orderingIsTimestamp = ordering?.type.typeId === Type.Timestamp;
  }
  return { schema, validator, keyFields, orderingField, orderingIsTimestamp };
}

function recordKeyOf(row: Row, fields: readonly string[]): string {
  if (fields.length === 1) return String(row[fields[0]]);
  return fields.map((f) => `${f}:${String(row[f])}`).join(',');
}

/** Whether ordering value `a` wins over `b` (ties go to `a`, the later record): the table's own order. */
function greaterOrEqual(a: unknown, b: unknown): boolean {
  return compareOrdering(a, b) >= 0;
}

function checkInvalidLimit(limit: number | undefined, invalid: QuarantinedRecord[], total: number): void {
  if (limit === undefined || invalid.length === 0) return;
  const fraction = limit > 0 && limit < 1;
  const allowed = fraction ? Math.floor(limit * total) : limit;
  if (invalid.length > allowed) {
    throw new TooManyInvalidRecordsError(
      invalid.length,
      total,
      fraction ? `${limit * 100}% of ${total} = ${allowed}` : String(limit),
      invalid.slice(0, 3).map((r) => ({ position: r.position, reason: r.reasons.join('; ') })),
    );
  }
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

  try {
    await source.start(resume?.checkpoint);
    for (;;) {
      const records = await reader.next();
      if (!records) break;
      const started = reader.batchStartedAt() ?? Date.now();
      let report: BatchReport;
      try {
        report = await writeBatch(table, records, startCheckpoint, plan, {
          options, mode, quarantine, flatten, batchNumber: summary.batches + 1,
        });
      } catch (e) {
        metrics.failed(tableName, source.id);
        const err = e as Error & { code?: string };
        log({ event: 'batch-failed', table: tableName, sourceId: source.id, error: err.message, code: err.code });
        throw e;
      }
      report.durationMs = Date.now() - started;
      // The commit is durable: only now may the source forget what precedes the checkpoint.
      const last = records[records.length - 1].checkpoint;
      await source.acknowledge(last);
      startCheckpoint = last;
      summary.checkpoint = last;
      summary.batches++;
      for (const k of ['read', 'expanded', 'written', 'inserted', 'updated', 'quarantined', 'deduplicated', 'coerced'] as const) summary[k] += report[k];
      metrics.observe(report);
      log({ event: 'batch', ...report });
      await options.onBatch?.(report);
      if (!plan.schema && !options.schema) plan = await makePlan(table, options);
    }
  } finally {
    await source.close();
  }
  log({ event: 'stop', table: tableName, sourceId: source.id, batches: summary.batches, read: summary.read, written: summary.written, quarantined: summary.quarantined });
  return summary;
}

interface BatchContext {
  options: IngestOptions;
  mode: IngestMode;
  quarantine: QuarantineSink;
  flatten?: FlattenOptions;
  batchNumber: number;
}

async function writeBatch(table: HudiTable, records: SourceRecord[], startCheckpoint: Checkpoint | null, plan: Plan, ctx: BatchContext): Promise<BatchReport> {
  const { options } = ctx;
  const source = options.source;
  const invalid: QuarantinedRecord[] = [];
  let rows: PreparedRow[] = [];

  // 1. Parse failures, flattening, derivations.
  for (const r of records) {
    if (r.value === undefined || r.error !== undefined) {
      invalid.push({ position: r.position, reasons: [r.error ?? 'empty record'], record: r.raw ?? r.value ?? null });
      continue;
    }
    if (typeof r.value !== 'object' || r.value === null || Array.isArray(r.value)) {
      invalid.push({ position: r.position, reasons: ['not a record (object)'], record: r.value });
      continue;
    }
    const flat = ctx.flatten ? flattenRecord(r.value as Row, ctx.flatten) : [r.value as Row];
    flat.forEach((row, k) => {
      const position = flat.length > 1 ? `${r.position}#${k + 1}` : r.position;
      const reasons: string[] = [];
      // Derivations and batch transforms may change the row: they get a copy, so the record the
      // quarantine would receive stays as it was read.
      const out: Row = ctx.flatten || (!options.derive && !options.transformBatch) ? row : { ...row };
      for (const [name, derive] of Object.entries(options.derive ?? {})) {
        try {
          out[name] = derive(out);
        } catch (e) {
          reasons.push(`${name}: derivation failed (${(e as Error).message})`);
        }
      }
      if (reasons.length > 0) invalid.push({ position, reasons, record: r.value });
      else rows.push({ row: out, position, original: r.value });
    });
  }
  if (options.transformBatch) {
    const before = rows;
    const after = await options.transformBatch(before.map((p) => p.row));
    rows = after.map((row, i) =>
      after.length === before.length ? { ...before[i], row } : { row, position: `${before[0]?.position ?? 'batch'}..+${i}`, original: row },
    );
  }
  const expanded = rows.length + invalid.length - records.length;

  // 2. Validation against the schema; without one yet, against the schema the batch agrees on.
  if (!plan.validator && rows.length > 0) plan = inferredPlan(table, options, rows.map((p) => p.row));
  let coerced = 0;
  const valid: PreparedRow[] = [];
  // Keys Arrow cannot hold as given (lone surrogates) would be stored altered and never match again.
  const partitionFields = table.config.partitionFields.map((f) => f.name);
  for (const p of rows) {
    const result = plan.validator ? plan.validator(p.row) : { ok: true as const, value: p.row, coerced: 0 };
    if (!result.ok) {
      invalid.push({ position: p.position, reasons: result.reasons, record: p.original });
      continue;
    }
    const problems = keyFieldProblems(result.value, plan.keyFields, partitionFields);
    if (problems.length > 0) {
      invalid.push({ position: p.position, reasons: problems.map((q) => `${q.field}: ${q.why}`), record: p.original });
      continue;
    }
    coerced += result.coerced;
    valid.push({ ...p, row: result.value });
  }

  // 3. De-duplication within the batch: per record key, the greatest ordering value (later on ties).
  const winners = new Map<string, number>();
  valid.forEach((p, i) => {
    const key = recordKeyOf(p.row, plan.keyFields);
    const previous = winners.get(key);
    if (previous === undefined || !plan.orderingField || greaterOrEqual(p.row[plan.orderingField], valid[previous].row[plan.orderingField])) {
      winners.set(key, i);
    }
  });
  let kept = [...winners.values()].sort((a, b) => a - b).map((i) => valid[i]);
  let deduplicated = valid.length - kept.length;

  // 4. Arrow, with a per-row fallback so one value the checks missed costs only its record.
  let arrow;
  try {
    arrow = rowsToTable(kept.map((p) => p.row), plan.schema);
  } catch (e) {
    if (!(e instanceof SchemaError)) throw e;
    const good: PreparedRow[] = [];
    for (const p of kept) {
      try {
        rowsToTable([p.row], plan.schema);
        good.push(p);
      } catch (err) {
        invalid.push({ position: p.position, reasons: [(err as Error).message], record: p.original });
      }
    }
    kept = good;
    arrow = rowsToTable(kept.map((p) => p.row), plan.schema);
  }

  checkInvalidLimit(options.maxInvalidPerBatch, invalid, records.length + expanded);

  // 5. Insert-only: records whose key the table already holds are duplicates of immutable events.
  if (ctx.mode === 'insert-only' && arrow.numRows > 0) {
    const existing = await existingRecordRows(table, arrow);
    if (existing.size > 0) {
      kept = kept.filter((_p, i) => !existing.has(i));
      deduplicated += existing.size;
      arrow = rowsToTable(kept.map((p) => p.row), plan.schema);
    }
  }

  // 6. Quarantine first (idempotent per starting checkpoint), then the commit with the checkpoint.
  const checkpoint = records[records.length - 1].checkpoint;
  const batchId = `${source.id.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60)}-${stableId(`${source.id}\u0000${JSON.stringify(startCheckpoint)}`)}`;
  let quarantineLocation: string | undefined;
  if (invalid.length > 0) quarantineLocation = await ctx.quarantine.write({ batchId, sourceId: source.id, records: invalid });
  else await ctx.quarantine.discard?.(batchId);
  const extraMetadata: Record<string, string> = {
    ...checkpointMetadata(source.id, checkpoint),
    ...(quarantineLocation ? { [QUARANTINE_KEY]: quarantineLocation } : {}),
  };
  const write = { ...options.writeOptions, extraMetadata };
  const result: WriteResult = ctx.mode === 'insert-only' ? await table.insert(arrow, write) : await table.upsert(arrow, write);

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
    expanded,
    written: kept.length,
    inserted: result.inserted,
    updated: result.updated,
    quarantined: invalid.length,
    deduplicated,
    coerced,
    checkpoint,
    durationMs: 0,
    ...(lagMs !== undefined ? { lagMs } : {}),
    ...(quarantineLocation ? { quarantineLocation } : {}),
  };
}
