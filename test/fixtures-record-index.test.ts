// Spark-written tables whose metadata table has a record_index partition: the index places every
// stored key in the data partition and file group it is read from (Hudi's hash of the key picks
// the index's file group, and only that one is read), deleted keys are gone from it, and key
// lookups by = and IN skip the file groups it rules out, returning exactly the rows they return
// without the metadata table. A damaged partition is a typed error that names the way around it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { CorruptRecordIndexError, openTable, parseProperties, readRecordIndex, recordIndexFileGroup, rowsToJson, type HudiTable } from '@lake/core/format';
import { scan } from '@lake/query';
import type { ObjectStore } from '@lake/storage';

import { cleanupFixtures, fixture, fixtures, memoryCopy } from './support/fixtures.js';
import { traceRequests } from './support/request-trace.js';
import { V9_STEPS } from './support/v9-txns.js';

afterAll(() => cleanupFixtures());

type Row = Record<string, unknown>;

/** Fixtures whose table lists a record_index partition and whose base files lake reads. */
const withRecordIndex = fixtures().filter((f) => {
  const props = parseProperties(readFileSync(join(f.root, '.hoodie', 'hoodie.properties'), 'utf8'));
  return (props.get('hoodie.table.metadata.partitions') ?? '').split(',').includes('record_index') && !/lance/.test(f.name);
});

let runs = 0;

/** The table over a store that records requests (a new URI each time: no cache carries over). */
async function traced(root: string, useMetadataTable: boolean, store?: ObjectStore): Promise<{ table: HudiTable; requests: () => { method: string; key: string }[] }> {
  const trace = traceRequests(store ?? (await memoryCopy(root)), `memory://record-index-${++runs}`);
  const table = await openTable(trace.store, { useMetadataTable });
  return { table, requests: () => trace.requests };
}

/** GETs of data-table Parquet files: each pruned file is one not fetched. */
function dataFileGets(requests: { method: string; key: string }[]): number {
  return requests.filter((r) => r.method === 'get' && r.key.endsWith('.parquet') && !r.key.startsWith('.hoodie/')).length;
}

async function allRows(table: HudiTable): Promise<Row[]> {
  const out: Row[] = [];
  for await (const b of scan(table).withMeta()) out.push(...(rowsToJson(b) as Iterable<Row>));
  return out;
}

/** The file id in a data file's name: base `<id>_<token>_<instant>.parquet`, log `.<id>_<instant>.log.<n>_<token>`. */
function fileIdOf(fileName: string): string {
  return fileName.replace(/^\./, '').split('_')[0]!;
}

async function query(table: HudiTable, filter: string) {
  const s = scan(table).withMeta().where(filter);
  const rows: string[] = [];
  for await (const b of s) for (const r of rowsToJson(b)) rows.push(JSON.stringify(r));
  return { rows: rows.sort(), stats: s.stats() };
}

/** Keys the fixture's .sql deleted and never wrote again. */
function deletedKeys(id: string): string[] {
  const steps = V9_STEPS[id] ?? [];
  const deleted = new Set<string>();
  for (const step of steps) {
    if (step.kind === 'delete') deleted.add(step.txnId);
    const written = step.kind === 'insert' || step.kind === 'overwritePartition' || step.kind === 'overwriteTable' ? step.rows : [];
    for (const r of written) deleted.delete(r.txn_id);
  }
  return [...deleted];
}

