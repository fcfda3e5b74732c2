// When reads list through the metadata table and when they fall back to listing folders:
// Spark-written metadata tables are used as they are; one out of step with the data table
// (behind it, a files partition still initialising, or damaged) is not, with a typed warning and
// the same rows; and the LIST requests of a read do not grow with the number of partitions.

import { MemoryStore, type ObjectStore } from '@lake/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseProperties, formatProperties } from '../src/config/properties.js';
import { tableConfigFromProperties, TableProps } from '../src/config/table-config.js';
import { MetadataTableUnusableError } from '../src/errors.js';
import { openHFile } from '../src/hfile/hfile-reader.js';
import { writeHFile } from '../src/hfile/hfile-writer.js';
import { writeFilesPartitionSnapshot } from '../src/metadata-table/files-partition-writer.js';
import { tableListing } from '../src/metadata-table/listing-source.js';
import { WRITE_ACTIONS } from '../src/timeline/instant.js';
import { createTable, openTable, type HudiTable } from '../src/index.js';
import { buildFileSystemView, latestFileSlices } from '../src/table/fs-view.js';
import { listPartitions } from '../src/table/partition.js';
import { loadTimeline } from '../src/timeline/timeline.js';
import { allFixtureZips, loadFixture, textOf } from './fixture-zips.js';

let n = 0;
async function storeOf(zip: string): Promise<MemoryStore> {
  const store = new MemoryStore(`mt-source-${process.pid}-${++n}`);
  for (const [path, bytes] of loadFixture(zip)) await store.put(path, bytes);
  return store;
}

/** Rewrites hoodie.properties with `edit` applied (the checksum covers only the table name). */
async function editProperties(store: ObjectStore, edit: (props: Map<string, string>) => void): Promise<void> {
  const props = parseProperties(textOf(await store.get('.hoodie/hoodie.properties')));
  edit(props);
  await store.put('.hoodie/hoodie.properties', new TextEncoder().encode(formatProperties(props)));
}

async function ids(table: HudiTable): Promise<number[]> {
  return (await table.read({ columns: ['id'] }).collect())
    .toArray()
    .map((r) => Number(r.id))
    .sort((a, b) => a - b);
}

/** A lake table of `partitions` partitions with a files partition written from its folders. */
async function tableWithFilesPartition(partitions: number, blockSize?: number): Promise<MemoryStore> {
  const store = new MemoryStore(`mt-source-lake-${process.pid}-${++n}`);
  const t = await createTable(store, { recordKey: ['id'], partitionBy: ['p'] });
  await t.insert(Array.from({ length: partitions }, (_, i) => ({ id: i, p: `p${i}` })));
  await t.upsert([{ id: 0, p: 'p0' }]);
  await writeFilesPartitionSnapshot(store, { blockSize });
  return store;
}

// The Spark-written metadata tables belong to version 9 tables, whose metadata table is laid
// out as version 8's: read with the data table as version 8, they must be usable as written.
const sparkWritten = allFixtureZips().filter((zip) => [...loadFixture(zip).keys()].some((k) => k.startsWith('.hoodie/metadata/files/')));

