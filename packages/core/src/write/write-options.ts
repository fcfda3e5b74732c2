// What one write takes and returns: the operation, its options, the narrow table context it
// runs in (never the table object) and the summary of its commit.

import type { Schema } from 'apache-arrow';
import type { ObjectStore } from '@lake/storage';
import type { Compression } from '@lake/parquet';

import type { TableConfig } from '../config/table-config.js';
import type { InstantTimeGenerator } from '../timeline/instant-time.js';
import type { HeldInstant } from '../commit/instant-lifecycle.js';
import type { Intents } from '../commit/claims.js';
import type { FileSystemView } from '../table/fs-view.js';
import type { Action } from '../timeline/instant.js';
import type { Timeline } from '../timeline/timeline.js';
import type { FileSizing } from './file-sizing.js';
import type { LogBlockFormat } from './log-append.js';
import type { LocatedKeys } from '../index/partition-keys.js';

export type WriteOperation = 'insert' | 'upsert' | 'delete' | 'insert_overwrite' | 'insert_overwrite_table';

export interface WriteOptions {
  /** File sizing (`hoodie.parquet.max.file.size`, `hoodie.parquet.small.file.limit`, ...). */
  sizing?: Partial<FileSizing>;
  compression?: Compression;
  /** Extra commit metadata (e.g. a source checkpoint), stored with the commit. */
  extraMetadata?: Record<string, string>;
  /**
   * Merge-on-read tables: the data block format of log files. Default: the table's
   * `hoodie.logfile.data.block.format`, else Parquet.
   */
  logBlockFormat?: LogBlockFormat;
  /**
   * Encode base files on a Parquet worker thread even when the write has only one. Default: only
   * when it writes several (they are then encoded on both cores). A caller with other work to do
   * meanwhile (an ingestion preparing its next batch) gains a core; a lone write only the
   * worker's memory.
   */
  encodeOnWorker?: boolean;
  /**
   * Inserts: what to do with a record whose key the table already holds in its partition (Hudi's
   * `hoodie.datasource.insert.dup.policy`). `'none'` (default) writes it anyway, as Hudi's insert
   * does; `'drop'` leaves it out (and counts it in `WriteResult.dropped`); `'fail'` writes nothing
   * and throws `DuplicateRecordKeyError`. The check runs in the write's own snapshot, through the
   * record-key index (footer ranges and bloom filters first). Other operations ignore it.
   */
  duplicates?: InsertDuplicatePolicy;
}

/** See `WriteOptions.duplicates`. */
export type InsertDuplicatePolicy = 'none' | 'drop' | 'fail';

/** The table as one write sees it when it starts. */
export interface WriteSnapshot {
  timeline: Timeline;
  view: FileSystemView;
  /** Partitions whose folder was seen to hold Hudi's partition metadata file. */
  partitionsWithMetadata: ReadonlySet<string>;
}

export interface WriteContext {
  store: ObjectStore;
  config: TableConfig;
  /** The active timeline, loaded afresh on each call (conflict checks rely on it). */
  timeline(): Promise<Timeline>;
  /** The timeline of the write's starting point (`snapshot().timeline`, before its view is built). */
  startTimeline(): Promise<Timeline>;
  /**
   * The clock (see intentTiming) just before the listing of `startTimeline` was issued; call it
   * once that timeline is loaded. Intents read later than the hold after it cannot be trusted.
   */
  startListedAt(): number;
  /**
   * The intents of the start read half a hold after its listing, if the write has not read them
   * by then (see earlyIntents); the first call takes them (and stops a read not made yet).
   */
  earlyIntents?(): Intents | undefined;
  /** The write's starting point: loaded on the first call, the same for every later call. */
  snapshot(): Promise<WriteSnapshot>;
  /** The newest commit claim sequence number when the write started (see commit/claims.ts). */
  claimStart(): Promise<number>;
  /** The table's data schema (meta fields removed), or undefined before the first write. */
  /** The table's data schema; `view` (built on `timeline`) saves listing the partitions again. */
  dataSchema(timeline: Timeline, view?: FileSystemView): Promise<Schema | undefined>;
  instants: InstantTimeGenerator;
  /**
   * An instant time held for this write in its first round trip (see holdWriteInstant), if any;
   * the first call takes it, later calls return undefined.
   */
  heldInstant?: () => HeldInstant | undefined;
  /**
   * Runs what a published commit no longer needs after the write is acknowledged (see
   * after-ack.ts); without it the write runs it before returning.
   */
  afterAck?: (lift: () => Promise<void>) => void;
  newFileId: () => string;
  /**
   * Keys the caller has already looked up in the key index in this write's snapshot (a delete by
   * key alone): the plan routes them from this answer instead of looking them up again.
   */
  located?: LocatedKeys;
  /**
   * Indexes of the rows whose key (in its partition) is live in `view`, looked up through the
   * table's record-key index; needed by inserts with a duplicates policy.
   */
  liveKeyRows?(view: FileSystemView, keys: readonly string[], partitions: readonly string[]): Promise<Set<number>>;
}

export interface WriteResult {
  instant: string;
  action: Action;
  operation: WriteOperation;
  inserted: number;
  updated: number;
  deleted: number;
  filesWritten: number;
  filesReplaced: number;
  bytesWritten: number;
  partitions: string[];
  /** Records of an insert left out because the table already held their key (`duplicates: 'drop'`). */
  dropped: number;
  /** Index work: base files whose footers were checked, and files whose keys were read. */
  index: { filesConsidered: number; filesRead: number };
}

/** Hudi's name of each operation, as commit metadata and workload profiles record it. */
export const operationTypes: Record<WriteOperation, string> = {
  insert: 'INSERT',
  upsert: 'UPSERT',
  delete: 'DELETE',
  insert_overwrite: 'INSERT_OVERWRITE',
  insert_overwrite_table: 'INSERT_OVERWRITE_TABLE',
};


/** Records to delete, named by record key and partition path (no data columns needed). */
export interface KeyedDeletes {
  keys: string[];
  partitions: string[];
}
