// A batch made ready to commit without looking at the table's contents: parse failures,
// flattening and derivations, the batch function, validation (invalid records set aside for the
// quarantine), de-duplication within the batch and the Arrow table. Nothing here depends on what
// earlier batches committed, so the next batch can be prepared while the current one commits.

import { compareOrdering, keyFieldProblems, rowsToTable, SchemaError, type HudiTable, type Row } from '@lake/core/format';
import type { Table as ArrowTable } from 'apache-arrow';
import { inferredPlan, type Plan, type PlanOptions } from './batch-plan.js';
import { TooManyInvalidRecordsError } from './errors.js';
import type { QuarantinedRecord } from './quarantine.js';
import type { SourceRecord } from './source.js';
import { flattenRecord, type Derivation, type FlattenOptions } from './transform.js';

interface PreparedRow {
  row: Row;
  position: string;
  original: unknown;
}

export interface PrepareOptions extends PlanOptions {
  flatten?: FlattenOptions;
  derive?: Record<string, Derivation>;
  transformBatch?: (rows: Row[]) => Row[] | Promise<Row[]>;
  maxInvalidPerBatch?: number;
}

export interface PreparedBatch {
  records: SourceRecord[];
  /** The plan the batch was checked against (inferred from it while the table has no schema). */
  plan: Plan;
  kept: PreparedRow[];
  arrow: ArrowTable;
  invalid: QuarantinedRecord[];
  expanded: number;
  coerced: number;
  deduplicated: number;
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

/** Fails with TooManyInvalidRecordsError when the batch holds more invalid records than allowed. */
export async function prepareBatch(table: HudiTable, records: SourceRecord[], tablePlan: Plan, options: PrepareOptions): Promise<PreparedBatch> {
  const invalid: QuarantinedRecord[] = [];
  let rows: PreparedRow[] = [];
  const derivations = Object.entries(options.derive ?? {});

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
    if (!options.flatten && derivations.length === 0) {
      // The common case: the record is the row (the batch function below gets copies).
      rows.push({ row: r.value as Row, position: r.position, original: r.value });
      continue;
    }
    const flat = options.flatten ? flattenRecord(r.value as Row, options.flatten) : [r.value as Row];
    flat.forEach((row, k) => {
      const position = flat.length > 1 ? `${r.position}#${k + 1}` : r.position;
      const reasons: string[] = [];
      // Derivations and batch transforms may change the row: they get a copy, so the record the
      // quarantine would receive stays as it was read.
      const out: Row = options.flatten ? row : { ...row };
      for (const [name, derive] of derivations) {
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
    const copies = options.flatten || derivations.length > 0 ? before.map((p) => p.row) : before.map((p) => ({ ...p.row }));
    const after = await options.transformBatch(copies);
    rows = after.map((row, i) =>
      after.length === before.length ? { ...before[i], row } : { row, position: `${before[0]?.position ?? 'batch'}..+${i}`, original: row },
    );
  }
  const expanded = rows.length + invalid.length - records.length;

  // 2. Validation against the schema; without one yet, against the schema the batch agrees on.
  const plan = !tablePlan.validator && rows.length > 0 ? inferredPlan(table, options, rows.map((p) => p.row)) : tablePlan;
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
    p.row = result.value;
    valid.push(p);
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
  let kept = winners.size === valid.length ? valid : [...winners.values()].sort((a, b) => a - b).map((i) => valid[i]);
  const deduplicated = valid.length - kept.length;

  // 4. Arrow, with a per-row fallback so one value the checks missed costs only its record.
  let arrow: ArrowTable;
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
  return { records, plan, kept, arrow, invalid, expanded, coerced, deduplicated };
}