describe('tableListing', () => {
  for (const zip of sparkWritten) {
    it(`${zip}: lists through the metadata table Spark wrote, as the folders list`, async () => {
      const store = await storeOf(zip);
      const props = parseProperties(textOf(await store.get('.hoodie/hoodie.properties')));
      props.set(TableProps.version, '8');
      const config = tableConfigFromProperties(props);
      const timeline = await loadTimeline(store, config);
      const got = await tableListing(store, config, timeline);
      expect(got.warning).toBeUndefined();
      expect(got.source).toBe('metadata-table');
      const slices = async (listing: Awaited<ReturnType<typeof listPartitions>>): Promise<string[]> =>
        latestFileSlices(await buildFileSystemView(store, timeline, { listing })).map((s) => [s.partitionPath, s.baseFile?.fileName, ...s.logFiles.map((l) => l.fileName)].join(' '));
      expect(await slices(got.listing)).toEqual(await slices(await listPartitions(store)));
      // Without the metadata table's record of the data table's latest instant, it is behind.
      const latest = timeline.completed().filter((i) => WRITE_ACTIONS.has(i.action)).at(-1)!;
      for await (const o of store.list('.hoodie/metadata/.hoodie/')) if (o.key.includes(`/${latest.time}`)) await store.delete(o.key);
      const behind = await tableListing(store, config, await loadTimeline(store, config));
      expect(behind.source).toBe('storage');
      expect(behind.warning?.reason).toBe('behind');
    });
  }

  it('a read as of a time before the first write has no files to list and nothing to warn about', async () => {
    const zip = sparkWritten.find((z) => z.includes('v9_txns_simple_meta'))!;
    const store = await storeOf(zip);
    const props = parseProperties(textOf(await store.get('.hoodie/hoodie.properties')));
    props.set(TableProps.version, '8');
    const config = tableConfigFromProperties(props);
    const timeline = await loadTimeline(store, config);
    const asOf = '20000101000000000';
    // The metadata table, initialised during the first write, has no partition list as of then.
    const got = await tableListing(store, config, timeline, { asOf });
    expect(got.warning).toBeUndefined();
    expect(latestFileSlices(await buildFileSystemView(store, timeline, { asOf, listing: got.listing }))).toEqual([]);
    // As of the first write it is used, without warning.
    const first = timeline.completed().find((i) => WRITE_ACTIONS.has(i.action))!;
    const atFirst = await tableListing(store, config, timeline, { asOf: first.time });
    expect([atFirst.source, atFirst.warning]).toEqual(['metadata-table', undefined]);
  });

  it('does not use a metadata table that missed a later commit, and reads the commit', async () => {
    const store = await tableWithFilesPartition(3);
    // A writer that did not update the metadata table commits (lake itself refuses to).
    await editProperties(store, (p) => p.delete(TableProps.metadataPartitions));
    await (await openTable(store)).insert([{ id: 100, p: 'p9' }]);
    await editProperties(store, (p) => p.set(TableProps.metadataPartitions, 'files'));
    const warnings: MetadataTableUnusableError[] = [];
    const table = await openTable(store, { onWarning: (w) => warnings.push(w) });
    expect(await ids(table)).toEqual([0, 1, 2, 100]);
    expect(table.lastListing?.source).toBe('storage');
    expect(warnings[0]).toBeInstanceOf(MetadataTableUnusableError);
    expect(warnings[0]!.code).toBe('METADATA_TABLE_UNUSABLE');
    expect(warnings[0]!.reason).toBe('behind');
  });

  it('lists folders while the files partition is initialising', async () => {
    const store = await tableWithFilesPartition(2);
    await editProperties(store, (p) => {
      p.set(TableProps.metadataPartitions, '');
      p.set('hoodie.table.metadata.partitions.inflight', 'files');
    });
    const table = await openTable(store);
    expect(await ids(table)).toEqual([0, 1]);
    expect(table.lastListing).toEqual({ source: 'storage' });
    await editProperties(store, (p) => p.set(TableProps.metadataPartitions, 'files'));
    const pending = await openTable(store);
    expect(await ids(pending)).toEqual([0, 1]);
    expect(pending.lastListing?.warning?.reason).toBe('pending');
  });

  it('lists folders when the metadata table is damaged or missing, with the same rows', async () => {
    const store = await tableWithFilesPartition(4);
    expect(await ids(await openTable(store))).toEqual([0, 1, 2, 3]);
    const [hfile] = (await store.listDirectory('.hoodie/metadata/files/')).objects;
    const bytes = await store.get(hfile!.key);
    const damaged = bytes.slice();
    damaged[40] = damaged[40]! ^ 0xff;
    await store.put(hfile!.key, damaged);
    const table = await openTable(store);
    expect(await ids(table)).toEqual([0, 1, 2, 3]);
    expect(table.lastListing?.warning?.reason).toBe('unreadable');
    expect(table.lastListing?.warning?.cause).toMatchObject({ code: 'HFILE_FORMAT' });
    await store.put(hfile!.key, bytes);
    await store.delete('.hoodie/metadata/.hoodie/hoodie.properties');
    const missing = await openTable(store);
    expect(await ids(missing)).toEqual([0, 1, 2, 3]);
    expect(missing.lastListing?.warning).toMatchObject({ reason: 'unreadable' });
  });

  it('gives the same rows whatever byte of the files partition is damaged', async () => {
    const store = await tableWithFilesPartition(6, 64);
    const [hfile] = (await store.listDirectory('.hoodie/metadata/files/')).objects;
    const bytes = await store.get(hfile!.key);
    // The trailer's fields (a short protobuf message at the start of its last 4 KiB) are not
    // checksummed, so half the damage lands there.
    const trailer = bytes.length - 4096;
    const offset = fc.oneof(fc.integer({ min: 0, max: trailer - 1 }), fc.integer({ min: trailer, max: trailer + 96 }));
    await fc.assert(
      fc.asyncProperty(offset, fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const damaged = bytes.slice();
        damaged[at] = damaged[at]! ^ xor;
        await store.put(hfile!.key, damaged);
        const table = await openTable(store);
        expect(await ids(table)).toEqual([0, 1, 2, 3, 4, 5]);
        if (table.lastListing?.source === 'storage') expect(table.lastListing.warning?.reason).toBe('unreadable');
      }),
      { numRuns: Number(process.env.MT_DAMAGE_RUNS ?? 40) },
    );
    await store.put(hfile!.key, bytes);
  });

  it('does not list a partition whose record of files is missing as empty', async () => {
    const store = await tableWithFilesPartition(3);
    const [hfile] = (await store.listDirectory('.hoodie/metadata/files/')).objects;
    const reader = await openHFile(await store.get(hfile!.key));
    const cells: { row: Uint8Array; value: Uint8Array }[] = [];
    for await (const c of reader.cells()) cells.push(c);
    const dropped = cells.filter((c) => new TextDecoder().decode(c.row) !== 'p2');
    expect(dropped.length).toBe(cells.length - 1);
    await store.put(hfile!.key, writeHFile(dropped, { fileInfo: new Map([...reader.fileInfo].filter(([k]) => !k.startsWith('hfile.'))) }));
    const table = await openTable(store);
    expect(await ids(table)).toEqual([0, 1, 2]);
    expect(table.lastListing?.warning?.cause).toMatchObject({ code: 'CORRUPT_METADATA_TABLE' });
  });

  it('is turned off by useMetadataTable: false or hoodie.metadata.enable=false, and refuses other values', async () => {
    const store = await tableWithFilesPartition(2);
    for (const options of [{ useMetadataTable: false }, { readOptions: { 'hoodie.metadata.enable': 'false' } }]) {
      const table = await openTable(store, options);
      expect(await ids(table)).toEqual([0, 1]);
      expect(table.lastListing).toEqual({ source: 'storage' });
    }
    const on = await openTable(store, { readOptions: { 'hoodie.metadata.enable': 'true' } });
    await on.fileSlices();
    expect(on.lastListing).toEqual({ source: 'metadata-table' });
    await expect(openTable(store, { readOptions: { 'hoodie.metadata.enable': 'yes' } })).rejects.toMatchObject({ code: 'INVALID_READ_OPTION' });
  });

  it('makes as many LIST requests for 40 partitions as for 4', async () => {
    const lists = async (partitions: number, useMetadataTable: boolean): Promise<number> => {
      const store = await tableWithFilesPartition(partitions);
      const table = await openTable(store, { useMetadataTable });
      const before = store.requests.LIST;
      expect((await ids(table)).length).toBe(partitions);
      return store.requests.LIST - before;
    };
    expect(await lists(40, true)).toBe(await lists(4, true));
    expect(await lists(40, false)).toBeGreaterThanOrEqual((await lists(4, false)) + 36);
  });
});
