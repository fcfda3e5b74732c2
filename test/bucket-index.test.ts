// The bucket index end to end: keys land in the file group of their Hudi bucket, upserts and
// deletes read no file, and a table whose file groups do not match its buckets is refused.

import { describe, expect, it } from 'vitest';

import { MemoryStore, type ObjectStore } from '@lake/storage';
import {
  BucketLayoutError,
  bucketIdOf,
  bucketOfFileId,
  createTable,
  existingRecordRows,
  openTable,
  rowsToJson,
  rowsToTable,
  type HudiTable,
} from '@lake/core/format';

let counter = 0;
const newStore = () => new MemoryStore(`bucket-index-${process.pid}-${++counter}`);

async function dataFiles(store: ObjectStore): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list('')) {
    const name = o.key.split('/').pop() ?? '';
    if (!o.key.startsWith('.hoodie') && (name.endsWith('.parquet') || /^\..*\.log\./.test(name))) out.push(o.key);
  }
  return out.sort();
}

const fileIdOf = (key: string): string => (key.split('/').pop() ?? '').replace(/^\./, '').split('_')[0];

async function snapshot(t: HudiTable): Promise<Map<string, { v: number; file: string }>> {
  const out = new Map<string, { v: number; file: string }>();
  for await (const batch of t.read({ withMeta: true })) {
    for (const r of rowsToJson(batch)) out.set(String(r.id), { v: Number(r.v), file: String(r._hoodie_file_name) });
  }
  return out;
}

const dtOf = (i: number) => `2026-11-0${1 + (i % 2)}`;
const rows = (ids: number[], v: number) => ids.map((i) => ({ id: `k${i}`, dt: dtOf(i), ts: v, v }));
const range = (n: number, step = 1, from = 0) => Array.from({ length: Math.ceil((n - from) / step) }, (_, j) => from + j * step);

async function bucketTable(store: ObjectStore, type: 'cow' | 'mor', buckets = 4): Promise<HudiTable> {
  return createTable(store, { recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type, index: { kind: 'bucket', buckets } });
}

describe.each(['cow', 'mor'] as const)('bucket index on %s', (type) => {
  it('records the index under Hudi write-config names', async () => {
    const t = await createTable(newStore(), { recordKey: ['id', 'dt'], partitionBy: ['dt'], type, index: { kind: 'bucket', buckets: 8, hashField: 'id' } });
    expect(t.config.raw.get('hoodie.index.type')).toBe('BUCKET');
    expect(t.config.raw.get('hoodie.index.bucket.engine')).toBe('SIMPLE');
    expect(t.config.raw.get('hoodie.bucket.index.num.buckets')).toBe('8');
    expect(t.config.raw.get('hoodie.bucket.index.hash.field')).toBe('id');
  });

  it('routes keys to their bucket file groups and reads no file for upserts and deletes', async () => {
    const store = newStore();
    const t = await bucketTable(store, type);
    const model = new Map<string, number>();
    const first = await t.insert(rows(range(60), 1));
    for (const i of range(60)) model.set(`k${i}`, 1);
    expect(first.inserted).toBe(60);

    // Updates of stored keys and keys never seen, together.
    const up = await t.upsert(rows([...range(60, 4), 100, 101, 102], 2));
    for (const i of [...range(60, 4), 100, 101, 102]) model.set(`k${i}`, 2);
    expect(up.index).toEqual({ filesConsidered: 0, filesRead: 0 });

    const del = await t.delete(range(60, 10, 1).map((i) => ({ id: `k${i}`, dt: dtOf(i) })));
    for (const i of range(60, 10, 1)) model.delete(`k${i}`);
    expect(del.index.filesRead).toBe(0);

    // By key alone: a key inserted into an existing bucket may live only in a log file.
    const byKey = await t.delete(['k100', 'k3']);
    model.delete('k100');
    model.delete('k3');
    expect(byKey.index.filesRead).toBe(0);

    const snap = await snapshot(t);
    expect(new Map([...snap].map(([k, r]) => [k, r.v]))).toEqual(model);
    for (const [key, r] of snap) expect(bucketOfFileId(r.file.replace(/^\./, ''))).toBe(bucketIdOf(key, ['id'], 4));

    // One file group per bucket and partition, numbered as Hudi numbers buckets.
    const groups = new Map<string, Set<string>>();
    for (const f of await dataFiles(store)) {
      const id = fileIdOf(f);
      const bucket = bucketOfFileId(id);
      expect(bucket).toBeLessThan(4);
      const key = `${f.split('/')[0]}/${bucket}`;
      groups.set(key, (groups.get(key) ?? new Set()).add(id));
    }
    for (const ids of groups.values()) expect(ids.size).toBe(1);
    expect(groups.size).toBeLessThanOrEqual(8);
  });

  it('keeps buckets through compaction and refuses clustering', async () => {
    const store = newStore();
    const t = await bucketTable(store, type, 3);
    await t.insert(rows(range(30), 1));
    await t.upsert(rows(range(30, 3), 2));
    const before = new Set((await dataFiles(store)).map(fileIdOf));
    if (type === 'mor') {
      const runs = await t.compact();
      expect(runs.length).toBeGreaterThan(0);
      expect(new Set((await dataFiles(store)).map(fileIdOf))).toEqual(before);
    } else {
      await expect(t.clusterSmallFiles({ smallFileLimitBytes: 1 << 30 })).rejects.toThrow(/bucket index/);
    }
    const snap = await snapshot(t);
    expect(snap.size).toBe(30);
    for (const i of range(30)) expect(snap.get(`k${i}`)?.v).toBe(i % 3 === 0 ? 2 : 1);
  });
});

