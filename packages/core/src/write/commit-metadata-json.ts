// Hudi's JSON commit metadata (HoodieCommitMetadata / HoodieReplaceCommitMetadata) as table
// version 6 writes it, so Spark, Trino and hudi-rs read lake's commits like their own.

export interface WriteStatInput {
  fileId: string;
  path: string;
  partitionPath: string;
  /** Base instant of the file version this one replaces, or undefined for a new file group. */
  prevCommit?: string;
  numWrites: number;
  numDeletes: number;
  numUpdateWrites: number;
  numInserts: number;
  fileSizeInBytes: number;
  totalCreateTimeMs?: number;
  totalUpsertTimeMs?: number;
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
}

function writeStatJson(s: WriteStatInput): Record<string, unknown> {
  return {
    fileId: s.fileId,
    path: s.path,
    cdcStats: null,
    prevCommit: s.prevCommit ?? 'null',
    numWrites: s.numWrites,
    numDeletes: s.numDeletes,
    numUpdateWrites: s.numUpdateWrites,
    numInserts: s.numInserts,
    totalWriteBytes: s.fileSizeInBytes,
    totalWriteErrors: 0,
    tempPath: null,
    partitionPath: s.partitionPath,
    totalLogRecords: 0,
    totalLogFilesCompacted: 0,
    totalLogSizeCompacted: 0,
    totalUpdatedRecordsCompacted: 0,
    totalLogBlocks: 0,
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
  };
}

/** The commit file's bytes (pretty-printed JSON, as Hudi's Jackson writer emits). */
export function commitMetadataJson(input: CommitMetadataInput): Uint8Array {
  const partitionToWriteStats: Record<string, unknown[]> = {};
  for (const s of input.stats) (partitionToWriteStats[s.partitionPath] ??= []).push(writeStatJson(s));
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
