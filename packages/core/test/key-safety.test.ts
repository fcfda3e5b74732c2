// Keys and partition values through the table API: partition values starting with a dot are
// readable by every reader and table service, `.hoodie` and `.` are refused, lone surrogates are
// refused on writes and deletes, and multi-field keys that would collide are refused on writes.

import { describe, expect, it } from 'vitest';
import { MemoryStore, type ObjectStore } from '@lake/storage';

import {
  InvalidRecordKeyError,
  PartitionPathError,
  createTable,
  openTable,
  rowsToJson,
  type HudiTable,
} from '../src/index.js';

let n = 0;
const newStore = (): MemoryStore => new MemoryStore(`key-safety-${process.pid}-${++n}`);

async function rows(t: HudiTable): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of t.read({ withMeta: true })) out.push(...rowsToJson(b));
  return out.sort((a, b) => String(a._hoodie_record_key).localeCompare(String(b._hoodie_record_key)));
}

async function keysOf(store: ObjectStore): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list('')) out.push(o.key);
  return out.sort();
}

describe('partition values starting with a dot', () => {
  it('are written, read back, erased and verified like any other', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'] });
    await t.upsert([
      { id: 'a', dt: '.2024-05-01', email: 'a@x' },
      { id: 'b', dt: '2024-05-01', email: 'b@x' },
    ]);
    const read = await rows(await openTable(store));
    expect(read.map((r) => [r.id, r._hoodie_partition_path])).toEqual([
      ['a', '.2024-05-01'],
      ['b', '2024-05-01'],
    ]);
    const report = await t.erase({ column: 'email', values: ['a@x'], requestId: 'r1' });
    expect(report.rowsErased).toBe(1);
    expect(report.verification.passed).toBe(true);
    expect((await rows(await openTable(store))).map((r) => r.id)).toEqual(['b']);
    // The purge reached the dot folder: no file there holds the erased value any more.
    expect((await t.verifyErasure('r1')).verification.matches).toBe(0);
  });

  it('merge-on-read: updates, deletes by key and compaction reach the dot partition', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], type: 'mor' });
    await t.upsert([{ id: 'a', dt: '.d', v: 1 }, { id: 'c', dt: '.d', v: 1 }]);
    await t.upsert([{ id: 'a', dt: '.d', v: 2 }]);
    await t.delete(['c']);
    const runs = await t.compact();
    expect(runs.length).toBe(1);
    expect((await rows(await openTable(store))).map((r) => [r.id, r.v])).toEqual([['a', 2]]);
    const cleaned = await t.clean({ policy: { kind: 'commits', retain: 1 }, readerGraceMs: 0 });
    expect(cleaned?.files.get('.d')?.length ?? 0).toBeGreaterThan(0);
    expect((await rows(await openTable(store))).map((r) => [r.id, r.v])).toEqual([['a', 2]]);
  });

  it.each(['.hoodie', '.'])('a partition value "%s" is refused before anything is written', async (dt) => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'] });
    const before = await keysOf(store);
    await expect(t.upsert([{ id: 'a', dt }, { id: 'b', dt: 'ok' }])).rejects.toBeInstanceOf(PartitionPathError);
    expect(await keysOf(store)).toEqual(before);
  });
});

describe('lone surrogates', () => {
  it('in a record key are refused on write, naming the position; nothing is written', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'] });
    const before = await keysOf(store);
    const err = await t.upsert([{ id: 'ok', dt: 'd' }, { id: 'x\uD800', dt: 'd' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRecordKeyError);
    expect((err as InvalidRecordKeyError).row).toBe(1);
    expect((err as Error).message).toContain('position 1');
    expect(await keysOf(store)).toEqual(before);
  });

  it('in a partition value are refused on write', async () => {
    const t = await createTable(newStore(), { recordKey: ['id'], partitionBy: ['dt'] });
    await expect(t.upsert([{ id: 'a', dt: 'd\uDC00' }])).rejects.toBeInstanceOf(PartitionPathError);
  });

  it('are refused on delete, by key and by record, instead of deleting nothing', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'] });
    await t.upsert([{ id: 'a', dt: 'd' }]);
    // the commit's heartbeat and fence are removed on the turn after it is acknowledged
    await new Promise((resolve) => setTimeout(resolve, 0));
    const before = await keysOf(store);
    const byKey = await t.delete(['a', 'b\uD800']).catch((e: unknown) => e);
    expect(byKey).toBeInstanceOf(InvalidRecordKeyError);
    expect((byKey as InvalidRecordKeyError).row).toBe(1);
    await expect(t.delete([{ id: 'b\uD800', dt: 'd' }])).rejects.toBeInstanceOf(InvalidRecordKeyError);
    expect(await keysOf(store)).toEqual(before);
  });
});

describe('multi-field record keys', () => {
  it('values that would make two rows share a key are refused on write; the table keeps both rows apart', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['a', 'b'], partitionBy: ['dt'] });
    await t.upsert([{ a: 'x', b: 'y', dt: 'd', v: 1 }]);
    const err = await t.upsert([{ a: 'x,b:y', b: 'z', dt: 'd', v: 2 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRecordKeyError);
    expect((err as InvalidRecordKeyError).field).toBe('a');
    expect((err as Error).message).toContain('","');
    await expect(t.insert([{ a: '__null__', b: 'z', dt: 'd', v: 2 }])).rejects.toBeInstanceOf(InvalidRecordKeyError);
    expect((await rows(await openTable(store))).map((r) => [r._hoodie_record_key, r.v])).toEqual([['a:x,b:y', 1]]);
  });

  it('colons are fine, and deletes by record still reach keys holding commas', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['a', 'b'], partitionBy: ['dt'] });
    await t.upsert([{ a: '10:00', b: 'y', dt: 'd' }]);
    expect((await rows(await openTable(store))).map((r) => r._hoodie_record_key)).toEqual(['a:10:00,b:y']);
    await t.delete([{ a: '10:00', b: 'y', dt: 'd' }, { a: 'x,y', b: 'z', dt: 'd' }]);
    expect(await rows(await openTable(store))).toEqual([]);
  });
});
