// Opt-in: the metadata table's `files` partition as the partition listing a file-system view is
// built from (`buildFileSystemView(store, timeline, { listing })`), so a view needs no LIST of
// the table's folders. Nothing uses it by default; folder listing stays the reference.

import type { ObjectStore } from '@lake/storage';

import type { PartitionListing } from '../table/partition.js';
import { readMetadataFilesPartition, type MetadataFilesListing, type MetadataReadOptions } from './files-partition.js';

/** The listing in the shape `listPartitions` returns: store keys relative to the table root. */
export function partitionListingOf(mt: MetadataFilesListing): PartitionListing[] {
  return mt.partitions.map((p) => ({
    path: p,
    files: [...(mt.files.get(p) ?? [])].map(([name, size]) => ({ key: p === '' ? name : `${p}/${name}`, name, size })),
  }));
}

/** The table's partition listing from its metadata table, or undefined when it has no `files` partition. */
export async function listPartitionsFromMetadataTable(store: ObjectStore, options?: MetadataReadOptions): Promise<PartitionListing[] | undefined> {
  const mt = await readMetadataFilesPartition(store, options);
  return mt && partitionListingOf(mt);
}
