// Bad input and failures during copy-on-write writes: each gets a typed error, and the table stays
// readable with the content it had. Also two writers racing on the same or on disjoint file groups.

import { describe, expect, it } from 'vitest';
import { clearCommitMetadataCache } from '@lake/core/format';

import { FaultyStore, LakeError, MemoryStore, type ObjectStore, type StoreOperation } from '@lake/storage';
import {
  ConflictError,
  CorruptTimelineError,
  MissingBaseFileError,
  NullRecordKeyError,
  SchemaMismatchError,
  createTable,
  openTable,
  rowsToJson,
  rowsToTable,
  type HudiTable,
} from '@lake/core';

let counter = 0;
const storeName = () => `cow-errors-${process.pid}-${++counter}`;

type Json = Record<string, unknown>;

async function snapshot(t: HudiTable): Promise<Json[]> {
  const table = await t.read().collect();
  return table.batches.flatMap((b) => [...rowsToJson(b)] as Json[]).sort((a, b) => Number(a.id) - Number(b.id));
}

async function completed(t: HudiTable): Promise<string[]> {
  return (await t.timeline()).completed().map((i) => `${i.time}.${i.action}`);
}

async function keysIn(store: ObjectStore): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list('')) out.push(o.key);
  return out.sort();
}

/** A table with two commits over three partitions. */
async function seeded(store: ObjectStore = new MemoryStore(storeName())): Promise<HudiTable> {
  const t = await createTable(store, { name: 'errs', recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts' });
  await t.insert([1, 2, 3, 4, 5].map((id) => ({ id, dt: `d${id % 3}`, ts: 1, v: `v${id}` })));
  await t.upsert([{ id: 2, dt: 'd2', ts: 2, v: 'v2b' }, { id: 6, dt: 'd0', ts: 1, v: 'v6' }]);
  return t;
}

/** Runs `write`, expects it to fail, and checks that nothing about the table changed. */
async function failsCleanly(t: HudiTable, write: () => Promise<unknown>): Promise<unknown> {
  const before = await snapshot(t);
  const instants = await completed(t);
  const error = await write().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the write should have failed').toBeDefined();
  expect(error).toBeInstanceOf(LakeError);
  const reopened = await openTable(t.store);
  expect(await completed(reopened)).toEqual(instants);
  expect(await snapshot(reopened)).toEqual(before);
  return error;
}

describe('bad input gets typed errors and leaves the table as it was', () => {
  it('rejects an unknown record key column', async () => {
    const t = await seeded();
    const other = await createTable(new MemoryStore(storeName()), { name: 'k2', recordKey: ['nope'], partitionBy: ['dt'] });
    const error = await failsCleanly(other, () => other.insert([{ id: 1, dt: 'd1', ts: 1, v: 'a' }]));
    expect(String((error as Error).message)).toContain('nope');
    // The same for a key the write does not carry on an existing table.
    await failsCleanly(t, () => t.upsert([{ dt: 'd1', ts: 5, v: 'x' }]));
  });

  it('rejects a null record key', async () => {
    const t = await seeded();
    const error = await failsCleanly(t, () => t.upsert([{ id: 7, dt: 'd1', ts: 1, v: 'a' }, { id: null, dt: 'd1', ts: 1, v: 'b' }]));
    expect(error).toBeInstanceOf(NullRecordKeyError);
  });

  it('rejects a column whose type conflicts with the table, naming it', async () => {
    const t = await seeded();
    const arrow = rowsToTable([{ id: 7, dt: 'd1', ts: 'late', v: 'a' }]);
    const error = await failsCleanly(t, () => t.upsert(arrow));
    expect(error).toBeInstanceOf(SchemaMismatchError);
    expect((error as SchemaMismatchError).column).toBe('ts');
    expect((error as Error).message).toContain('"ts"');
    // Plain rows are converted with the table's schema: the same mistake, named the same way.
    const rowsError = await failsCleanly(t, () => t.upsert([{ id: 7, dt: 'd1', ts: 'late', v: 'a' }]));
    expect((rowsError as Error).message).toContain('ts');
  });

  it('rejects an unknown column in rows input', async () => {
    const t = await seeded();
    const error = await failsCleanly(t, () => t.upsert([{ id: 7, dt: 'd1', ts: 1, v: 'a', surprise: 1 }]));
    expect((error as Error).message).toContain('surprise');
  });
});

describe('damaged tables fail reads with typed errors', () => {
  it('a corrupt commit file -> CorruptTimelineError', async () => {
    const t = await seeded();
    const last = (await t.timeline()).completed().at(-1)!;
    await t.store.put(`.hoodie/${last.time}.commit`, new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x7b, 0x00]));
    // Damaged behind this process's back: a reader in a new process (nothing cached) finds it.
    clearCommitMetadataCache();
    await expect(openTable(t.store).then((x) => x.read().collect())).rejects.toBeInstanceOf(CorruptTimelineError);
  });

  it('a base file gone between listing and reading -> MissingBaseFileError', async () => {
    const t = await seeded();
    const before = await snapshot(t);
    const latest = (await t.fileSlices()).find((s) => s.partitionPath === 'd2')!.baseFile!.path;
    const stream = t.read();
    await stream.schema(); // the file listing is done
    const bytes = await t.store.get(latest);
    await t.store.delete(latest);
    const error = await stream.collect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingBaseFileError);
    expect((error as Error).message).toContain(latest.slice(latest.lastIndexOf('/') + 1));
    // Put back, the table reads as before.
    await t.store.put(latest, bytes);
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('a store failing mid-write', () => {
  const ops: StoreOperation[] = ['put', 'putIfAbsent'];
  for (const op of ops) {
    it(`fails the write at every ${op} and leaves the table unchanged and writable`, async () => {
      const name = storeName();
      await seeded(new MemoryStore(name));
      // Count the calls of a clean write of the same shape, then fail each in turn.
      const write = (t: HudiTable) => t.upsert([{ id: 1, dt: 'd1', ts: 9, v: 'new' }, { id: 8, dt: 'd2', ts: 1, v: 'v8' }]);
      let calls = 0;
      const probe = new MemoryStore(storeName());
      await seeded(probe);
      await write(await openTable(new FaultyStore(probe, { failOn: (o) => (o === op && calls++, false) })));
      expect(calls).toBeGreaterThan(0);
      for (let n = 1; n <= calls; n++) {
        const faulty = new FaultyStore(new MemoryStore(name));
        const t = await openTable(faulty);
        let seen = 0;
        faulty.rule = { failOn: (o) => o === op && ++seen === n };
        await failsCleanly(t, () => write(t));
        expect(faulty.injected, `${op} #${n}`).toBe(1);
      }
      // Afterwards the table takes the same write.
      const t = await openTable(new MemoryStore(name));
      await write(t);
      const rows = await snapshot(t);
      expect(rows.map((r) => [r.id, r.v])).toEqual([[1, 'new'], [2, 'v2b'], [3, 'v3'], [4, 'v4'], [5, 'v5'], [6, 'v6'], [8, 'v8']]);
    });
  }
});

/**
 * Opens the same named MemoryStore once per writer, holding every writer's first base-file put
 * until all of them got there, so all of them planned their writes against the same timeline.
 */
function racingStores(name: string, writers: number): ObjectStore[] {
  let arrived = 0;
  let release!: () => void;
  const barrier = new Promise<void>((resolve) => (release = resolve));
  return Array.from({ length: writers }, () => {
    const inner = new MemoryStore(name);
    let waited = false;
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'put') {
          return async (key: string, data: Uint8Array) => {
            if (!waited && key.endsWith('.parquet')) {
              waited = true;
              if (++arrived === writers) release();
              await barrier;
            }
            return target.put(key, data);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  });
}

describe('two writers racing', () => {
  it('on the same key: exactly one wins, the other gets ConflictError and leaves no trace', async () => {
    const name = storeName();
    const t0 = await seeded(new MemoryStore(name));
    const before = await completed(t0);
    const [a, b] = await Promise.all(racingStores(name, 2).map((s) => openTable(s)));
    const results = await Promise.allSettled([
      a.upsert([{ id: 1, dt: 'd1', ts: 5, v: 'from-a' }]),
      b.upsert([{ id: 1, dt: 'd1', ts: 5, v: 'from-b' }]),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(ConflictError);
    expect((lost[0].reason as ConflictError).code).toBe('WRITE_CONFLICT');
    const winner = results[0].status === 'fulfilled' ? 'from-a' : 'from-b';

    const t = await openTable(new MemoryStore(name));
    const after = await completed(t);
    expect(after).toHaveLength(before.length + 1);
    const rows = await snapshot(t);
    expect(rows.find((r) => r.id === 1)!.v).toBe(winner);
    expect(rows).toHaveLength(6);
    // No base file of the loser remains.
    const times = new Set(after.map((x) => x.slice(0, 17)));
    const parquet = (await keysIn(t.store)).filter((k) => k.endsWith('.parquet'));
    for (const k of parquet) expect(times.has(/_(\d{17})\.parquet$/.exec(k)![1]), k).toBe(true);
    const loser = (lost[0].reason as ConflictError).instant;
    expect((await keysIn(t.store)).filter((k) => k.includes(loser) && !k.startsWith('.hoodie/.aux/'))).toEqual([]);
  });

  it('on disjoint partitions: both commit', async () => {
    const name = storeName();
    const t0 = await seeded(new MemoryStore(name));
    const before = await completed(t0);
    const [a, b] = await Promise.all(racingStores(name, 2).map((s) => openTable(s)));
    const [ra, rb] = await Promise.all([
      a.upsert([{ id: 1, dt: 'd1', ts: 5, v: 'from-a' }]),
      b.upsert([{ id: 2, dt: 'd2', ts: 5, v: 'from-b' }]),
    ]);
    expect(ra.instant).not.toBe(rb.instant);
    const t = await openTable(new MemoryStore(name));
    expect(await completed(t)).toHaveLength(before.length + 2);
    const rows = await snapshot(t);
    expect(rows.map((r) => [r.id, r.v])).toEqual([[1, 'from-a'], [2, 'from-b'], [3, 'v3'], [4, 'v4'], [5, 'v5'], [6, 'v6']]);
  });
});