describe('the record_index partition of Spark-written tables', () => {
  it('finds the fixtures with a record index', () => {
    expect(withRecordIndex.map((f) => f.id)).toEqual(
      expect.arrayContaining(['sample_table/cow/v9_txns_simple_meta', 'sample_table/mor/avro/v9_txns_simple_meta', 'sample_table/cow/v9_timebasedkeygen_nonhivestyle']),
    );
  });

  for (const f of withRecordIndex) {
    it(`${f.id}: every stored key is where the index says, and deleted keys are gone`, async () => {
      const table = await openTable(await memoryCopy(f.root), { useMetadataTable: false });
      const rows = await allRows(table);
      expect(rows.length).toBeGreaterThan(0);
      const byKey = new Map<string, Row[]>();
      for (const r of rows) byKey.set(String(r._hoodie_record_key), [...(byKey.get(String(r._hoodie_record_key)) ?? []), r]);
      const gone = deletedKeys(f.id);
      const on = await openTable(await memoryCopy(f.root));
      const index = await readRecordIndex(on.store, on.config, await on.timeline(), [...byKey.keys(), ...gone, 'no-such-key']);
      expect(index).toBeDefined();
      for (const [key, copies] of byKey) {
        // Hudi's `insert` keeps a key inserted twice in two files; the index names the newer copy's
        const newest = copies.reduce((a, b) => (String(b._hoodie_commit_time) > String(a._hoodie_commit_time) ? b : a));
        expect(index!.get(key), `${f.id}: ${key}`).toEqual({ partition: newest._hoodie_partition_path, fileId: fileIdOf(String(newest._hoodie_file_name)) });
      }
      for (const key of gone) expect(index!.has(key), `${f.id}: deleted ${key}`).toBe(false);
      expect(index!.has('no-such-key')).toBe(false);
      expect(index!.size).toBe(byKey.size);
    });

    it(`${f.id}: a key is looked up only in the file group its Java hash picks`, async () => {
      const table = await openTable(await memoryCopy(f.root), { useMetadataTable: false });
      const keys = [...new Set((await allRows(table)).map((r) => String(r._hoodie_record_key)))];
      const listing = await (await memoryCopy(f.root)).listDirectory('.hoodie/metadata/record_index/');
      const groups = new Set(listing.objects.map((o) => /record-index-(\d{4})-0/.exec(o.key)?.[1]).filter(Boolean));
      expect(groups.size).toBe(10);
      for (const key of keys) {
        const t = await traced(f.root, true);
        const found = await readRecordIndex(t.table.store, t.table.config, await t.table.timeline(), [key]);
        expect(found?.has(key), `${f.id}: ${key}`).toBe(true);
        const read = new Set(t.requests().filter((r) => r.method === 'get' && r.key.startsWith('.hoodie/metadata/record_index/')).map((r) => /record-index-(\d{4})-0/.exec(r.key)![1]));
        // found, and no other file group was read: the cell lives in the group the hash names
        expect([...read], `${f.id}: ${key}`).toEqual([String(recordIndexFileGroup(key, 10)).padStart(4, '0')]);
      }
    });
  }
});