describe('existing records of a bucket table', () => {
  it('finds keys that live only in a bucket log, and not deleted ones', async () => {
    const store = newStore();
    const t = await bucketTable(store, 'mor', 3);
    await t.insert(rows(range(30), 1));
    const baseFiles = await dataFiles(store);
    // New keys into existing buckets: logged, in no base file.
    await t.upsert(rows([100, 101], 1));
    expect((await dataFiles(store)).filter((f) => f.endsWith('.parquet'))).toEqual(baseFiles);
    await t.delete([{ id: 'k2', dt: dtOf(2) }]);
    const probe = rowsToTable(rows([100, 101, 200, 2, 4], 1));
    expect([...(await existingRecordRows(t, probe))].sort()).toEqual([0, 1, 4]);
  });
});

describe('a table whose file groups do not match its buckets', () => {
  const variants: [string, (id: string) => string][] = [
    ['a file id that is not a bucket number', (id) => `abcdefgh${id.slice(8)}`],
    ['a bucket number beyond the bucket count', (id) => `00000009${id.slice(8)}`],
    ['a second file group for one bucket', (id) => `${id.slice(0, 9)}ffff${id.slice(13)}`],
  ];
  it.each(variants)('is refused, nothing written: %s', async (_, rename) => {
    const store = newStore();
    const t = await bucketTable(store, 'cow');
    await t.insert(rows(range(20), 1));
    const [file] = await dataFiles(store);
    const id = fileIdOf(file);
    await store.put(file.replace(id, rename(id)), await store.get(file));
    const filesBefore = await dataFiles(store);
    const instantsBefore = (await t.timeline()).instants.length;
    // A writer opened after the damage lists the partition (a writer that keeps its listing
    // across commits catches up from commit metadata, which no commit wrote for this file).
    const reopened = await openTable(store);
    // Every key of the write in the damaged partition, so its layout is consulted.
    const err = await reopened.upsert(rows(range(20, 2, file.startsWith(dtOf(0)) ? 0 : 1), 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BucketLayoutError);
    expect((err as BucketLayoutError).code).toBe('BUCKET_LAYOUT');
    expect(await dataFiles(store)).toEqual(filesBefore);
    expect((await t.timeline()).instants.length).toBe(instantsBefore);
  });
});
