// Planning a write: routing every incoming record to a file group. Updates and deletes go where
// the key index (or the bucket index) finds the key; new records top up small file groups first
// and fill new ones after; an overwrite replaces the partitions' file groups. Nothing is written.

import { fileGroupKey, type FileSlice } from '../file-group/file-slice.js';
import { bucketIndexOf } from '../index/bucket-layout.js';
import { routeToBuckets } from '../index/bucket-route.js';
import { pendingCompactionGroups } from '../timeline/plans/compaction-plan.js';
import { checkLatestBaseFiles, latestFileSlices, type FileSystemView } from '../table/fs-view.js';
import type { Timeline } from '../timeline/timeline.js';
import type { GroupPlan, Incoming } from './file-group-rewrite.js';
import { averageRecordSize, planInsertBuckets, type FileSizing } from './file-sizing.js';
import { locateInPartitions } from '../index/partition-keys.js';
import type { WriteContext, WriteOperation } from './write-options.js';

export interface WritePlan {
  /** Per file group key: the incoming rows it takes. */
  groups: Map<string, GroupPlan>;
  /** An overwrite's replaced file groups: partition -> file ids. */
  replaced: Map<string, string[]>;
  overwrite: boolean;
  /** Merge-on-read: file group key -> instant of the pending compaction that includes it. */
  compacting: Map<string, string>;
  /** Index work: base files whose footers were checked, and files whose keys were read. */
  indexStats: { filesConsidered: number; filesRead: number };
}

