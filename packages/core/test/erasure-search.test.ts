// Erasure search through Parquet bloom filters: a user spread over every partition defeats
// min/max statistics, but the filters let the search, and the verification, skip the files
// that do not hold the user (the verification still reads their record keys); the rows found are the same as a full read finds.

import fc from 'fast-check';
import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { writeParquet } from '@lake/parquet';

import { createTable, type HudiTable } from '../src/index.js';
import { newSearchLog, searchBaseFile } from '../src/services/erasure-search.js';

let n = 0;
const DAYS = 10;

/** 2 000 events over 10 days, users u000..u199 each on every day; 'u150x' only on days 3 and 7. */
function events(): Table {
  const ids: number[] = [];
  const users: string[] = [];
  const days: string[] = [];
  for (let i = 0; i < 2000; i++) {
    ids.push(i);
    users.push(`u${String(i % 200).padStart(3, '0')}`);
    days.push(`2026-11-${String(1 + (i % DAYS)).padStart(2, '0')}`);
  }
  for (const d of [3, 7]) {
    ids.push(ids.length);
    users.push('u150x');
    days.push(`2026-11-${String(d).padStart(2, '0')}`);
  }
  return new Table({
    id: vectorFromArray(ids, new Int32()),
    user_id: vectorFromArray(users, new Utf8()),
    dt: vectorFromArray(days, new Utf8()),
  });
}

async function table(bloom: boolean): Promise<HudiTable> {
  const store = new MemoryStore(`erasure-search-${process.pid}-${n++}`);
  const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], ...(bloom ? { bloomFilters: ['user_id'] } : {}) });
  await t.insert(events());
  return t;
}

