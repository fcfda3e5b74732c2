// Where a read gets the table's partitions and files from: the metadata table's `files`
// partition when the table has a completed one that agrees with the data table's timeline (a
// few requests, however many partitions), else a walk of the table's folders (a LIST per
// folder). A metadata table that cannot be used is reported as a warning and never changes rows.

import { LakeError, type ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { MetadataTableUnusableError, type MetadataTableFallbackReason } from '../errors.js';
import { listPartitions, type PartitionListing } from '../table/partition.js';
import type { Timeline } from '../timeline/timeline.js';
import { openMetadataTimeline, readFilesPartition } from './files-partition.js';
import { partitionListingOf } from './metadata-listing.js';
import { metadataTableState } from './metadata-timeline.js';

/** Data-table versions whose metadata table lake lists through. */
export const METADATA_LISTING_VERSIONS: ReadonlySet<number> = new Set([6, 8, 9]);

const FILES = 'files';
const INFLIGHT_PARTITIONS_KEY = 'hoodie.table.metadata.partitions.inflight';

export interface ListingOptions {
  asOf?: string;
  /** false: always list folders (default true). */
  useMetadataTable?: boolean;
}

export interface TableListing {
  listing: PartitionListing[];
  source: 'metadata-table' | 'storage';
  /** Set when the table has a files partition that could not be used. */
  warning?: MetadataTableUnusableError;
}

function names(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim());
}

/** The table's partitions and files, from its metadata table when it can serve them. */
export async function tableListing(store: ObjectStore, config: TableConfig, timeline: Timeline, options: ListingOptions = {}): Promise<TableListing> {
  const fallback = async (reason?: MetadataTableFallbackReason, detail?: string, cause?: unknown): Promise<TableListing> => {
    const listing = await listPartitions(store);
    return { listing, source: 'storage', ...(reason && { warning: new MetadataTableUnusableError(reason, detail ?? reason, { cause }) }) };
  };
  if (options.useMetadataTable === false || !config.metadataPartitions.includes(FILES)) return fallback();
  if (!METADATA_LISTING_VERSIONS.has(config.version)) {
    return fallback('unsupported-version', `lake lists through the metadata tables of table versions ${[...METADATA_LISTING_VERSIONS].join(' and ')}, this table is version ${config.version}`);
  }
  // Before the table's first write there are no files to list. The metadata table, initialised
  // during that write, has no partition list yet either: that is no fault of it, so no warning.
  if (options.asOf !== undefined && timeline.latestCompletedWrite(options.asOf) === undefined) return fallback();
  if (names(config.raw.get(INFLIGHT_PARTITIONS_KEY)).includes(FILES)) {
    return fallback('pending', `the files partition is still being initialised (${INFLIGHT_PARTITIONS_KEY} names it)`);
  }
  try {
    const mt = await openMetadataTimeline(store, config.raw);
    if (!mt) return fallback();
    const state = metadataTableState(timeline, mt, options.asOf);
    if (!state.usable) return await fallback(state.reason, state.detail);
    const files = await readFilesPartition(mt, { asOf: options.asOf, isValidInstant: state.isValidInstant });
    return { listing: partitionListingOf(files), source: 'metadata-table' };
  } catch (e) {
    // Typed errors, and bounds errors of decoding damaged bytes: the metadata table is unreadable.
    if (!(e instanceof LakeError) && !(e instanceof RangeError)) throw e;
    return fallback('unreadable', (e as Error).message, e);
  }
}