export async function planWrite(
  ctx: WriteContext,
  operation: WriteOperation,
  incoming: Incoming,
  timeline: Timeline,
  view: FileSystemView,
  sizing: FileSizing,
): Promise<WritePlan> {
  const mor = ctx.config.type === 'MERGE_ON_READ';
  // Merging into a stale file version would bring deleted or replaced records back.
  await checkLatestBaseFiles(view, timeline);
  const slicesByPartition = new Map<string, FileSlice[]>();
  for (const slice of latestFileSlices(view)) {
    const list = slicesByPartition.get(slice.partitionPath) ?? [];
    list.push(slice);
    slicesByPartition.set(slice.partitionPath, list);
  }
  // Merge-on-read: file groups in a pending compaction take their logs under its instant.
  const compacting = mor ? await pendingCompactionGroups(timeline) : new Map<string, string>();
  const rowsByPartition = groupRowsByPartition(incoming.partitions);

  const indexStats = { filesConsidered: 0, filesRead: 0 };
  const groups = new Map<string, GroupPlan>();
  const group = (partition: string, fileId: string, slice?: FileSlice): GroupPlan => {
    const key = fileGroupKey(partition, fileId);
    let plan = groups.get(key);
    if (!plan) {
      plan = { partition, fileId, slice, updates: [], inserts: [] };
      groups.set(key, plan);
    }
    return plan;
  };
  const replaced = new Map<string, string[]>();
  const overwrite = operation === 'insert_overwrite' || operation === 'insert_overwrite_table';

  if (overwrite) {
    const partitions = operation === 'insert_overwrite_table' ? new Set([...slicesByPartition.keys(), ...rowsByPartition.keys()]) : new Set(rowsByPartition.keys());
    for (const p of partitions) {
      const ids = (slicesByPartition.get(p) ?? []).map((s) => s.fileId);
      if (ids.length > 0) replaced.set(p, ids);
    }
  }

  const recordSize = averageRecordSize(await recentWriteStats(timeline)) ?? sizing.recordSizeEstimate;
  // A bucket-indexed table routes by hashing keys, never reading files.
  const bucketIndex = bucketIndexOf(ctx.config);
  // A delete by key alone has looked its keys up already, in this same snapshot: that answer
  // routes it, rather than a second pass over the same footers and key columns.
  const pre = operation === 'delete' && !bucketIndex && ctx.located?.view === view ? ctx.located : undefined;
  const needsLookup = !(bucketIndex || operation === 'insert' || overwrite);
  const covered = new Set([...rowsByPartition].filter(([, rows]) => pre !== undefined && rows.every((i) => pre.keys.has(incoming.keys[i]))).map(([p]) => p));
  const lookedUp = needsLookup
    ? await locateInPartitions(
        ctx.store,
        new Map([...rowsByPartition].filter(([partition]) => !covered.has(partition)).map(([partition]) => [partition, slicesByPartition.get(partition) ?? []])),
        (partition) => (rowsByPartition.get(partition) ?? []).map((i) => incoming.keys[i]),
        { isValidInstant: view.isVisible, check: 'ambiguous' },
        indexStats,
      )
    : new Map<string, Map<string, string>>();
  if (pre && covered.size > 0) {
    indexStats.filesConsidered += pre.stats.filesConsidered;
    indexStats.filesRead += pre.stats.filesRead;
  }
  const noKeys: ReadonlyMap<string, string> = new Map();
  for (const [partition, rows] of rowsByPartition) {
    const slices = overwrite ? [] : slicesByPartition.get(partition) ?? [];
    if (bucketIndex) {
      for (const route of routeToBuckets(bucketIndex, partition, slices, rows, incoming.keys, ctx.newFileId, incoming.keyHashes)) {
        // Deletes into a bucket with no file group have nothing to delete.
        if (!route.slice && operation === 'delete') continue;
        const plan = route.slice ? group(partition, route.fileId, route.slice) : group(partition, route.fileId);
        // A bucket's group is the route's alone: its rows are taken as they are.
        if (route.slice) plan.updates = route.rows;
        else plan.inserts = route.rows;
      }
      continue;
    }
    const sliceById = new Map(slices.map((s) => [s.fileId, s]));
    const located = (covered.has(partition) ? pre?.found.get(partition) : lookedUp.get(partition)) ?? noKeys;
    const fresh: number[] = [];
    for (const i of rows) {
      const fileId = located.get(incoming.keys[i]);
      if (fileId !== undefined) group(partition, fileId, sliceById.get(fileId)).updates.push(i);
      else if (operation !== 'delete') fresh.push(i);
    }
    if (fresh.length === 0) continue;
    const candidates = slices
      .filter((s) => s.baseFile && s.logFiles.length === 0 && !compacting.has(fileGroupKey(s.partitionPath, s.fileId)))
      .map((s) => ({ fileId: s.fileId, sizeBytes: s.baseFile!.size ?? 0 }));
    let at = 0;
    const maxCandidates = mor ? sizing.mergeOnReadSmallFileCandidates : Number.POSITIVE_INFINITY;
    for (const bucket of planInsertBuckets(fresh.length, candidates, sizing, recordSize, maxCandidates)) {
      const fileId = bucket.fileId ?? ctx.newFileId();
      const slice = bucket.fileId ? sliceById.get(bucket.fileId) : undefined;
      // A loop, not push(...rows): spreading a million row indexes overflows the call stack.
      const inserts = group(partition, fileId, slice).inserts;
      for (let i = at; i < at + bucket.records && i < fresh.length; i++) inserts.push(fresh[i]);
      at += bucket.records;
    }
  }
  return { groups, replaced, overwrite, compacting, indexStats };
}

/**
 * Row indexes per partition path, in row order. Rows of one partition mostly come in runs (often
 * the whole write), so each row is first compared with the previous row's partition.
 */
function groupRowsByPartition(partitions: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let last: string | undefined;
  let list: number[] = [];
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i];
    if (p !== last) {
      last = p;
      list = out.get(p) ?? [];
      if (list.length === 0) out.set(p, list);
    }
    list.push(i);
  }
  return out;
}

async function recentWriteStats(timeline: Timeline): Promise<{ totalWriteBytes: number; numWrites: number }[]> {
  const writes = timeline.completedWrites().slice(-3);
  // An unreadable commit only costs the estimate.
  const metas = await Promise.all(writes.map((w) => timeline.commitMetadata(w).catch(() => undefined)));
  return metas.flatMap((m) => (m ? [...m.partitionToWriteStats.values()].flat() : []));
}
