// The Map model the table model tests share: random sequences of insert / upsert / delete /
// deleteWhere / insertOverwrite / compaction run against a table and against a plain Map. After
// every step the snapshot, every earlier snapshot (time travel) and the step's incremental read
// must agree with the model.

import fc from 'fast-check';
import { expect } from 'vitest';

import type { ObjectStore } from '@lake/storage';
import { createTable, inferSchema, rowsToJson, type FileSizing, type HudiTable } from '@lake/core';

type ArrowTable = Awaited<ReturnType<ReturnType<HudiTable['read']>['collect']>>;

interface ModelRow {
  id: string;
  dt: string;
  ts: string;
  v: string;
}

type Op =
  | { kind: 'insert'; rows: { id: number; ts: number; v: string }[] }
  | { kind: 'upsert'; rows: { id: number; ts: number; v: string }[] }
  | { kind: 'deleteKeys'; ids: number[] }
  | { kind: 'deleteRows'; ids: number[] }
  | { kind: 'deleteWhere'; values: string[] }
  | { kind: 'overwrite'; table: boolean; rows: { id: number; ts: number; v: string }[] }
  /** Merge-on-read: finish pending compactions, schedule one and run it; copy-on-write: cluster small files. */
  | { kind: 'compact' }
  /** Merge-on-read: schedule a compaction and leave it pending (later writes log into its slices). */
  | { kind: 'schedule' }
  /** Clean file versions the last `retain` writes do not need. */
  | { kind: 'clean'; retain: number };

export interface Scenario {
  type?: 'cow' | 'mor';
  ordering: boolean;
  declaredSchema: boolean;
  sizing?: Partial<FileSizing>;
  ops: Op[];
}

const partitionOf = (id: number): string => `d${id % 3}`;

const rowArb = fc.record({ id: fc.integer({ min: 0, max: 14 }), ts: fc.integer({ min: 0, max: 4 }), v: fc.constantFrom('a', 'b', 'c', 'd') });
const rowsArb = fc.array(rowArb, { minLength: 1, maxLength: 6 });
const idsArb = fc.array(fc.integer({ min: 0, max: 14 }), { minLength: 1, maxLength: 4 });

const writeOps = [
  { weight: 3, arbitrary: rowsArb.map((rows) => ({ kind: 'insert' as const, rows })) },
  { weight: 4, arbitrary: rowsArb.map((rows) => ({ kind: 'upsert' as const, rows })) },
  { weight: 2, arbitrary: idsArb.map((ids) => ({ kind: 'deleteKeys' as const, ids })) },
  { weight: 1, arbitrary: idsArb.map((ids) => ({ kind: 'deleteRows' as const, ids })) },
  {
    weight: 1,
    arbitrary: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 2 }).map((values) => ({ kind: 'deleteWhere' as const, values })),
  },
  { weight: 1, arbitrary: fc.tuple(fc.boolean(), rowsArb).map(([table, rows]) => ({ kind: 'overwrite' as const, table, rows })) },
];
const cleanArb = { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((retain) => ({ kind: 'clean' as const, retain })) };
const opArb: fc.Arbitrary<Op> = fc.oneof(...writeOps, { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) }, cleanArb);
const morOpArb: fc.Arbitrary<Op> = fc.oneof(
  ...writeOps,
  { weight: 2, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'schedule' as const }) },
  cleanArb,
);

// Sizings: defaults (one file group per partition, topped up by every insert), tiny files (a file
// group per record), and in between (a few records per file, small files topped up).
const sizingArb = fc.constantFrom<Partial<FileSizing> | undefined>(
  undefined,
  { maxFileSizeBytes: 1, smallFileLimitBytes: 0, recordSizeEstimate: 1 },
  { maxFileSizeBytes: 3_000_000, smallFileLimitBytes: 2_000_000, recordSizeEstimate: 500_000 },
);

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  ordering: fc.boolean(),
  declaredSchema: fc.boolean(),
  sizing: sizingArb,
  ops: fc.array(opArb, { minLength: 1, maxLength: 8 }),
});

/** Merge-on-read scenarios: the write operations plus scheduled and inline compactions. */
export const morScenarioArb: fc.Arbitrary<Scenario> = fc.record({
  type: fc.constant('mor' as const),
  ordering: fc.boolean(),
  declaredSchema: fc.boolean(),
  sizing: sizingArb,
  ops: fc.array(morOpArb, { minLength: 1, maxLength: 10 }),
});

