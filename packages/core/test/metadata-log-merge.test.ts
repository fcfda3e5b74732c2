// Later delta commits of the metadata table merge into the listing: a record in a new log file
// (an Avro data block, as Hudi writes when the metadata table's log block format is Avro) drops a
// file it marks deleted and adds new ones — once its delta commit completed, and not before.

import { MemoryStore } from '@lake/storage';
import { describe, expect, it } from 'vitest';

import { AvroWriter } from '../src/avro/avro-writer.js';
import { CorruptMetadataTableError, UnsupportedFeatureError } from '../src/errors.js';
import { BlockType, HeaderKey } from '../src/log/log-format.js';
import { encodeLogBlock } from '../src/log/log-writer.js';
import { readMetadataFilesPartition } from '../src/metadata-table/files-partition.js';
import { loadFixture } from './fixture-zips.js';

const SCHEMA = {
  type: 'record',
  name: 'HoodieMetadataRecord',
  namespace: 'org.apache.hudi.avro.model',
  fields: [
    { name: 'key', type: 'string' },
    { name: 'type', type: 'int' },
    {
      name: 'filesystemMetadata',
      type: [
        'null',
        {
          type: 'map',
          values: {
            type: 'record',
            name: 'HoodieMetadataFileInfo',
            fields: [
              { name: 'size', type: 'long' },
              { name: 'isDeleted', type: 'boolean' },
            ],
          },
        },
      ],
    },
  ],
};

/** An Avro data block (content version 2: count, then length-prefixed records) of one files record. */
function filesBlock(instant: string, key: string, files: [string, number, boolean][]): Uint8Array {
  const w = new AvroWriter();
  const text = (s: string): void => w.bytes(new TextEncoder().encode(s));
  text(key);
  w.int(2);
  w.long(1); // union branch: the map
  w.long(files.length);
  for (const [name, size, deleted] of files) {
    text(name);
    w.long(size);
    w.boolean(deleted);
  }
  w.long(0);
  const datum = w.slice(0);
  const content = new Uint8Array(12 + datum.length);
  const view = new DataView(content.buffer);
  view.setInt32(0, 2);
  view.setInt32(4, 1);
  view.setInt32(8, datum.length);
  content.set(datum, 12);
  const header = new Map([
    [HeaderKey.INSTANT_TIME, instant],
    [HeaderKey.SCHEMA, JSON.stringify(SCHEMA)],
  ]);
  return encodeLogBlock({ type: BlockType.AVRO_DATA, header, content });
}

let n = 0;
async function fixtureStore(): Promise<MemoryStore> {
  const store = new MemoryStore(`mt-log-merge-${process.pid}-${++n}`);
  for (const [path, bytes] of loadFixture('sample_table/mor/avro/v9_txns_simple_meta.zip')) await store.put(path, bytes);
  return store;
}

/** An instant time after every instant of the metadata table's timeline. */
async function nextInstant(store: MemoryStore): Promise<string> {
  const timeline: string[] = [];
  for await (const o of store.list('.hoodie/metadata/.hoodie/timeline/')) timeline.push(o.key.slice(o.key.lastIndexOf('/') + 1));
  return String(BigInt(timeline.map((name) => name.slice(0, 17)).sort().at(-1)!) + 1000n);
}

describe('metadata table log records', () => {
  it('merge into the listing once their delta commit completed', async () => {
    const store = await fixtureStore();
    const before = (await readMetadataFilesPartition(store))!;
    const partition = before.partitions[0]!;
    const [gone] = [...before.files.get(partition)!][0]!;
    const instant = await nextInstant(store);
    const added = `00000000-aaaa-bbbb-cccc-000000000000-0_0-1-1_${instant}.parquet`;
    await store.put(`.hoodie/metadata/files/.files-0000-0_${instant}.log.1_0-1-1`, filesBlock(instant, partition, [[gone, 0, true], [added, 4242, false]]));
    await store.put(`.hoodie/metadata/.hoodie/timeline/${instant}.deltacommit.requested`, new Uint8Array());
    await store.put(`.hoodie/metadata/.hoodie/timeline/${instant}.deltacommit.inflight`, new Uint8Array());

    // Written but not completed: not part of the listing.
    expect(await readMetadataFilesPartition(store)).toEqual(before);

    await store.put(`.hoodie/metadata/.hoodie/timeline/${instant}_${String(BigInt(instant) + 500n)}.deltacommit`, new Uint8Array());
    const after = (await readMetadataFilesPartition(store))!;
    const want = new Map(before.files.get(partition)!);
    want.delete(gone);
    want.set(added, 4242);
    expect(after.files.get(partition)).toEqual(want);
    for (const p of before.partitions.filter((q) => q !== partition)) expect(after.files.get(p)).toEqual(before.files.get(p));
    expect(after.latestInstant).toBe(instant);
  });

  it('refuses Parquet log blocks of a completed delta commit with UNSUPPORTED_FEATURE', async () => {
    const store = await fixtureStore();
    const instant = await nextInstant(store);
    const header = new Map([[HeaderKey.INSTANT_TIME, instant]]);
    await store.put(`.hoodie/metadata/files/.files-0000-0_${instant}.log.1_0-1-1`, encodeLogBlock({ type: BlockType.PARQUET_DATA, header, content: new Uint8Array(8) }));
    await store.put(`.hoodie/metadata/.hoodie/timeline/${instant}_${String(BigInt(instant) + 500n)}.deltacommit`, new Uint8Array());
    await expect(readMetadataFilesPartition(store)).rejects.toBeInstanceOf(UnsupportedFeatureError);
  });

  it('reports a metadata table named by the table but missing as CORRUPT_METADATA_TABLE', async () => {
    const store = await fixtureStore();
    await store.delete('.hoodie/metadata/.hoodie/hoodie.properties');
    await expect(readMetadataFilesPartition(store)).rejects.toBeInstanceOf(CorruptMetadataTableError);
  });
});
