// The codec of written Parquet: Snappy by default, the table's hoodie.parquet.compression.codec
// when set, the write's option above both; base files, log blocks and compacted files alike.

import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@lake/storage';
import { byteSourceFromStore, openParquet } from '@lake/parquet';

import { createTable, openTable, type HudiTable } from '../src/index.js';

let n = 0;
const rows = (from: number, count: number) =>
  tableFromArrays({ id: Int32Array.from({ length: count }, (_, i) => from + i), v: Float64Array.from({ length: count }, (_, i) => i) });

async function codecs(t: HudiTable, store: MemoryStore): Promise<Set<string>> {
  const out = new Set<string>();
  for (const slice of await t.fileSlices()) {
    if (!slice.baseFile) continue;
    const reader = await openParquet(await byteSourceFromStore(store, slice.baseFile.path), { name: slice.baseFile.path });
    for (const rg of reader.metadata.rowGroups) for (const c of rg.columns) out.add(c.codec);
  }
  return out;
}

describe('compression of written files', () => {
  it('writes Snappy unless the table or the write says otherwise', async () => {
    const store = new MemoryStore(`compression-${process.pid}-${n++}`);
    const t = await createTable(store, { recordKey: ['id'] });
    await t.insert(rows(0, 100));
    expect(await codecs(t, store)).toEqual(new Set(['SNAPPY']));
    await t.upsert(rows(50, 100), { compression: 'gzip' });
    expect(await codecs(t, store)).toEqual(new Set(['GZIP']));
  });

  it('follows hoodie.parquet.compression.codec, through compaction too', async () => {
    const store = new MemoryStore(`compression-${process.pid}-${n++}`);
    const t = await createTable(store, { recordKey: ['id'], type: 'mor', properties: { 'hoodie.parquet.compression.codec': 'zstd' } });
    await t.insert(rows(0, 100));
    await t.upsert(rows(0, 10));
    await t.compact();
    expect(await codecs(t, store)).toEqual(new Set(['ZSTD']));
  });

  it('refuses a codec it cannot write, before writing anything', async () => {
    const store = new MemoryStore(`compression-${process.pid}-${n++}`);
    await createTable(store, { recordKey: ['id'], properties: { 'hoodie.parquet.compression.codec': 'lzo' } });
    const t = await openTable(store);
    await expect(t.insert(rows(0, 10))).rejects.toMatchObject({ code: 'INVALID_TABLE_CONFIG', message: expect.stringMatching(/lzo.*snappy, zstd, gzip/) });
    expect(await t.fileSlices()).toEqual([]);
  });
});