// The schema the first write would infer, declared up front instead.
const dataSchema = inferSchema([{ id: 1, dt: 'd1', ts: 1, v: 'a' }]);

function toModel(r: { id: number; ts: number; v: string }): ModelRow {
  return { id: String(r.id), dt: partitionOf(r.id), ts: String(r.ts), v: r.v };
}

const jsonValue = (x: unknown): string => (x === null || x === undefined ? 'null' : String(x));

function plain(table: ArrowTable): ModelRow[] {
  const out: ModelRow[] = [];
  for (const batch of table.batches) {
    for (const r of rowsToJson(batch)) out.push({ id: jsonValue(r.id), dt: jsonValue(r.dt), ts: jsonValue(r.ts), v: jsonValue(r.v) });
  }
  return sorted(out);
}

function sorted(rows: Iterable<ModelRow>): ModelRow[] {
  return [...rows].sort((a, b) => Number(a.id) - Number(b.id));
}

/** Batch de-duplication: greatest ordering value per key, the later row on ties (or always without ordering). */
function dedupe(rows: ModelRow[], ordering: boolean): ModelRow[] {
  const winner = new Map<string, ModelRow>();
  for (const r of rows) {
    const prev = winner.get(r.id);
    if (!prev || !ordering || Number(r.ts) >= Number(prev.ts)) winner.set(r.id, r);
  }
  return [...winner.values()];
}

/**
 * Copy-on-write deletes count the records removed. Merge-on-read deletes count the delete records
 * logged: a key deleted before is still in its base file until compaction, so it is logged again.
 */
function expectDeleted(s: Scenario, reported: number, present: number): void {
  if (s.type === 'mor') expect(reported).toBeGreaterThanOrEqual(present);
  else expect(reported).toBe(present);
}

interface Step {
  instant: string;
  snapshot: ModelRow[];
  changed: ModelRow[];
}

/** Applies one operation to the table and the model; undefined when the operation is skipped. */
async function applyOp(
  t: HudiTable,
  model: Map<string, ModelRow>,
  op: Op,
  s: Scenario,
): Promise<{ instant: string; changed: ModelRow[] } | { cleanedBefore: string } | undefined> {
  const options = s.sizing ? { sizing: s.sizing } : {};
  const withDt = (r: { id: number; ts: number; v: string }) => ({ id: r.id, dt: partitionOf(r.id), ts: r.ts, v: r.v });
  switch (op.kind) {
    case 'insert': {
      // Inserts assume new keys: keep only ids the table does not hold, once each.
      const seen = new Set<number>();
      const rows = op.rows.filter((r) => !model.has(String(r.id)) && !seen.has(r.id) && seen.add(r.id));
      if (rows.length === 0) return undefined;
      const res = await t.insert(rows.map(withDt), options);
      expect(res.inserted).toBe(rows.length);
      const changed = rows.map(toModel);
      for (const r of changed) model.set(r.id, r);
      return { instant: res.instant, changed };
    }
    case 'upsert': {
      const res = await t.upsert(op.rows.map(withDt), options);
      const changed: ModelRow[] = [];
      for (const r of dedupe(op.rows.map(toModel), s.ordering)) {
        const stored = model.get(r.id);
        if (stored && s.ordering && Number(r.ts) < Number(stored.ts)) continue;
        model.set(r.id, r);
        changed.push(r);
      }
      // Merge-on-read logs every incoming record; the read-time merge drops those that lose.
      if (s.type === 'mor') expect(res.inserted + res.updated).toBeGreaterThanOrEqual(changed.length);
      else expect(res.inserted + res.updated).toBe(changed.length);
      return { instant: res.instant, changed };
    }
    case 'deleteKeys': {
      const res = await t.delete(op.ids.map(String), options);
      const present = new Set(op.ids.map(String).filter((k) => model.has(k)));
      for (const k of present) model.delete(k);
      expectDeleted(s, res.deleted, present.size);
      return { instant: res.instant, changed: [] };
    }
    case 'deleteRows': {
      // Deletes by rows that carry only the key and partition fields.
      const res = await t.delete(op.ids.map((id) => ({ id, dt: partitionOf(id) })), options);
      const present = new Set(op.ids.map(String).filter((k) => model.has(k)));
      for (const k of present) model.delete(k);
      expectDeleted(s, res.deleted, present.size);
      return { instant: res.instant, changed: [] };
    }
    case 'deleteWhere': {
      const values = new Set(op.values);
      const res = await t.deleteWhere((row) => values.has(String(row.v)), options);
      let count = 0;
      for (const [k, r] of model) {
        if (values.has(r.v)) {
          model.delete(k);
          count++;
        }
      }
      expect(res.deleted).toBe(count);
      return { instant: res.instant, changed: [] };
    }
    case 'overwrite': {
      const res = await t.insertOverwrite(op.rows.map(withDt), { ...options, table: op.table });
      const rows = dedupe(op.rows.map(toModel), s.ordering);
      const partitions = new Set(rows.map((r) => r.dt));
      for (const [k, r] of model) if (op.table || partitions.has(r.dt)) model.delete(k);
      for (const r of rows) model.set(r.id, r);
      expect(res.inserted).toBe(rows.length);
      return { instant: res.instant, changed: rows };
    }
    case 'compact': {
      // Rewrites files, never records: the instant is a new version equal to the previous one.
      if (s.type === 'mor') {
        const runs = await t.compact();
        const last = runs.at(-1);
        return last ? { instant: last.instant, changed: [] } : undefined;
      }
      const run = await t.clusterSmallFiles({ smallFileLimitBytes: 1 << 30, targetFileSizeBytes: 1 << 30 });
      return run ? { instant: run.instant, changed: [] } : undefined;
    }
    case 'schedule': {
      if (s.type === 'mor') await t.scheduleCompaction();
      return undefined;
    }
    case 'clean': {
      const res = await t.clean({ policy: { kind: 'commits', retain: op.retain }, readerGraceMs: 0 });
      return res ? { cleanedBefore: res.earliestRetained } : undefined;
    }
  }
}


