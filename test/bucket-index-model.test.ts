// Model test of bucket-indexed tables: random inserts, upserts, deletes (by row and by key),
// partition overwrites and, for merge-on-read, compactions against a plain Map. After every step
// the snapshot agrees with the Map, upserts and deletes have read no file, and every partition
// holds at most one file group per bucket, each row in the file group its key hashes to.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { MemoryStore } from '@lake/storage';
import {
  bucketIdOf,
  bucketOfFileId,
  createTable,
  latestFileSlices,
  buildFileSystemView,
  rowsToJson,
  type HudiTable,
} from '@lake/core/format';

type Op =
  | { kind: 'insert' | 'upsert'; rows: { id: number; ts: number; v: string }[] }
  | { kind: 'deleteRows' | 'deleteKeys'; ids: number[] }
  | { kind: 'overwrite'; rows: { id: number; ts: number; v: string }[] }
  | { kind: 'compact' };

const rowsArb = fc.array(fc.record({ id: fc.integer({ min: 0, max: 40 }), ts: fc.integer({ min: 0, max: 3 }), v: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 12 });
const idsArb = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: rowsArb.map((rows) => ({ kind: 'insert' as const, rows })) },
  { weight: 4, arbitrary: rowsArb.map((rows) => ({ kind: 'upsert' as const, rows })) },
  { weight: 2, arbitrary: idsArb.map((ids) => ({ kind: 'deleteRows' as const, ids })) },
  { weight: 1, arbitrary: idsArb.map((ids) => ({ kind: 'deleteKeys' as const, ids })) },
  { weight: 1, arbitrary: rowsArb.map((rows) => ({ kind: 'overwrite' as const, rows })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
);
const scenarioArb = fc.record({
  buckets: fc.integer({ min: 1, max: 5 }),
  ordering: fc.boolean(),
  ops: fc.array(opArb, { minLength: 1, maxLength: 8 }),
});

interface Stored {
  ts: number;
  v: string;
}
const dtOf = (id: number) => `p${id % 2}`;

async function snapshot(t: HudiTable): Promise<Map<string, Stored & { file: string }>> {
  const out = new Map<string, Stored & { file: string }>();
  for await (const batch of t.read({ withMeta: true })) {
    for (const r of rowsToJson(batch)) out.set(String(r.id), { ts: Number(r.ts), v: String(r.v), file: String(r._hoodie_file_name) });
  }
  return out;
}

let counter = 0;

async function run(type: 'cow' | 'mor', s: { buckets: number; ordering: boolean; ops: Op[] }): Promise<void> {
  const store = new MemoryStore(`bucket-model-${process.pid}-${++counter}`);
  const t = await createTable(store, {
    recordKey: ['id'],
    partitionBy: ['dt'],
    orderingField: s.ordering ? 'ts' : undefined,
    type,
    index: { kind: 'bucket', buckets: s.buckets },
  });
  const model = new Map<string, Stored>();
  for (const op of s.ops) {
    switch (op.kind) {
      case 'insert':
      case 'upsert': {
        // Within a batch the greatest ordering value wins, the later row on ties.
        const batch = new Map<number, { id: number; ts: number; v: string }>();
        for (const r of op.rows) {
          const prev = batch.get(r.id);
          if (!prev || !s.ordering || r.ts >= prev.ts) batch.set(r.id, r);
        }
        const input = op.rows.map((r) => ({ id: r.id, dt: dtOf(r.id), ts: r.ts, v: r.v }));
        const res = op.kind === 'insert' ? await t.insert(input) : await t.upsert(input);
        expect(res.index.filesRead).toBe(0);
        for (const r of batch.values()) {
          const stored = model.get(String(r.id));
          if (stored && s.ordering && r.ts < stored.ts) continue;
          model.set(String(r.id), { ts: r.ts, v: r.v });
        }
        break;
      }
      case 'deleteRows':
      case 'deleteKeys': {
        const res = op.kind === 'deleteRows' ? await t.delete(op.ids.map((id) => ({ id, dt: dtOf(id) }))) : await t.delete(op.ids.map(String));
        expect(res.index.filesRead).toBe(0);
        for (const id of op.ids) model.delete(String(id));
        break;
      }
      case 'overwrite': {
        // The partitions the rows fall in are replaced by the rows (deduplicated by key).
        const batch = new Map<number, { id: number; ts: number; v: string }>();
        for (const r of op.rows) {
          const prev = batch.get(r.id);
          if (!prev || !s.ordering || r.ts >= prev.ts) batch.set(r.id, r);
        }
        await t.insertOverwrite(op.rows.map((r) => ({ id: r.id, dt: dtOf(r.id), ts: r.ts, v: r.v })));
        const partitions = new Set(op.rows.map((r) => dtOf(r.id)));
        for (const k of [...model.keys()]) if (partitions.has(dtOf(Number(k)))) model.delete(k);
        for (const r of batch.values()) model.set(String(r.id), { ts: r.ts, v: r.v });
        break;
      }
      case 'compact':
        if (type === 'mor') await t.compact();
        break;
    }
    const snap = await snapshot(t);
    expect(new Map([...snap].map(([k, r]) => [k, { ts: r.ts, v: r.v }])), `after ${op.kind}`).toEqual(model);
    for (const [key, r] of snap) expect(bucketOfFileId(r.file.replace(/^\./, ''))).toBe(bucketIdOf(key, ['id'], s.buckets));
    const seen = new Set<string>();
    for (const slice of latestFileSlices(await buildFileSystemView(store, await t.timeline(), {}))) {
      const bucket = bucketOfFileId(slice.fileId);
      expect(bucket).toBeLessThan(s.buckets);
      const key = `${slice.partitionPath}/${bucket}`;
      expect(seen.has(key), `two file groups for bucket ${key}`).toBe(false);
      seen.add(key);
    }
  }
}

describe('bucket-indexed writes agree with a Map model', () => {
  it('copy-on-write', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, (s) => run('cow', s)), { numRuns: 15 });
  });
  it('merge-on-read', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, (s) => run('mor', s)), { numRuns: 15 });
  });
});
