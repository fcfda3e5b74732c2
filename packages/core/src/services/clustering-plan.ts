// Which base files a clustering stitches together. Each partition's small files (no log files,
// below the small-file limit) are taken smallest first into bins of at most the target size, as
// Hudi's size-based planner does, with one rule more: a file joins a bin only while it is at most
// `sizeRatio` times the bin's bytes so far. Without it, a partition that receives a small file
// per micro-batch rewrites its one growing file at every clustering: the bytes rewritten grow
// with the square of the partition's size. With it, a file is rewritten only once the smaller
// files joining it are about as large as it, so each byte is rewritten a logarithmic number of
// times (about log2 of target size / batch file size), and a partition keeps a few files of
// doubling sizes until they reach the target.

import type { FileSlice } from '../file-group/file-slice.js';
import { defaultFileSizing } from '../write/file-sizing.js';

export interface ClusteringPlanOptions {
  /** Base files below this size are stitched together (default: `hoodie.parquet.small.file.limit`, 100 MiB). */
  smallFileLimitBytes?: number;
  /** Target size of an output file (default: `hoodie.parquet.max.file.size`, 120 MiB). */
  targetFileSizeBytes?: number;
  /**
   * A file joins a bin of smaller files only when it is at most this many times their bytes
   * (default 2); `Infinity` stitches every small file, however large, as Hudi's planner does.
   */
  sizeRatio?: number;
  /** Only these partitions. */
  partitions?: string[];
}

export interface ClusteringGroupPlan {
  partitionPath: string;
  slices: FileSlice[];
}

/** Default of `ClusteringPlanOptions.sizeRatio`. */
const DEFAULT_SIZE_RATIO = 2;
/**
 * A partition left with more small files than this after the size-ratio rule has them stitched
 * regardless: readers then never open more than a few small files per partition.
 */
const MOST_SMALL_FILES_LEFT = 4;

const sizeOf = (s: FileSlice): number => s.baseFile?.size ?? 0;

/** Groups each partition's small base files into bins (two files or more each) to stitch. */
export function planClusteringGroups(slices: readonly FileSlice[], options: ClusteringPlanOptions = {}): ClusteringGroupPlan[] {
  const limit = options.smallFileLimitBytes ?? defaultFileSizing.smallFileLimitBytes;
  const target = options.targetFileSizeBytes ?? defaultFileSizing.maxFileSizeBytes;
  const ratio = options.sizeRatio ?? DEFAULT_SIZE_RATIO;
  if (!(ratio > 0)) throw new RangeError(`sizeRatio must be greater than 0, not ${ratio}`);
  const wanted = options.partitions ? new Set(options.partitions) : undefined;
  const byPartition = new Map<string, FileSlice[]>();
  for (const s of slices) {
    if (!s.baseFile || s.logFiles.length > 0 || sizeOf(s) >= limit) continue;
    if (wanted && !wanted.has(s.partitionPath)) continue;
    const list = byPartition.get(s.partitionPath) ?? [];
    list.push(s);
    byPartition.set(s.partitionPath, list);
  }
  const groups: ClusteringGroupPlan[] = [];
  for (const [partitionPath, list] of [...byPartition].sort(([a], [b]) => (a < b ? -1 : 1))) {
    list.sort((a, b) => sizeOf(a) - sizeOf(b));
    for (const bin of fewest(binned(list, target, ratio), target)) if (bin.length >= 2) groups.push({ partitionPath, slices: bin });
  }
  return groups;
}

/** `sorted` (smallest first) cut into bins of at most `target` bytes that keep the size ratio. */
function binned(sorted: FileSlice[], target: number, ratio: number): FileSlice[][] {
  const bins: FileSlice[][] = [];
  let bin: FileSlice[] = [];
  let size = 0;
  for (const s of sorted) {
    const n = sizeOf(s);
    if (bin.length > 0 && (size + n > target || n > ratio * size)) {
      bins.push(bin);
      bin = [];
      size = 0;
    }
    bin.push(s);
    size += n;
  }
  if (bin.length > 0) bins.push(bin);
  return bins;
}

/**
 * `bins` with the smallest ones joined while the partition would be left with more than
 * MOST_SMALL_FILES_LEFT files (one per bin) and the joined bin stays within the target.
 */
function fewest(bins: FileSlice[][], target: number): FileSlice[][] {
  const out = [...bins];
  const bytes = (bin: FileSlice[]) => bin.reduce((n, s) => n + sizeOf(s), 0);
  while (out.length > MOST_SMALL_FILES_LEFT && bytes(out[0]) + bytes(out[1]) <= target) out.splice(0, 2, [...out[0], ...out[1]]);
  return out;
}
