// What an erasure reads of a base file with column bloom filters: the search reads the column
// only in row groups whose filter says "maybe" and the record keys only where a row matched;
// the verification skips the column where the filter says "no", records that in the proof, and
// still finds a value left in a file without filters, in a "maybe" row group, or in a key.

import fc from 'fast-check';
import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { readParquetMetadata, writeParquet } from '@lake/parquet';

import { createTable } from '../src/index.js';
import { fingerprintsOf, ValueMatcher, valueHash } from '../src/services/erasure-match.js';
import { newSearchLog, searchBaseFile } from '../src/services/erasure-search.js';
import { verifyFolder } from '../src/services/erasure-verify.js';

let n = 0;
const FILE = 'p/f1_0-1-0_20260101000000000.parquet';

function matcher(values: string[]): ValueMatcher {
  const salt = '0123456789abcdef';
  return new ValueMatcher(salt, new Set(values.map((v) => valueHash(salt, v))), fingerprintsOf(salt, values));
}

/** 120 characters that do not compress. */
function noise(i: number): string {
  let x = (i + 1) * 2654435761;
  let out = '';
  for (let k = 0; k < 120; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += String.fromCharCode(33 + (x >>> 24) % 90);
  }
  return out;
}

/** `rows` rows in 8 row groups, user `u<i>` per row (unique), keys `k<i>`. */
function file(rows: number, bloom: boolean, users = (i: number) => `u${i}`, keys = (i: number) => `k${i}`): Uint8Array {
  const t = new Table({
    _hoodie_record_key: vectorFromArray(Array.from({ length: rows }, (_, i) => keys(i)), new Utf8()),
    id: vectorFromArray(Array.from({ length: rows }, (_, i) => i), new Int32()),
    user_id: vectorFromArray(Array.from({ length: rows }, (_, i) => users(i)), new Utf8()),
    // wide enough that row groups' chunks of user_id lie too far apart to be fetched in one request
    payload: vectorFromArray(Array.from({ length: rows }, (_, i) => noise(i)), new Utf8()),
  });
  return writeParquet(t, { compression: 'snappy', rowGroupSize: rows / 8, ...(bloom ? { bloomFilters: [{ column: 'user_id' }] } : {}) });
}

function chunkBytes(bytes: Uint8Array, column: string, rowGroups: number[]): number {
  const meta = readParquetMetadata(bytes);
  return rowGroups.reduce((s, rg) => s + meta.rowGroups[rg].columns.find((c) => c.name === column)!.compressedSize, 0);
}

