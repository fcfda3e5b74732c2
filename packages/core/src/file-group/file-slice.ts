// File slices and file groups: a file group is every version of one fileId in one partition; a
// slice is one base file (or none, for log-only groups) plus the log files written on top of it.

import type { BaseFileName } from './base-file.js';
import type { LogFileName } from './log-file.js';

export interface BaseFile extends BaseFileName {
  /** Store key relative to the table root. */
  path: string;
  fileName: string;
  size?: number;
}

export interface LogFile extends LogFileName {
  path: string;
  fileName: string;
  size?: number;
  /** Completion time of the delta commit that wrote it (table version 8). */
  completionTime?: string;
}

export interface FileSlice {
  partitionPath: string;
  fileId: string;
  /** Instant the slice starts at: its base file's instant, or the first log's for log-only slices. */
  baseInstantTime: string;
  baseFile?: BaseFile;
  /** In Hudi's merge order. */
  logFiles: LogFile[];
}

export interface FileGroup {
  partitionPath: string;
  fileId: string;
  /** Ordered by base instant time, oldest first. */
  slices: FileSlice[];
}

/** The identity of a file group across the table. */
export function fileGroupKey(partitionPath: string, fileId: string): string {
  return `${partitionPath}\u0000${fileId}`;
}
