// The metadata table's `files` partition of every Spark-written fixture table that has one lists
// what the table's folders hold: the same partitions, the same latest file slices when the
// file-system view is built from it instead of from a folder listing, and the files' real sizes.

import { MemoryStore, type ObjectStore } from '@lake/storage';
import { describe, expect, it } from 'vitest';

import { parseProperties } from '../src/config/properties.js';
import { tableConfigFromProperties, TableProps } from '../src/config/table-config.js';
import { readMetadataFilesPartition, type MetadataFilesListing } from '../src/metadata-table/files-partition.js';
import { listPartitionsFromMetadataTable } from '../src/metadata-table/metadata-listing.js';
import { buildFileSystemView, latestFileSlices, type FileSystemView } from '../src/table/fs-view.js';
import type { PartitionListing } from '../src/table/partition.js';
import { loadTimeline } from '../src/timeline/timeline.js';
import { allFixtureZips, loadFixture, textOf } from './fixture-zips.js';

let n = 0;
async function storeOf(zip: string): Promise<MemoryStore> {
  const store = new MemoryStore(`mt-files-${process.pid}-${++n}`);
  for (const [path, bytes] of loadFixture(zip)) await store.put(path, bytes);
  return store;
}

/** The data table's view from its folders. Version 9 tables are read with version 8's layout rules. */
async function viewOf(store: ObjectStore, listing?: PartitionListing[]): Promise<FileSystemView> {
  const props = parseProperties(textOf(await store.get('.hoodie/hoodie.properties')));
  if (props.get(TableProps.version) === '9') props.set(TableProps.version, '8');
  const timeline = await loadTimeline(store, tableConfigFromProperties(props));
  return buildFileSystemView(store, timeline, listing ? { listing } : {});
}

function slicesOf(view: FileSystemView): string[] {
  return latestFileSlices(view).map((s) => [s.partitionPath, s.fileId, s.baseFile?.fileName ?? '-', ...s.logFiles.map((l) => l.fileName)].join(' '));
}

const withFilesPartition = allFixtureZips().filter((zip) => [...loadFixture(zip).keys()].some((k) => k.startsWith('.hoodie/metadata/files/')));
const without = allFixtureZips().filter((zip) => !withFilesPartition.includes(zip));

describe('readMetadataFilesPartition on Spark-written tables', () => {
  it('finds fixture tables with a files partition', () => {
    expect(withFilesPartition.length).toBeGreaterThanOrEqual(3);
  });

  for (const zip of withFilesPartition) {
    it(`${zip}: partitions and latest file slices agree with the folders`, async () => {
      const store = await storeOf(zip);
      const mt = await readMetadataFilesPartition(store);
      expect(mt).toBeDefined();
      const fromFolders = await viewOf(store);
      const listing = await listPartitionsFromMetadataTable(store);
      expect(listing).toBeDefined();
      const fromMetadata = await viewOf(store, listing);
      expect(mt!.partitions).toEqual([...fromFolders.partitions].sort());
      expect(slicesOf(fromMetadata)).toEqual(slicesOf(fromFolders));
      const parquet = [...mt!.files.values()].some((files) => [...files.keys()].some((f) => f.endsWith('.parquet')));
      if (parquet) expect(slicesOf(fromFolders).length).toBeGreaterThan(0);
      // Every file in a partition folder is listed, but Hudi's partition marker.
      for (const p of mt!.partitions) {
        const dir = await store.listDirectory(p === '' ? '' : `${p}/`);
        const names = dir.objects.map((o) => o.key.slice(o.key.lastIndexOf('/') + 1)).filter((name) => !name.startsWith('.hoodie_partition_metadata'));
        expect([...mt!.files.get(p)!.keys()].sort(), p).toEqual(names.sort());
      }
      // Every listed file is on storage with the listed size.
      for (const [p, files] of mt!.files) {
        for (const [name, size] of files) {
          const head = await store.head(p === '' ? name : `${p}/${name}`);
          expect(head?.size, `${p}/${name}`).toBe(size);
        }
      }
    });
  }

  for (const zip of withFilesPartition) {
    it(`${zip}: records of a metadata-table delta commit that did not complete are not read`, async () => {
      const store = await storeOf(zip);
      const done: { time: string; completed: string; key: string }[] = [];
      let compacted = '';
      for await (const o of store.list('.hoodie/metadata/.hoodie/timeline/')) {
        const m = /\/(\d{17})_(\d{17})\.(deltacommit|commit)$/.exec(o.key);
        // Completion order: a delta commit that completed after a compaction completed is not in
        // its base file, even when it started before (Hudi 1.x compacts during a data-table write).
        if (m?.[3] === 'commit' && m[2]! > compacted) compacted = m[2]!;
        // Instants of all zeros initialise index partitions; the others mirror data-table writes.
        if (m?.[3] === 'deltacommit' && !/^0+\d$/.test(m[1]!)) done.push({ time: m[1]!, completed: m[2]!, key: o.key });
      }
      const before = await readMetadataFilesPartition(store);
      const written = (mt: MetadataFilesListing, time: string): string[] =>
        [...mt.files.values()].flatMap((files) => [...files.keys()]).filter((name) => name.includes(`_${time}.`));
      // The newest delta commit after the last compaction (whose base file would hold it) that listed files.
      const latest = done
        .filter((d) => d.completed > compacted && written(before!, d.time).length > 0)
        .sort((a, b) => (a.time < b.time ? -1 : 1))
        .at(-1)!;
      expect(latest).toBeDefined();
      // The commit's completed file gone, it is only inflight on the metadata table's timeline.
      await store.delete(latest.key);
      const after = await readMetadataFilesPartition(store);
      expect(written(after!, latest.time)).toEqual([]);
    });
  }

  for (const zip of withFilesPartition) {
    it(`${zip}: reading chosen partitions gives their part of the whole listing`, async () => {
      const store = await storeOf(zip);
      const whole = (await readMetadataFilesPartition(store))!;
      const chosen = [whole.partitions.at(-1)!, 'no-such-partition'];
      const part = (await readMetadataFilesPartition(store, { partitions: chosen }))!;
      expect(part.partitions).toEqual(whole.partitions);
      expect([...part.files]).toEqual([[chosen[0], whole.files.get(chosen[0]!)]]);
    });
  }

  for (const zip of without) {
    it(`${zip}: without a files partition there is no listing to read`, async () => {
      expect(await readMetadataFilesPartition(await storeOf(zip))).toBeUndefined();
    });
  }
});
