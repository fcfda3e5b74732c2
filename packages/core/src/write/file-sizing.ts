// Small-file handling, as Hudi's upsert partitioner does it: new records first top up existing base
// files below the small-file limit (up to the maximum file size), and only then open new file
// groups, each sized to reach the maximum file size. Keeps small-batch ingestion from ending in
// a million tiny files.

export interface FileSizing {
  /** `hoodie.parquet.max.file.size`: target upper bound of a base file, in bytes. */
  maxFileSizeBytes: number;
  /** `hoodie.parquet.small.file.limit`: files below this get new inserts; 0 disables. */
  smallFileLimitBytes: number;
  /** `hoodie.copyonwrite.record.size.estimate`: bytes per record when no history says better. */
  recordSizeEstimate: number;
  /**
   * `hoodie.merge.small.file.group.candidates.limit`: on a merge-on-read table, how many small
   * base files (those without log files, smallest first) per partition take new inserts. Topping
   * up rewrites the base file, so Hudi picks one by default; other inserts open new file groups.
   * Copy-on-write tables consider every small file.
   */
  mergeOnReadSmallFileCandidates: number;
}

export const defaultFileSizing: FileSizing = {
  maxFileSizeBytes: 120 * 1024 * 1024,
  smallFileLimitBytes: 100 * 1024 * 1024,
  recordSizeEstimate: 1024,
  mergeOnReadSmallFileCandidates: 1,
};

/**
 * The sizing of one write. Inserts (insert-only ingestion, `table.insert`) go to new file groups
 * by default, as Hudi's insert with `hoodie.parquet.small.file.limit=0`: topping up a small file
 * rewrites all of it, so every micro-batch would cost more as the partition grows; clustering
 * merges the small files off the write path instead. Upserts keep Hudi's small-file handling.
 * An explicit `smallFileLimitBytes` wins either way.
 */
export function writeSizing(insertOnly: boolean, overrides: Partial<FileSizing> = {}): FileSizing {
  return { ...defaultFileSizing, ...(insertOnly ? { smallFileLimitBytes: 0 } : {}), ...overrides };
}

export interface SmallFileCandidate {
  fileId: string;
  sizeBytes: number;
}

export interface InsertBucket {
  /** Existing file group to top up, or undefined for a new file group. */
  fileId?: string;
  records: number;
}

/**
 * Splits `count` new records of one partition into buckets: existing small files first (smallest
 * first, so they fill up; at most `maxCandidates` of them), then new file groups of at most
 * maxFileSize/recordSize records each.
 */
export function planInsertBuckets(
  count: number,
  candidates: readonly SmallFileCandidate[],
  sizing: FileSizing,
  recordSizeBytes: number = sizing.recordSizeEstimate,
  maxCandidates: number = Number.POSITIVE_INFINITY,
): InsertBucket[] {
  const perRecord = Math.max(1, recordSizeBytes);
  const buckets: InsertBucket[] = [];
  let remaining = count;
  const small = candidates
    .filter((c) => c.sizeBytes < sizing.smallFileLimitBytes)
    .sort((a, b) => a.sizeBytes - b.sizeBytes || (a.fileId < b.fileId ? -1 : 1))
    .slice(0, Math.max(0, maxCandidates));
  for (const file of small) {
    if (remaining === 0) break;
    const room = Math.floor((sizing.maxFileSizeBytes - file.sizeBytes) / perRecord);
    if (room <= 0) continue;
    const take = Math.min(room, remaining);
    buckets.push({ fileId: file.fileId, records: take });
    remaining -= take;
  }
  const perNewFile = Math.max(1, Math.floor(sizing.maxFileSizeBytes / perRecord));
  const newFiles = Math.ceil(remaining / perNewFile);
  // Spread evenly so the last file is not a sliver.
  for (let i = 0; i < newFiles; i++) {
    const share = Math.ceil(remaining / (newFiles - i));
    buckets.push({ records: share });
    remaining -= share;
  }
  return buckets;
}

/** Average bytes per record from earlier writes, or undefined without history. */
export function averageRecordSize(stats: readonly { totalWriteBytes: number; numWrites: number }[]): number | undefined {
  let bytes = 0;
  let records = 0;
  for (const s of stats) {
    bytes += s.totalWriteBytes;
    records += s.numWrites;
  }
  return records > 0 ? bytes / records : undefined;
}
