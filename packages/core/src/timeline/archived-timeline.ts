// Hudi's archived timeline: instants moved out of the active timeline. Table version 6 keeps them
// in archive log files `.hoodie/archived/.commits_.archive.<N>_<token>`, each a Hudi log file of
// Avro data blocks holding HoodieArchivedMetaEntry records; timeline layout 2 (versions 8 and 9)
// in the LSM history of Parquet files (lsm-history.ts). Read only where the active timeline
// cannot answer (history, incremental reads from before it). An archival that died after
// writing its file and redid the work leaves duplicates; readers keep one record per instant file.

import type { ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { CorruptTimelineError } from '../errors.js';
import { decodeAvroDataBlock } from '../log/data-block.js';
import { BlockType } from '../log/log-format.js';
import { readLogBlocks } from '../log/log-reader.js';
import { commitMetadataFromJson, type CommitMetadata } from './commit-metadata.js';
import { ACTIONS, compareInstants, type Action, type InstantState } from './instant.js';
import { avroToJson, type JsonValue } from './metadata-file.js';
import type { ArchivedInstant } from './archived-instant.js';
import { loadLsmHistory } from './lsm-history.js';
import type { Timeline } from './timeline.js';
import { archiveFolder } from '../commit/paths.js';

export type { ArchivedInstant } from './archived-instant.js';

/** `.commits_.archive.<version>[_<write token>]`: the archive's log file name. */
const ARCHIVE_FILE = /^\.commits_\.archive\.(\d+)(?:_(\d+-\d+-\d+))?$/;

/** Where archive files live: `.hoodie/<hoodie.archivelog.folder>` (default `archived`). */
export function archiveDir(config: TableConfig): string {
  const folder = config.raw.get('hoodie.archivelog.folder')?.trim() || 'archived';
  return archiveFolder(folder);
}

/** The version number of an archive file name; undefined for other names. */
function archiveFileVersion(fileName: string): number | undefined {
  const m = ARCHIVE_FILE.exec(fileName);
  return m ? Number(m[1]) : undefined;
}

/** The name Hudi gives archive file `version` (write token `1-0-1`, as its archiver uses). */
export function archiveFileName(version: number): string {
  return `.commits_.archive.${version}_1-0-1`;
}

export interface ArchiveFile {
  key: string;
  version: number;
}

/** Archive files, oldest version first. */
export async function listArchiveFiles(store: ObjectStore, config: TableConfig): Promise<ArchiveFile[]> {
  const listing = await store.listDirectory(`${archiveDir(config)}/`);
  const out: ArchiveFile[] = [];
  for (const o of listing.objects) {
    const version = archiveFileVersion(o.key.slice(o.key.lastIndexOf('/') + 1));
    if (version !== undefined) out.push({ key: o.key, version });
  }
  return out.sort((a, b) => a.version - b.version);
}

const STATES: Record<string, InstantState> = { REQUESTED: 'requested', INFLIGHT: 'inflight', COMPLETED: 'completed' };
const ACTION_SET = new Set<string>(ACTIONS);

/** Which field of the record holds the metadata of an instant file of this action and state. */
const METADATA_FIELDS = [
  'hoodieCommitMetadata',
  'hoodieReplaceCommitMetadata',
  'hoodieCleanMetadata',
  'hoodieRollbackMetadata',
  'hoodieSavePointMetadata',
  'hoodieCompactionPlan',
  'hoodieCleanerPlan',
  'hoodieRequestedReplaceMetadata',
  'HoodieInflightReplaceMetadata',
];

function toInstant(rec: { [k: string]: JsonValue }): ArchivedInstant | undefined {
  const time = rec.commitTime;
  let action = rec.actionType;
  if (typeof time !== 'string' || typeof action !== 'string') return undefined;
  const state = STATES[typeof rec.actionState === 'string' ? rec.actionState : 'COMPLETED'];
  if (!state) return undefined;
  // A completed compaction is a commit; its plan's requested/inflight files stay `compaction`.
  if (action === 'compaction' && state === 'completed') action = 'commit';
  if (!ACTION_SET.has(action)) return undefined;
  const out: ArchivedInstant = { time, action: action as Action, state };
  for (const f of METADATA_FIELDS) {
    const v = rec[f];
    if (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v)) {
      out.metadata = v;
      break;
    }
  }
  return out;
}

/** Instants of one archive file, in file order. */
export function decodeArchiveFile(bytes: Uint8Array, path: string): ArchivedInstant[] {
  const out: ArchivedInstant[] = [];
  const scan = readLogBlocks(bytes);
  for (const block of scan.blocks) {
    if (block.type !== BlockType.AVRO_DATA) continue;
    const { schema, records } = decodeAvroDataBlock(block, path);
    for (const r of records) {
      const json = avroToJson(schema, r);
      if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new CorruptTimelineError(path, 'an archive record is not a record');
      const instant = toInstant(json);
      if (instant) out.push(instant);
    }
  }
  return out;
}

