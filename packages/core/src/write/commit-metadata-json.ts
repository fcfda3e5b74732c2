// Hudi's JSON commit metadata (HoodieCommitMetadata / HoodieReplaceCommitMetadata) as table
// version 6 writes it, so Spark, Trino and hudi-rs read lake's commits like their own.

import type { WriteStat } from '../timeline/commit-metadata.js';

/**
 * What a write knows of one file it wrote: the fields of Hudi's HoodieWriteStat (the one WriteStat
 * type, which parsing commit metadata gives back) that lake fills in, plus timings and the
 * merge-on-read and compaction details. `prevCommit` is the base instant of the file version
 * this one replaces, undefined for a new file group.
 */
export interface WriteStatInput
  extends Pick<WriteStat, 'fileId' | 'partitionPath' | 'prevCommit' | 'numWrites' | 'numDeletes' | 'numUpdateWrites' | 'numInserts' | 'fileSizeInBytes'> {
  path: string;
  totalCreateTimeMs?: number;
  totalUpsertTimeMs?: number;
  /** Merge-on-read appends: the log file written and the slice it belongs to (HoodieDeltaWriteStat). */
  log?: { logVersion: number; logOffset: number; baseFile: string; logFiles: string[] };
  /** Compactions: what the merged slice held. */
  compacted?: { logRecords: number; logFiles: number; logBytes: number; updatedRecords: number; logBlocks: number };
}

export interface CommitMetadataInput {
  stats: WriteStatInput[];
  /** Avro schema JSON of the data columns (no meta fields). */
  schema?: string;
  operationType: string;
  extraMetadata?: Record<string, string>;
  /** Replace commits: file ids replaced, per partition. */
  replaced?: Map<string, string[]>;
  compacted?: boolean;
  /**
   * A workload profile (the `.inflight` file): Hudi leaves the path, partition path and sizes of
   * its stats unset there, since no file is written yet.
   */
  workload?: boolean;
}

function writeStatJson(s: WriteStatInput, workload: boolean): Record<string, unknown> {
  return {
    fileId: s.fileId,
    path: workload ? null : s.path,
    cdcStats: null,
    prevCommit: s.prevCommit ?? 'null',
    numWrites: s.numWrites,
    numDeletes: s.numDeletes,
    numUpdateWrites: s.numUpdateWrites,
    numInserts: s.numInserts,
    totalWriteBytes: s.fileSizeInBytes,
    totalWriteErrors: 0,
    tempPath: null,
    partitionPath: workload ? null : s.partitionPath,
    totalLogRecords: s.compacted?.logRecords ?? 0,
    totalLogFilesCompacted: s.compacted?.logFiles ?? 0,
    totalLogSizeCompacted: s.compacted?.logBytes ?? 0,
    totalUpdatedRecordsCompacted: s.compacted?.updatedRecords ?? 0,
    totalLogBlocks: s.compacted?.logBlocks ?? 0,
    totalCorruptLogBlock: 0,
    totalRollbackBlocks: 0,
    fileSizeInBytes: s.fileSizeInBytes,
    minEventTime: null,
    maxEventTime: null,
    runtimeStats: {
      totalScanTime: 0,
      totalUpsertTime: s.totalUpsertTimeMs ?? 0,
      totalCreateTime: s.totalCreateTimeMs ?? 0,
    },
    ...(s.log ? { ...s.log, recordsStats: { val: null } } : {}),
  };
}

/** The commit file's bytes (pretty-printed JSON, as Hudi's Jackson writer emits). */
export function commitMetadataJson(input: CommitMetadataInput): Uint8Array {
  const partitionToWriteStats: Record<string, unknown[]> = {};
  for (const s of input.stats) (partitionToWriteStats[s.partitionPath] ??= []).push(writeStatJson(s, input.workload ?? false));
  const extra: Record<string, string> = { ...(input.extraMetadata ?? {}) };
  if (input.schema) extra.schema = input.schema;
  const body: Record<string, unknown> = {
    partitionToWriteStats,
    compacted: input.compacted ?? false,
    extraMetadata: extra,
    operationType: input.operationType,
  };
  if (input.replaced) body.partitionToReplaceFileIds = Object.fromEntries(input.replaced);
  return new TextEncoder().encode(JSON.stringify(body, null, 2));
}