describe('key lookups through the record index', () => {
  for (const f of withRecordIndex) {
    it(`${f.id}: = and IN on the record key return the same rows with and without the metadata table`, async () => {
      const off = (await traced(f.root, false)).table;
      const on = (await traced(f.root, true)).table;
      const keys = [...new Set((await allRows(off)).map((r) => String(r._hoodie_record_key)))].sort();
      const filters = [
        ...keys.map((k) => `_hoodie_record_key = '${k}'`),
        ...keys.map((k) => `txn_id = '${k}'`),
        `_hoodie_record_key in ('${keys[0]}', '${keys.at(-1)}', 'no-such-key')`,
        `txn_id in ('${keys[1]}', 'no-such-key')`,
        `_hoodie_record_key = 'no-such-key'`,
      ];
      for (const filter of filters) {
        const a = await query(on, filter);
        const b = await query(off, filter);
        expect(a.rows, `${f.id}: ${filter}`).toEqual(b.rows);
        expect(b.stats.files.prunedByRecordIndex).toBe(0);
      }
    });
  }

  it('a key lookup reads fewer data files with the record index than without', async () => {
    const f = fixture('sample_table/cow/v9_timebasedkeygen_nonhivestyle');
    const on = await traced(f.root, true);
    const off = await traced(f.root, false);
    const filter = "_hoodie_record_key = 'TXN-004'";
    const a = await query(on.table, filter);
    const b = await query(off.table, filter);
    expect(a.rows).toEqual(b.rows);
    expect(a.rows).toHaveLength(1);
    // six file groups, five of which the index rules out before their footers are read
    expect(a.stats.files.total).toBe(6);
    expect(a.stats.files.prunedByRecordIndex).toBe(5);
    expect(dataFileGets(on.requests())).toBeLessThan(dataFileGets(off.requests()));
    expect(dataFileGets(off.requests()) - dataFileGets(on.requests())).toBeGreaterThanOrEqual(5);
  });

  it('IN over several keys keeps the file groups of each, on a merge-on-read table', async () => {
    const f = fixture('sample_table/mor/avro/v9_nonpartitioned_rollback');
    const on = await traced(f.root, true);
    const off = await traced(f.root, false);
    const filter = "txn_id in ('TXN-001', 'TXN-003')";
    const a = await query(on.table, filter);
    const b = await query(off.table, filter);
    expect(a.rows).toEqual(b.rows);
    expect(a.rows).toHaveLength(2);
    expect(a.stats.files.prunedByRecordIndex).toBe(1);
    expect(dataFileGets(on.requests())).toBeLessThan(dataFileGets(off.requests()));
  });

  it('a key Hudi inserted twice is not looked up through the index: both copies are returned', async () => {
    // TXN-001 was inserted by two INSERTs into two file groups; the index names only the newer
    const f = fixture('sample_table/cow/v9_timebasedkeygen_nonhivestyle');
    const a = await query((await traced(f.root, true)).table, "_hoodie_record_key = 'TXN-001'");
    expect(a.rows).toHaveLength(2);
    expect(a.stats.files.prunedByRecordIndex).toBe(0);
  });

  it('after inserts, overwrites and clustering that may have stored a key twice, footers decide', async () => {
    // every file group of these tables was written after their second INSERT: the index alone
    // cannot rule out an older copy of a key, so it prunes nothing and the rows stay the same
    for (const id of ['sample_table/cow/v9_txns_simple_meta', 'sample_table/mor/avro/v9_txns_simple_meta']) {
      const f = fixture(id);
      const a = await query((await traced(f.root, true)).table, "txn_id = 'TXN-001'");
      expect(a.rows).toHaveLength(1);
      expect(a.stats.files.prunedByRecordIndex).toBe(0);
    }
  });

  it('time travel and incremental reads use the index as of the instant read, with the same rows as without it', async () => {
    const f = fixture('sample_table/cow/v9_timebasedkeygen_nonhivestyle');
    const on = (await traced(f.root, true)).table;
    const off = (await traced(f.root, false)).table;
    const writes = (await off.timeline()).completedWrites().map((i) => i.time);
    let pruned = 0;
    for (const [n, at] of writes.entries()) {
      for (const key of ['TXN-001', 'TXN-002', 'TXN-003', 'TXN-004', 'TXN-005']) {
        const filter = `_hoodie_record_key = '${key}'`;
        const rowsOf = async (t: HudiTable, inc: boolean) => {
          const s = (inc ? scan(t).incremental(n === 0 ? undefined : writes[n - 1], at) : scan(t).asOf(at)).withMeta().where(filter);
          const out: string[] = [];
          for await (const b of s) for (const r of rowsToJson(b)) out.push(JSON.stringify(r));
          return { rows: out.sort(), stats: s.stats() };
        };
        for (const inc of [false, true]) {
          const a = await rowsOf(on, inc);
          expect(a.rows, `${at} ${inc ? 'incremental' : 'as of'} ${key}`).toEqual((await rowsOf(off, inc)).rows);
          pruned += a.stats.files.prunedByRecordIndex;
        }
      }
    }
    expect(pruned).toBeGreaterThan(0);
  });
});