describe('erasure search with bloom filters', () => {
  it('reads only the files whose filter may hold the user, and erases the same rows as a full read', async () => {
    const withFilters = await table(true);
    const without = await table(false);
    const a = await withFilters.erase({ column: 'user_id', values: ['u150x'], requestId: 'r1' });
    const b = await without.erase({ column: 'user_id', values: ['u150x'], requestId: 'r1' });
    expect(a.rowsErased).toBe(2);
    expect(b.rowsErased).toBe(2);
    expect(a.verification).toMatchObject({ passed: true, matches: 0 });

    // without filters every day's file is read (min/max cannot rule u150x out)
    expect(b.search!.rowGroupsSkippedByBloomFilter).toBe(0);
    expect(b.search!.rowGroupsRead).toBeGreaterThanOrEqual(DAYS);
    // with them, the search of the snapshot reads the two files that hold the user (a false
    // positive at fpp 0.01 could add one)
    expect(a.search!.rowGroupsSkippedByBloomFilter).toBeGreaterThanOrEqual(DAYS - 3);
    expect(a.search!.bytesRead).toBeLessThan(b.search!.bytesRead);
    expect(a.search!.skipped.every((s) => s.reason === 'bloom-filter' || s.reason === 'statistics')).toBe(true);

    // the verification opens every data file: it skips the column where the filter says "no",
    // but reads record keys everywhere (a filter on the column says nothing about them)
    expect(a.verification.filesScanned).toBeGreaterThanOrEqual(DAYS);
    expect(a.verification.search!.rowGroupsSkippedByBloomFilter).toBeGreaterThanOrEqual(DAYS - 3);
    expect(b.verification.search!.rowGroupsSkippedByBloomFilter).toBe(0);

    const left = async (t: HudiTable) => (await t.read({ columns: ['user_id'] }).collect()).getChild('user_id')!.toArray() as string[];
    expect((await left(withFilters)).sort()).toEqual((await left(without)).sort());
    expect(await left(withFilters)).not.toContain('u150x');

    // a later verification finds nothing either
    const again = await withFilters.verifyErasure('r1');
    expect(again.verification.passed).toBe(true);
  });

  it('a dry run reports the bytes the search read and the files and bytes it would rewrite, and changes nothing', async () => {
    const t = await table(true);
    const before = await t.fileSlices();
    const r = await t.erase({ column: 'user_id', values: ['u150x'], dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.rowsErased).toBe(2);
    const holders = before.filter((s) => s.partitionPath.endsWith('03') || s.partitionPath.endsWith('07'));
    expect(r.plannedRewrites!.files.sort()).toEqual(holders.map((s) => s.baseFile!.path).sort());
    expect(r.plannedRewrites!.bytes).toBe(holders.reduce((n, s) => n + s.baseFile!.size!, 0));
    expect(r.plannedRewrites!.fileGroups).toBe(holders.length);
    expect(r.search!.bytesRead).toBeGreaterThan(0);
    expect(await t.fileSlices()).toEqual(before);
  });

  it('purges the replaced files the search found the user in without reading them again', async () => {
    const t = await table(true);
    const dry = await t.erase({ column: 'user_id', values: ['u150x'], dryRun: true });
    const r = await t.erase({ column: 'user_id', values: ['u150x'], requestId: 'purge' });
    expect(r.filesPurged.length).toBe(2);
    // the search log also counts the purge's reads: it read nothing beyond the snapshot's search
    expect(r.search!.filesOpened).toBe(dry.search!.filesOpened);
    expect(r.search!.bytesRead).toBe(dry.search!.bytesRead);
    expect(r.verification).toMatchObject({ passed: true, matches: 0 });
  });

  it('erasing many ids rewrites each affected file group once, in one commit', async () => {
    const t = await table(true);
    const ids = Array.from({ length: 1000 }, (_, i) => (i < 20 ? `u${String(i).padStart(3, '0')}` : `absent-${i}`));
    const r = await t.erase({ column: 'user_id', values: ids, requestId: 'many' });
    expect(r.rowsErased).toBe(20 * 10);
    // one delete commit (plus the purge's clean)
    expect(r.instants.length).toBe(r.filesPurged.length > 0 ? 2 : 1);
    const groups = r.filesRewritten.map((p) => p.slice(0, p.lastIndexOf('_', p.lastIndexOf('_') - 1)));
    expect(new Set(groups).size).toBe(groups.length);
    expect(groups.length).toBe(DAYS);
  });

  it('probes integer columns with ids given as text', async () => {
    const store = new MemoryStore(`erasure-search-${process.pid}-${n++}`);
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], bloomFilters: ['account'] });
    const rows = 400;
    await t.insert(
      new Table({
        id: vectorFromArray(Array.from({ length: rows }, (_, i) => i), new Int32()),
        account: vectorFromArray(Array.from({ length: rows }, (_, i) => (i === 5 ? 999_999 : i % 50)), new Int32()),
        dt: vectorFromArray(Array.from({ length: rows }, (_, i) => `d${i % 4}`), new Utf8()),
      }),
    );
    const r = await t.erase({ column: 'account', values: ['999999'], requestId: 'acct' });
    expect(r.rowsErased).toBe(1);
    expect(r.search!.rowGroupsSkippedByBloomFilter).toBeGreaterThanOrEqual(2);
  });

  it('finds exactly the rows a full read finds, for any rows, row group size and values (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c', 'dd', 'e', 'f', 'g', 'h'), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 40 }),
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'dd', 'e', 'f', 'g', 'h', 'zz'), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (users, rowGroupSize, values, statistics) => {
          const store = new MemoryStore(`erasure-search-prop-${process.pid}-${n++}`);
          const t = new Table({
            _hoodie_record_key: vectorFromArray(users.map((_, i) => `k${i}`), new Utf8()),
            user_id: vectorFromArray(users, new Utf8()),
          });
          await store.put('f1_0-1-0_20260101000000000.parquet', writeParquet(t, { rowGroupSize, compression: 'snappy', bloomFilters: [{ column: 'user_id', ndv: 2 }] }));
          const wanted = (v: unknown) => (values as string[]).includes(v as string);
          const log = newSearchLog();
          const found = await searchBaseFile(store, 'f1_0-1-0_20260101000000000.parquet', 'user_id', wanted, { values, statistics, bloomFilters: true, log });
          const full = await searchBaseFile(store, 'f1_0-1-0_20260101000000000.parquet', 'user_id', wanted, { values: [], statistics: false, bloomFilters: false });
          const expected = users.flatMap((u, i) => ((values as string[]).includes(u) ? [`k${i}`] : []));
          expect(found.keys).toEqual(expected);
          expect(full.keys).toEqual(expected);
          expect(log.rowGroupsRead + log.rowGroupsSkippedByBloomFilter + log.rowGroupsSkippedByStatistics).toBe(Math.ceil(users.length / rowGroupSize));
          // a row group holding none of the values and ruled out by nothing else is read only on a false positive
          expect(found.skipped).toBe(log.rowGroupsRead === 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
