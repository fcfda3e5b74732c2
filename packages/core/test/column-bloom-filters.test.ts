// Parquet bloom filters on chosen columns: set at table creation (parquet-mr's property names),
// carried by every Parquet file lake writes — base files, Parquet log blocks, compacted,
// clustered and erasure-rewritten files — and checked with hyparquet's own SBBF code.

import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { hashParquetValue, readBloomFilter, sbbfContains } from 'hyparquet/src/bloom.js';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';

import { BlockType, createTable, openTable, readLogBlocks, tableBloomFilterColumns, type HudiTable } from '../src/format.js';

let n = 0;
const newStore = () => new MemoryStore(`column-bloom-${process.pid}-${n++}`);

function events(from: number, count: number, user: (i: number) => string = (i) => `u${i % 37}`): Table {
  return new Table({
    id: vectorFromArray(Array.from({ length: count }, (_, i) => from + i), new Int32()),
    user_id: vectorFromArray(Array.from({ length: count }, (_, i) => user(from + i)), new Utf8()),
    dt: vectorFromArray(Array.from({ length: count }, (_, i) => `2026-11-0${1 + ((from + i) % 3)}`), new Utf8()),
  });
}

/** For each row group of a Parquet file: undefined without a user_id filter, else whether it may hold `value`. */
function probe(file: Uint8Array, value: string): (boolean | undefined)[] {
  const md = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
  const element = md.schema.find((e) => e.name === 'user_id')!;
  return md.row_groups.map((rg) => {
    const chunk = rg.columns.find((c) => c.meta_data!.path_in_schema.join('.') === 'user_id')!;
    if (!chunk.meta_data!.bloom_filter_offset) return undefined;
    const filter = readBloomFilter({ view: new DataView(file.buffer, file.byteOffset, file.byteLength), offset: Number(chunk.meta_data!.bloom_filter_offset) })!;
    return sbbfContains(filter.blocks, hashParquetValue(value, element)!);
  });
}

/** Every Parquet file of the latest snapshot: base files and the Parquet blocks of log files. */
async function snapshotParquet(t: HudiTable, store: MemoryStore): Promise<{ path: string; bytes: Uint8Array }[]> {
  const out: { path: string; bytes: Uint8Array }[] = [];
  for (const slice of await t.fileSlices()) {
    if (slice.baseFile) out.push({ path: slice.baseFile.path, bytes: await store.get(slice.baseFile.path) });
    for (const log of slice.logFiles) {
      for (const block of readLogBlocks(await store.get(log.path)).blocks) {
        if (block.type === BlockType.PARQUET_DATA) out.push({ path: log.path, bytes: block.content });
      }
    }
  }
  return out;
}

describe('column bloom filters', () => {
  it('createTable stores them as parquet.bloom.filter.* properties, and writes, compaction and erasure carry them', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], partitionBy: ['dt'], type: 'mor', bloomFilters: [{ column: 'user_id', fpp: 0.05 }] });
    const props = new TextDecoder().decode(await store.get('.hoodie/hoodie.properties'));
    // hoodie.properties is a Java properties file: '#' in a key is escaped
    expect(props).toMatch(/^parquet\.bloom\.filter\.enabled\\#user_id=true$/m);
    expect(props).toMatch(/^parquet\.bloom\.filter\.fpp\\#user_id=0\.05$/m);
    expect(tableBloomFilterColumns(t.config.raw)).toEqual([{ column: 'user_id', fpp: 0.05 }]);

    await t.insert(events(0, 600));
    await t.upsert(events(0, 30, () => 'late-user'));
    const written = await snapshotParquet(t, store);
    expect(written.some((f) => f.path.includes('.log.'))).toBe(true);
    for (const f of written) {
      expect(probe(f.bytes, 'u5').every((p) => p !== undefined)).toBe(true);
      expect(probe(f.bytes, 'nobody')).toEqual(probe(f.bytes, 'nobody').map(() => false));
    }
    // the log blocks hold late-user; base files (written before) cannot
    expect(written.filter((f) => f.path.includes('.log.')).every((f) => probe(f.bytes, 'late-user').every(Boolean))).toBe(true);

    await t.compact();
    const compacted = await snapshotParquet(t, store);
    expect(compacted.every((f) => !f.path.includes('.log.'))).toBe(true);
    expect(compacted.some((f) => probe(f.bytes, 'late-user').some(Boolean))).toBe(true);

    const erased = await t.erase({ column: 'user_id', values: ['late-user'], requestId: 'r1' });
    expect(erased.rowsErased).toBe(30);
    const after = await snapshotParquet(t, store);
    expect(after.length).toBeGreaterThan(0);
    for (const f of after) {
      expect(probe(f.bytes, 'u5').every((p) => p === true)).toBe(true);
      // rewritten files no longer hold the erased user (a false positive is possible, so only where the filter is not full)
      expect(probe(f.bytes, 'late-user').every((p) => p !== undefined)).toBe(true);
    }
  });

  it('clustering writes them too', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'], bloomFilters: ['user_id'] });
    for (let k = 0; k < 4; k++) await t.insert(events(k * 50, 50), { sizing: { smallFileLimitBytes: 0 } });
    const run = await t.clusterSmallFiles();
    expect(run).toBeDefined();
    const files = await snapshotParquet(t, store);
    expect(files).toHaveLength(1);
    expect(probe(files[0].bytes, 'u3')).toEqual([true]);
    expect(probe(files[0].bytes, 'nobody')).toEqual([false]);
  });

  it('a table without the properties writes no filters', async () => {
    const store = newStore();
    const t = await createTable(store, { recordKey: ['id'] });
    await t.insert(events(0, 50));
    for (const f of await snapshotParquet(t, store)) expect(probe(f.bytes, 'u1')).toEqual([undefined]);
  });

  it('refuses malformed properties and unknown columns with INVALID_TABLE_CONFIG', async () => {
    const store = newStore();
    await createTable(store, { recordKey: ['id'], properties: { 'parquet.bloom.filter.enabled#user_id': 'yes' } });
    const t = await openTable(store);
    await expect(t.insert(events(0, 5))).rejects.toMatchObject({ code: 'INVALID_TABLE_CONFIG', message: expect.stringMatching(/true or false/) });
    expect(() => tableBloomFilterColumns(new Map([['parquet.bloom.filter.enabled#a', 'true'], ['parquet.bloom.filter.fpp#a', '2']]))).toThrow(/between 0 and 1/);
    expect(tableBloomFilterColumns(new Map([['parquet.bloom.filter.enabled#a', 'false']]))).toEqual([]);
    const schema = events(0, 1).schema;
    await expect(createTable(newStore(), { recordKey: ['id'], schema, bloomFilters: ['nope'] })).rejects.toMatchObject({ code: 'INVALID_TABLE_CONFIG' });
  });
});
