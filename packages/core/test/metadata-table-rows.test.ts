// Every fixture table lake reads gives the same rows, latest and as of each of its commits,
// whether its files are listed through a metadata table or by listing folders: the tables as
// Spark wrote them (with or without a metadata table), and each with a files partition written
// from its folders (writeFilesPartitionSnapshot), which the latest reads must then list through.

import { MemoryStore } from '@lake/storage';
import { describe, expect, it } from 'vitest';

import { writeFilesPartitionSnapshot } from '../src/metadata-table/files-partition-writer.js';
import { openTable, type HudiTable } from '../src/table/table.js';
import { fixtureZips, loadFixture } from './fixture-zips.js';

let n = 0;
async function storeOf(zip: string): Promise<MemoryStore> {
  const store = new MemoryStore(`mt-rows-${process.pid}-${++n}`);
  for (const [path, bytes] of loadFixture(zip)) await store.put(path, bytes);
  return store;
}

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? [...x] : x)));

async function rows(table: HudiTable, asOf?: string): Promise<unknown[]> {
  const out = (await table.read(asOf === undefined ? {} : { asOf }).collect()).toArray().map((r) => plain(r.toJSON()));
  return out.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** Rows latest and as of every completed write, with the listing source of each read. */
async function readAll(table: HudiTable): Promise<{ rows: unknown[][]; sources: string[] }> {
  const tl = await table.timeline();
  const out: unknown[][] = [];
  const sources: string[] = [];
  for (const asOf of [undefined, ...tl.completedWrites().map((i) => i.time)]) {
    out.push(await rows(table, asOf));
    sources.push(table.lastListing?.source ?? 'none');
  }
  return { rows: out, sources };
}

// The Lance table is refused whichever way it is listed (UnsupportedBaseFileFormatError).
const zips = fixtureZips().filter((z) => !z.includes('lance'));

describe('rows with and without the metadata table', () => {
  it('covers table versions 6, 8 and 9', () => {
    const versions = zips.map((z) => /\/v(\d+)_/.exec(z)?.[1]);
    expect(versions).toContain('6');
    expect(versions).toContain('8');
    expect(versions).toContain('9');
  });

  for (const zip of zips) {
    it(`${zip}: as written`, async () => {
      const store = await storeOf(zip);
      const warnings: unknown[] = [];
      const listed = await readAll(await openTable(store, { useMetadataTable: false }));
      expect(listed.sources.every((s) => s === 'storage')).toBe(true);
      const through = await readAll(await openTable(store, { onWarning: (w) => warnings.push(w) }));
      expect(through.rows).toEqual(listed.rows);
      expect(warnings).toEqual([]);
      const hasFiles = [...loadFixture(zip).keys()].some((k) => k.startsWith('.hoodie/metadata/files/'));
      expect(through.sources[0]).toBe(hasFiles ? 'metadata-table' : 'storage');
    });

    it(`${zip}: with a files partition written from its folders`, async () => {
      const store = await storeOf(zip);
      const listed = await readAll(await openTable(store, { readOptions: { 'hoodie.metadata.enable': 'false' } }));
      await writeFilesPartitionSnapshot(store, { blockSize: 256 });
      const table = await openTable(store);
      const through = await readAll(table);
      expect(through.rows).toEqual(listed.rows);
      // Latest reads list through it; reads before its one instant cannot and list folders.
      expect(through.sources[0]).toBe('metadata-table');
      expect(through.sources.at(-1)).toBe('metadata-table');
      expect((await readAll(await openTable(store, { useMetadataTable: false }))).rows).toEqual(listed.rows);
    });
  }
});
