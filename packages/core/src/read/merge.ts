// The one merge rule of a table, for reads, writes (copy-on-write merges, merge-on-read logs),
// compaction and clustering alike: how two versions of one record key combine. The mode comes
// from the table config as Hudi derives it for table version 6 (payload class, merge mode,
// precombine field): by commit time the later write wins; by event time the greater ordering
// value wins, ties go to the later write, and a delete with Hudi's default ordering value (0, or
// none) wins regardless, as Hudi orders it by commit.

import type { RecordMergeMode, TableConfig } from '../config/table-config.js';

/** A merge mode lake applies: custom mergers are not run, only ordered. */
export type AppliedMergeMode = Exclude<RecordMergeMode, 'CUSTOM'>;

/**
 * The merge mode every path of the table uses. `OverwriteWithLatestAvroPayload` is commit-time
 * ordering (its ordering field only de-duplicates a batch), `DefaultHoodieRecordPayload` is
 * event-time ordering; custom payloads and mergers fall back to ordering by the ordering field
 * when there is one.
 */
export function tableMergeMode(config: TableConfig): AppliedMergeMode {
  if (config.recordMergeMode !== 'CUSTOM') return config.recordMergeMode;
  return config.orderingFields.length > 0 ? 'EVENT_TIME_ORDERING' : 'COMMIT_TIME_ORDERING';
}

/**
 * Total order over ordering values, whatever reader produced them: null and undefined lowest,
 * numbers and bigints numerically (exactly where both are integers), booleans false < true,
 * bytes lexicographically, anything else by its text.
 */
export function compareOrdering(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    if (x !== y) return x < y ? -1 : 1;
    // Equal as doubles but maybe not exactly: settle on the exact integers where possible.
    if (Number.isInteger(x) && Number.isInteger(y)) {
      const bx = typeof a === 'bigint' ? a : BigInt(a);
      const by = typeof b === 'bigint' ? b : BigInt(b);
      return bx < by ? -1 : bx > by ? 1 : 0;
    }
    return 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Whether a stored record survives an incoming (later) version of it under `mode`. */
export function storedWins(mode: RecordMergeMode, stored: unknown, incoming: unknown): boolean {
  return mode === 'EVENT_TIME_ORDERING' && compareOrdering(stored, incoming) > 0;
}

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

/**
 * Whether a version written later survives one written earlier (the rule of combineVersions,
 * on bare values, for merges that keep versions in columns rather than objects).
 */
export function newerSurvives(mode: RecordMergeMode, olderOrdering: unknown, olderDeleted: boolean, newerOrdering: unknown, newerDeleted: boolean): boolean {
  if (mode === 'COMMIT_TIME_ORDERING') return true;
  if (newerDeleted && isNaturalOrder(newerOrdering)) return true;
  if (olderDeleted && isNaturalOrder(olderOrdering)) return true;
  return !storedWins(mode, olderOrdering, newerOrdering);
}

/** The version that survives when `newer` was written after `older`. */
export function combineVersions(mode: RecordMergeMode, older: RecordVersion, newer: RecordVersion): RecordVersion {
  return newerSurvives(mode, older.ordering, older.deleted, newer.ordering, newer.deleted) ? newer : older;
}
