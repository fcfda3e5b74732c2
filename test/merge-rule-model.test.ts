// One merge rule for every path: the same random upserts and deletes on a copy-on-write and a
// merge-on-read table give the same rows as a Map model that applies the table's merge mode:
// OverwriteWithLatestAvroPayload (commit-time ordering: the latest write wins, the ordering field
// only picks among one batch's records), DefaultHoodieRecordPayload (event-time ordering: a stored
// record with a greater ordering value stays), and no ordering field at all (latest write wins).
// Compaction (merge-on-read) and clustering (copy-on-write) run in between and change nothing.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { MemoryStore } from '@lake/storage';
import { createTable, rowsToJson, type HudiTable } from '@lake/core';

interface Row {
  id: number;
  ts: number;
  v: string;
}

type Op = { kind: 'upsert'; rows: Row[] } | { kind: 'delete'; ids: number[] } | { kind: 'compact' };

const rowArb = fc.record({ id: fc.integer({ min: 0, max: 5 }), ts: fc.integer({ min: 0, max: 4 }), v: fc.constantFrom('a', 'b', 'c') });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.array(rowArb, { minLength: 1, maxLength: 5 }).map((rows) => ({ kind: 'upsert' as const, rows })) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }).map((ids) => ({ kind: 'delete' as const, ids })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
);

interface Payload {
  name: string;
  ordering: boolean;
  eventTime: boolean;
  properties?: Record<string, string>;
}

const payloads: Payload[] = [
  {
    name: 'OverwriteWithLatestAvroPayload',
    ordering: true,
    eventTime: false,
    properties: { 'hoodie.compaction.payload.class': 'org.apache.hudi.common.model.OverwriteWithLatestAvroPayload' },
  },
  {
    name: 'DefaultHoodieRecordPayload',
    ordering: true,
    eventTime: true,
    properties: { 'hoodie.compaction.payload.class': 'org.apache.hudi.common.model.DefaultHoodieRecordPayload' },
  },
  { name: 'no ordering field', ordering: false, eventTime: false },
];

/** The model: batch de-duplication by the ordering field, then the merge mode against what is stored. */
function applyModel(model: Map<number, Row>, op: Op, p: Payload): void {
  if (op.kind === 'delete') {
    for (const id of op.ids) model.delete(id);
    return;
  }
  if (op.kind === 'compact') return;
  const batch = new Map<number, Row>();
  for (const r of op.rows) {
    const prev = batch.get(r.id);
    if (!prev || !p.ordering || r.ts >= prev.ts) batch.set(r.id, r);
  }
  for (const r of batch.values()) {
    const stored = model.get(r.id);
    if (stored && p.eventTime && stored.ts > r.ts) continue;
    model.set(r.id, r);
  }
}

async function applyTable(t: HudiTable, op: Op): Promise<void> {
  if (op.kind === 'upsert') await t.upsert(op.rows.map((r) => ({ id: r.id, p: `p${r.id % 2}`, ts: r.ts, v: r.v })));
  else if (op.kind === 'delete') await t.delete(op.ids.map(String));
  else if (t.config.type === 'MERGE_ON_READ') await t.compact();
  else await t.clusterSmallFiles({ smallFileLimitBytes: 1 << 30, targetFileSizeBytes: 1 << 30 });
}

async function contents(t: HudiTable): Promise<Row[]> {
  const out: Row[] = [];
  for await (const b of t.read({ withMeta: false })) {
    for (const r of rowsToJson(b)) out.push({ id: Number(r.id), ts: Number(r.ts), v: String(r.v) });
  }
  return out.sort((a, b) => a.id - b.id);
}

let counter = 0;

describe.each(payloads)('$name: copy-on-write and merge-on-read agree with the model', (p) => {
  it('for random upserts, deletes and compactions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 7 }), async (ops) => {
        const tables = await Promise.all(
          (['cow', 'mor'] as const).map((type) =>
            createTable(new MemoryStore(`merge-rule-${process.pid}-${++counter}`), {
              recordKey: ['id'],
              partitionBy: ['p'],
              orderingField: p.ordering ? 'ts' : undefined,
              type,
              properties: p.properties,
            }),
          ),
        );
        const model = new Map<number, Row>();
        for (const [step, op] of ops.entries()) {
          applyModel(model, op, p);
          const expected = [...model.values()].sort((a, b) => a.id - b.id);
          for (const t of tables) {
            await applyTable(t, op);
            expect(await contents(t), `${t.config.type} after step ${step} (${op.kind})`).toEqual(expected);
          }
        }
      }),
      { numRuns: 8 },
    );
  }, 240_000);

  it('upserting ts=5 then ts=3 keeps the value the merge mode names', async () => {
    const results: number[] = [];
    for (const type of ['cow', 'mor'] as const) {
      const t = await createTable(new MemoryStore(`merge-rule-${process.pid}-${++counter}`), {
        recordKey: ['id'],
        partitionBy: ['p'],
        orderingField: p.ordering ? 'ts' : undefined,
        type,
        properties: p.properties,
      });
      await t.upsert([{ id: 1, p: 'p1', ts: 5, v: 'a' }]);
      await t.upsert([{ id: 1, p: 'p1', ts: 3, v: 'b' }]);
      results.push(...(await contents(t)).map((r) => r.ts));
    }
    expect(results).toEqual(p.eventTime ? [5, 5] : [3, 3]);
  });
});
