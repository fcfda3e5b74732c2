// How two versions of one record key combine, per Hudi merge mode: by commit time the later write
// wins; by event time the greater ordering value wins, ties go to the later write, and a delete
// with Hudi's default ordering value (0, or none) wins regardless, as Hudi orders it by commit.

import type { RecordMergeMode } from '../config/table-config.js';
import { compareOrdering } from './record-key.js';

export interface RecordVersion {
  /** Source (batch) index and row, or -1 for deletes. */
  source: number;
  row: number;
  ordering: unknown;
  deleted: boolean;
}

function isNaturalOrder(v: unknown): boolean {
  return v === null || v === undefined || v === 0 || v === 0n;
}

/** The version that survives when `newer` was written after `older`. */
export function combineVersions(mode: RecordMergeMode, older: RecordVersion, newer: RecordVersion): RecordVersion {
  if (mode === 'COMMIT_TIME_ORDERING') return newer;
  if (newer.deleted && isNaturalOrder(newer.ordering)) return newer;
  if (older.deleted && isNaturalOrder(older.ordering)) return newer;
  return compareOrdering(older.ordering, newer.ordering) > 0 ? older : newer;
}
