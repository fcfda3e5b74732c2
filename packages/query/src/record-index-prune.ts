// File groups a query pinned to record keys must read, from the metadata table's record_index:
// the groups the index names for the keys, so every other slice is skipped before its footer is
// read. The index names one file group per key; it is trusted only where that is the whole truth:
// - every group it names is one of the read's file groups (otherwise it is stale, or the group
//   was replaced since, and the scan falls back to footers);
// - no copy of a key can hide in another group. Upserts and deletes look keys up in the index, but
//   inserts, bulk inserts and overwrites write keys without looking (Hudi's `insert` operation
//   keeps duplicates), so a key may then sit in two groups while the index names only the newer.
//   After the table's first such write, the index is trusted for a key only when its group was
//   last written before any later insert-like write, and only when it holds every pinned key
//   (a deleted key may leave an older copy behind).

import { archivedWritesBetween, fileGroupKey, readRecordIndex, writtenFileGroups, type CommitMetadata, type HudiTable } from '@lake/core/format';
import type { ObjectStore } from '@lake/storage';

type Timeline = Awaited<ReturnType<HudiTable['timeline']>>;

/** Write operations that look every key up in the index first, so they never duplicate a key. */
const INDEXED_OPERATIONS: ReadonlySet<string> = new Set([
  'UPSERT',
  'UPSERT_PREPPED',
  'DELETE',
  'DELETE_PREPPED',
  'DELETE_PARTITION',
  'COMPACT',
  'LOG_COMPACT',
  'CLUSTER',
]);

export interface RecordIndexPruneInput {
  store: ObjectStore;
  table: HudiTable;
  timeline: Timeline;
  /** The instant read (latest when undefined). */
  asOf: string | undefined;
  keys: readonly string[];
  /** Every file group of the read's file-system view, as `fileGroupKey`s. */
  viewGroups: ReadonlySet<string>;
  /** Instants the read counts as completed. */
  isValidInstant: (instant: string) => boolean;
  useMetadataTable: boolean | undefined;
}

/** A completed write, as the rule needs it: its operation and the file groups (`fileGroupKey`s) it wrote. */
export interface WriteSummary {
  operation: string | undefined;
  groups: readonly string[];
}

/** Writes as of `asOf`, oldest first (archived ones included). */
async function writesUpTo(input: RecordIndexPruneInput): Promise<WriteSummary[]> {
  const { store, timeline: tl, asOf } = input;
  const end = asOf ?? tl.latestCompletedWrite()?.time;
  if (end === undefined) return [];
  const out: { time: string; metadata: CommitMetadata }[] = [];
  for (const a of await archivedWritesBetween(store, tl, '', end)) out.push({ time: a.instant.time, metadata: a.metadata });
  const active = tl.completedWrites(end).filter((i) => input.isValidInstant(i.time));
  const metadata = await Promise.all(active.map((i) => tl.commitMetadata(i)));
  active.forEach((i, n) => out.push({ time: i.time, metadata: metadata[n]! }));
  out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return out.map((w) => ({ operation: w.metadata.operationType, groups: writtenFileGroups(w.metadata).map((g) => fileGroupKey(g.partitionPath, g.fileId)) }));
}

/**
 * The rule over what the index says (`located`: key -> `fileGroupKey`, for the keys it holds),
 * the table's writes (oldest first) and the read's file groups: the groups to read, or
 * undefined when the index cannot be trusted to name every copy of the keys.
 */
export function trustedFileGroups(writes: readonly WriteSummary[], located: ReadonlyMap<string, string>, keys: readonly string[], viewGroups: ReadonlySet<string>): Set<string> | undefined {
  const groups = new Set(located.values());
  for (const g of groups) if (!viewGroups.has(g)) return undefined;
  // the first write fills an empty table: it cannot duplicate a key already there
  const firstUnindexed = writes.findIndex((w, n) => n > 0 && !INDEXED_OPERATIONS.has(w.operation?.toUpperCase() ?? ''));
  if (firstUnindexed < 0) return groups;
  if (located.size < new Set(keys).size) return undefined;
  for (const w of writes.slice(firstUnindexed)) for (const g of w.groups) if (groups.has(g)) return undefined;
  return groups;
}

/**
 * The `fileGroupKey`s of the groups holding the pinned keys, or undefined when the record index
 * cannot be trusted to say so for this read (then footers decide, as without it).
 */
export async function recordIndexFileGroups(input: RecordIndexPruneInput): Promise<Set<string> | undefined> {
  const { store, table, timeline: tl, asOf, keys } = input;
  const found = await readRecordIndex(store, table.config, tl, keys, { asOf, useMetadataTable: input.useMetadataTable });
  if (!found) return undefined;
  const located = new Map([...found].map(([key, loc]) => [key, fileGroupKey(loc.partition, loc.fileId)]));
  // a stale index is not used, whatever the writes: checked before they are read
  for (const g of located.values()) if (!input.viewGroups.has(g)) return undefined;
  return trustedFileGroups(await writesUpTo(input), located, keys, input.viewGroups);
}
