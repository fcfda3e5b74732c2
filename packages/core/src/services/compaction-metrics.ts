// The metrics of a compaction operation, as Hudi's compaction strategies capture them for each
// file slice (FileSliceMetricUtils): log file count and bytes, and the I/O in whole MiB a
// compaction of the slice reads (base file and logs) and writes (about the base file again, or
// a full-size file when the slice has none yet). Hudi's strategies order and filter by them.

import type { FileSlice } from '../file-group/file-slice.js';

const MIB = 1024 * 1024;

/** Bytes to whole MiB, truncated, as Hudi's FSUtils.getSizeInMB. */
function sizeInMB(bytes: number): number {
  return Math.floor(bytes / MIB);
}

export function compactionMetrics(slice: FileSlice, defaultBaseFileBytes: number): Record<string, number> {
  const logBytes = slice.logFiles.reduce((n, f) => n + (f.size !== undefined && f.size >= 0 ? f.size : 0), 0);
  const baseBytes = slice.baseFile?.size ?? 0;
  const read = sizeInMB(baseBytes + logBytes);
  const write = sizeInMB(baseBytes > 0 ? baseBytes : defaultBaseFileBytes);
  return {
    TOTAL_IO_READ_MB: read,
    TOTAL_IO_WRITE_MB: write,
    TOTAL_IO_MB: read + write,
    TOTAL_LOG_FILES_SIZE: logBytes,
    TOTAL_LOG_FILES: slice.logFiles.length,
  };
}