describe('erasure reads with column bloom filters', () => {
  it('the search reads the column of "maybe" row groups only, and record keys only of the row group that matched', async () => {
    const store = new MemoryStore(`bloom-reads-${process.pid}-${n++}`);
    const bytes = file(8000, true);
    await store.put(FILE, bytes);
    const log = newSearchLog();
    const found = await searchBaseFile(store, FILE, 'user_id', (v) => v === 'u3500', { values: ['u3500'], statistics: false, bloomFilters: true, log });
    expect(found.keys).toEqual(['k3500']);
    expect(log.rowGroupsSkippedByBloomFilter + log.rowGroupsRead).toBe(8);
    expect(log.rowGroupsSkippedByBloomFilter).toBeGreaterThanOrEqual(6);
    expect(log.filterBytesRead).toBeGreaterThan(0);
    const skipped = log.skipped.flatMap((s) => s.rowGroups);
    const read = [0, 1, 2, 3, 4, 5, 6, 7].filter((rg) => !skipped.includes(rg));
    expect(read).toContain(3);
    const chunks = log.bytesRead - log.footerBytesRead - log.filterBytesRead!;
    // the column chunk of each row group read (row group 3, and a false positive's), the keys of row group 3
    expect(chunks).toBeLessThanOrEqual(chunkBytes(bytes, 'user_id', read) + chunkBytes(bytes, '_hoodie_record_key', [3]) + chunkBytes(bytes, 'id', [3]) + 64);

    // without filters every row group's column is read, and still only row group 3's keys
    const plain = newSearchLog();
    await searchBaseFile(store, FILE, 'user_id', (v) => v === 'u3500', { values: [], statistics: false, bloomFilters: false, log: plain });
    const all = [0, 1, 2, 3, 4, 5, 6, 7];
    expect(plain.bytesRead - plain.footerBytesRead).toBeLessThanOrEqual(chunkBytes(bytes, 'user_id', all) + chunkBytes(bytes, '_hoodie_record_key', [3]) + chunkBytes(bytes, 'id', [3]) + 64);
    expect(plain.bytesRead - plain.footerBytesRead).toBeLessThan(chunkBytes(bytes, 'user_id', all) + chunkBytes(bytes, '_hoodie_record_key', all));
  });

  it('verification skips the column of row groups whose filter says "no", and records it', async () => {
    const store = new MemoryStore(`bloom-reads-${process.pid}-${n++}`);
    await store.put(FILE, file(8000, true));
    const v = await verifyFolder(store, 'user_id', matcher(['u3500']), ['u3500']);
    expect(v.passed).toBe(false);
    expect(v.matches).toBe(1);
    expect(v.search!.rowGroupsSkippedByBloomFilter).toBeGreaterThanOrEqual(6);
    expect(v.search!.skipped.every((s) => s.file === FILE && s.reason === 'bloom-filter' && !s.rowGroups.includes(3))).toBe(true);
    // without the values (a later re-verification) nothing is skipped and nothing is logged
    const again = await verifyFolder(store, 'user_id', matcher(['u3500']));
    expect(again.matches).toBe(1);
    expect(again.search).toBeUndefined();
  });

  it('verification still finds a value in a file without filters, and in a record key of a row group whose filter says "no"', async () => {
    const store = new MemoryStore(`bloom-reads-${process.pid}-${n++}`);
    await store.put(FILE, file(8000, false));
    const noFilter = await verifyFolder(store, 'user_id', matcher(['u10']), ['u10']);
    expect(noFilter).toMatchObject({ passed: false, matches: 1, found: [FILE] });
    expect(noFilter.search!.rowGroupsSkippedByBloomFilter).toBe(0);

    const keyed = new MemoryStore(`bloom-reads-${process.pid}-${n++}`);
    // the user is nowhere in the column, but a key of row group 5 names them
    await keyed.put(FILE, file(8000, true, (i) => `u${i}`, (i) => (i === 5100 ? 'gone-user#7' : `k${i}`)));
    const v = await verifyFolder(keyed, 'user_id', matcher(['gone-user']), ['gone-user']);
    expect(v.search!.skipped.flatMap((s) => s.rowGroups)).toContain(5);
    expect(v).toMatchObject({ passed: false, matches: 1, found: [FILE] });
  });

  it('verification with filters finds exactly what a full read finds, for any rows, keys and values (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c', 'dd', 'e'), { minLength: 8, maxLength: 80 }),
        fc.array(fc.constantFrom('k', 'a#1', 'x', 'dd#2'), { minLength: 8, maxLength: 80 }),
        fc.uniqueArray(fc.constantFrom('a', 'b', 'dd', 'zz'), { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        async (users, keys, values, bloom) => {
          const store = new MemoryStore(`bloom-reads-prop-${process.pid}-${n++}`);
          const rows = 8 * Math.floor(Math.min(users.length, keys.length) / 8);
          await store.put(FILE, file(rows, bloom, (i) => users[i], (i) => `${keys[i]}-${i}`));
          const m = matcher(values);
          const pruned = await verifyFolder(store, 'user_id', m, values);
          const full = await verifyFolder(store, 'user_id', m);
          expect(pruned.matches).toBe(full.matches);
          expect(pruned.found).toEqual(full.found);
          if (!bloom) expect(pruned.search!.rowGroupsSkippedByBloomFilter).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('an erasure of a table with filters records what its verification skipped', async () => {
    const store = new MemoryStore(`bloom-reads-${process.pid}-${n++}`);
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], bloomFilters: ['user_id'] });
    const rows = 4000;
    await t.insert(
      new Table({
        id: vectorFromArray(Array.from({ length: rows }, (_, i) => i), new Int32()),
        user_id: vectorFromArray(Array.from({ length: rows }, (_, i) => (i === 17 ? 'target' : `u${i % 500}`)), new Utf8()),
        dt: vectorFromArray(Array.from({ length: rows }, (_, i) => `d${i % 4}`), new Utf8()),
      }),
    );
    const r = await t.erase({ column: 'user_id', values: ['target'], requestId: 'v1' });
    expect(r.rowsErased).toBe(1);
    expect(r.verification.passed).toBe(true);
    expect(r.verification.search!.rowGroupsSkippedByBloomFilter).toBeGreaterThan(0);
    expect(r.verification.search!.skipped.every((s) => s.reason === 'bloom-filter')).toBe(true);
  });
});