export async function runScenario(store: ObjectStore, s: Scenario, checkHistoryEveryStep: boolean): Promise<void> {
  const t = await createTable(store, {
    name: 'model',
    recordKey: ['id'],
    partitionBy: ['dt'],
    orderingField: s.ordering ? 'ts' : undefined,
    schema: s.declaredSchema ? dataSchema : undefined,
    type: s.type ?? 'cow',
  });
  const model = new Map<string, ModelRow>();
  const steps: Step[] = [];
  let cleanedBefore = '';
  const checkHistory = async () => {
    for (const step of steps) {
      if (step.instant < cleanedBefore) {
        // A clean removed what this instant needed: refused, never answered from partial files.
        await expect(t.read({ asOf: step.instant, withMeta: false }).collect(), `as of cleaned ${step.instant}`).rejects.toMatchObject({ code: 'INSTANT_CLEANED' });
        continue;
      }
      expect(plain(await t.read({ asOf: step.instant, withMeta: false }).collect()), `as of ${step.instant}`).toEqual(step.snapshot);
    }
  };
  for (const op of s.ops) {
    const result = await applyOp(t, model, op, s);
    if (result && 'cleanedBefore' in result) {
      cleanedBefore = result.cleanedBefore > cleanedBefore ? result.cleanedBefore : cleanedBefore;
      await checkHistory();
      continue;
    }
    const done = result;
    if (!done) {
      // Operations that commit nothing (a scheduled compaction) must not change the snapshot.
      expect(plain(await t.read({ withMeta: false }).collect()), `after ${op.kind}`).toEqual(sorted(model.values()));
      continue;
    }
    const previous = steps.at(-1)?.instant;
    if (previous !== undefined && op.kind === 'compact' && done.instant <= previous) {
      // A compaction scheduled before later writes completes under its older instant: it adds
      // no version of its own, and time travel to every step still has to read the same.
      expect(plain(await t.read({ withMeta: false }).collect()), `after ${op.kind}`).toEqual(sorted(model.values()));
      await checkHistory();
      continue;
    }
    if (previous !== undefined) expect(done.instant > previous).toBe(true);
    steps.push({ instant: done.instant, snapshot: sorted(model.values()), changed: sorted(done.changed) });

    expect(plain(await t.read({ withMeta: false }).collect()), `after ${op.kind}`).toEqual(sorted(model.values()));
    const incremental = await t.readIncremental({ start: previous, end: done.instant, withMeta: false }).collect();
    expect(plain(incremental), `incremental of ${op.kind}`).toEqual(sorted(done.changed));
    if (checkHistoryEveryStep) await checkHistory();
  }
  if (!checkHistoryEveryStep) await checkHistory();
}