describe('a damaged record_index partition', () => {
  const f = fixture('sample_table/cow/v9_timebasedkeygen_nonhivestyle');
  const filter = "_hoodie_record_key = 'TXN-004'";
  const group = String(recordIndexFileGroup('TXN-004', 10)).padStart(4, '0');

  it('a damaged log block is a typed error naming the way to read without the index', async () => {
    const store = await memoryCopy(f.root, (files) => {
      for (const [key, bytes] of files) {
        if (key.includes(`/record_index/.record-index-${group}-0_`) && bytes.length > 1000) {
          const copy = bytes.slice();
          // the middle of the log block: its framing and the HFile inside no longer read
          for (let i = Math.floor(copy.length * 0.3); i < Math.floor(copy.length * 0.6); i++) copy[i] = copy[i]! ^ 0x5a;
          files.set(key, copy);
        }
      }
    });
    const err = await query(await openTable(store), filter).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptRecordIndexError);
    expect((err as CorruptRecordIndexError).code).toBe('CORRUPT_RECORD_INDEX');
    expect((err as Error).message).toMatch(/record_index/);
    expect((err as Error).message).toMatch(/--no-metadata-table/);
    // without the metadata table the same table reads, and finds the key through footers
    const plain = await query(await openTable(store, { useMetadataTable: false }), filter);
    expect(plain.rows).toHaveLength(1);
    // a query that pins no key does not read the index
    expect((await query(await openTable(store), "currency = 'USD'")).rows.length).toBeGreaterThan(0);
  });

  it('damaged bytes inside the HFile of an intact log block are a typed error', async () => {
    const store = await memoryCopy(f.root, (files) => {
      for (const [key, bytes] of files) {
        if (!key.includes(`/record_index/.record-index-${group}-0_`) || bytes.length < 1000) continue;
        const copy = bytes.slice();
        // the first data block of the HFile the log block holds: its cells, not the block's framing
        const at = Buffer.from(copy).indexOf('DATABLK*');
        expect(at).toBeGreaterThan(0);
        for (let i = at + 40; i < at + 80; i++) copy[i] = copy[i]! ^ 0x5a;
        files.set(key, copy);
      }
    });
    const err = await query(await openTable(store), filter).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptRecordIndexError);
    expect((err as Error).message).toMatch(/record_index partition cannot be read/);
  });

  it('a log file cut short inside a committed block is a typed error, not keys silently missing', async () => {
    const store = await memoryCopy(f.root, (files) => {
      for (const [key, bytes] of files) {
        if (key.includes(`/record_index/.record-index-${group}-0_`) && bytes.length > 1000) files.set(key, bytes.subarray(0, Math.floor(bytes.length / 2)));
      }
    });
    const err = await query(await openTable(store), filter).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptRecordIndexError);
    expect((await query(await openTable(store, { useMetadataTable: false }), filter)).rows).toHaveLength(1);
  });

  it('a metadata table behind the data table is not used for key lookups, and the rows stay the same', async () => {
    // the metadata table loses its record of the last data-table write
    const store = await memoryCopy(f.root, (files) => {
      const mtCompleted = [...files.keys()].filter((k) => /^\.hoodie\/metadata\/\.hoodie\/timeline\/\d+_\d+\.deltacommit$/.test(k));
      const dataWrites = [...files.keys()].filter((k) => /^\.hoodie\/timeline\/\d+_\d+\.(commit|deltacommit|replacecommit)$/.test(k)).sort();
      const lastWrite = dataWrites.at(-1)!.slice('.hoodie/timeline/'.length, '.hoodie/timeline/'.length + 17);
      for (const k of mtCompleted) if (k.includes(`/${lastWrite}_`)) files.delete(k);
    });
    const t = await openTable(store);
    expect(await readRecordIndex(t.store, t.config, await t.timeline(), ['TXN-004'])).toBeUndefined();
    const behind = await query(t, filter);
    expect(behind.stats.files.prunedByRecordIndex).toBe(0);
    expect(behind.rows).toEqual((await query(await openTable(store, { useMetadataTable: false }), filter)).rows);
  });

  it('useMetadataTable: false reads no record index', async () => {
    const off = await openTable(await memoryCopy(f.root), { useMetadataTable: false });
    expect(await readRecordIndex(off.store, off.config, await off.timeline(), ['TXN-004'], { useMetadataTable: false })).toBeUndefined();
  });

  it('a record_index still being built is not used', async () => {
    const store = await memoryCopy(f.root, (files) => {
      const props = new TextDecoder().decode(files.get('.hoodie/hoodie.properties')!);
      files.set('.hoodie/hoodie.properties', new TextEncoder().encode(props.replace(/^hoodie\.table\.metadata\.partitions\.inflight=.*$/m, 'hoodie.table.metadata.partitions.inflight=record_index')));
    });
    const t = await openTable(store);
    expect(await readRecordIndex(t.store, t.config, await t.timeline(), ['TXN-004'])).toBeUndefined();
    const a = await query(t, filter);
    expect(a.rows).toHaveLength(1);
    expect(a.stats.files.prunedByRecordIndex).toBe(0);
  });
});