/** Where archived instants sit in commit order: their completion time when the archive has one. */
function commitPoint(i: ArchivedInstant): string {
  return i.completionTime ?? i.time;
}

/**
 * The archived timeline: every archived instant file once, ordered by time then state. With
 * `byCompletionTime` (timeline layout 2) completed writes come in the order they completed, as
 * Hudi 1.x orders commits.
 */
export class ArchivedTimeline {
  readonly instants: readonly ArchivedInstant[];
  constructor(
    instants: ArchivedInstant[],
    readonly byCompletionTime = false,
  ) {
    const unique = new Map<string, ArchivedInstant>();
    for (const i of instants) unique.set(`${i.time}.${i.action}.${i.state}`, i);
    this.instants = [...unique.values()].sort((a, b) => compareInstants(a, b) || (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  }

  /** Completed commits, delta commits and replace commits, oldest first (in commit order). */
  completedWrites(): ArchivedInstant[] {
    const writes = this.instants.filter((i) => i.state === 'completed' && (i.action === 'commit' || i.action === 'deltacommit' || i.action === 'replacecommit'));
    if (!this.byCompletionTime) return writes;
    return writes.sort((a, b) => (commitPoint(a) < commitPoint(b) ? -1 : commitPoint(a) > commitPoint(b) ? 1 : compareInstants(a, b)));
  }

  /** The archived completed instant with this time, if any. */
  completedInstant(time: string): ArchivedInstant | undefined {
    return this.instants.find((i) => i.time === time && i.state === 'completed');
  }

  /** The commit metadata of an archived completed write (Avro form, same fields as the JSON). */
  commitMetadata(instant: ArchivedInstant): CommitMetadata {
    return commitMetadataFromJson(instant.metadata, `archived ${instant.time}.${instant.action}`);
  }
}

/** Reads the table's archived timeline: the archive log files, or the LSM history in layout 2. */
export async function loadArchivedTimeline(store: ObjectStore, config: TableConfig): Promise<ArchivedTimeline> {
  if (config.timelineLayoutVersion >= 2) return new ArchivedTimeline(await loadLsmHistory(store, config), true);
  const files = await listArchiveFiles(store, config);
  const all: ArchivedInstant[] = [];
  for (const f of files) all.push(...decodeArchiveFile(await store.get(f.key), f.key));
  return new ArchivedTimeline(all);
}

export interface ArchivedWrite {
  instant: ArchivedInstant;
  metadata: CommitMetadata;
}

/**
 * The archived completed writes in (start, end], for reads reaching back before the active
 * timeline `active`: nothing (and no listing) when `start` is within it. In layout 1 by instant
 * time. In layout 2 by completion time, as the active timeline's range is (see
 * Timeline.completedWritesBetween): an archived instant named as a bound stands for the moment it
 * completed. The history is read when `start` is before the completion of the first active write;
 * Hudi archives writes in requested order, so an archived write that completed after an active
 * one (writers running concurrently at the time) is missed by a start after that completion.
 */
export async function archivedWritesBetween(store: ObjectStore, active: Timeline, start: string, end: string): Promise<ArchivedWrite[]> {
  const config = active.config;
  const activeWrites = active.completedWrites();
  const first = activeWrites[0];
  if (config.timelineLayoutVersion < 2) {
    if (first !== undefined && start >= first.time) return [];
    const archived = await loadArchivedTimeline(store, config);
    return archived
      .completedWrites()
      .filter((i) => i.time > start && i.time <= end && (first === undefined || i.time < first.time))
      .map((instant) => ({ instant, metadata: archived.commitMetadata(instant) }));
  }
  const begin = start === '' ? undefined : start;
  if (begin !== undefined && first !== undefined && active.commitBound(begin) >= (first.completionTime ?? first.time)) return [];
  const archived = await loadArchivedTimeline(store, config);
  const bound = (t: string): string => active.completedInstant(t)?.completionTime ?? archived.completedInstant(t)?.completionTime ?? t;
  const after = begin === undefined ? undefined : bound(begin);
  const until = bound(end);
  // An archival that died before deleting the instant files leaves them active: counted there.
  const inActive = new Set(active.instants.map((i) => i.time));
  return archived
    .completedWrites()
    .filter((i) => !inActive.has(i.time) && (after === undefined || commitPoint(i) > after) && commitPoint(i) <= until)
    .map((instant) => ({ instant, metadata: archived.commitMetadata(instant) }));
}
