// Hudi's archived timeline (table version 6): instants moved out of `.hoodie/` into archive log
// files `.hoodie/archived/.commits_.archive.<N>_<token>`, each a Hudi log file of Avro data
// blocks holding HoodieArchivedMetaEntry records. Read only where the active timeline cannot
// answer (history, incremental reads from before it). An archival that died after writing its
// file and redid the work leaves duplicates; readers keep one record per instant file.

import type { ObjectStore } from '@lake/storage';

import type { TableConfig } from '../config/table-config.js';
import { CorruptTimelineError, UnsupportedFeatureError } from '../errors.js';
import { decodeAvroDataBlock } from '../log/data-block.js';
import { BlockType } from '../log/log-format.js';
import { readLogBlocks } from '../log/log-reader.js';
import { commitMetadataFromJson, type CommitMetadata } from './commit-metadata.js';
import { ACTIONS, compareInstants, type Action, type Instant, type InstantState } from './instant.js';
import { avroToJson, type JsonValue } from './metadata-file.js';
import { archiveFolder } from '../commit/paths.js';

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

export interface ArchivedInstant extends Instant {
  /** The instant file's metadata as the archive holds it (Avro field values as JSON). */
  metadata?: { [k: string]: JsonValue };
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

/** The archived timeline: every archived instant file once, ordered by time then state. */
export class ArchivedTimeline {
  readonly instants: readonly ArchivedInstant[];
  constructor(instants: ArchivedInstant[]) {
    const unique = new Map<string, ArchivedInstant>();
    for (const i of instants) unique.set(`${i.time}.${i.action}.${i.state}`, i);
    this.instants = [...unique.values()].sort((a, b) => compareInstants(a, b) || (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  }

  /** Completed commits, delta commits and replace commits, oldest first. */
  completedWrites(): ArchivedInstant[] {
    return this.instants.filter((i) => i.state === 'completed' && (i.action === 'commit' || i.action === 'deltacommit' || i.action === 'replacecommit'));
  }

  /** The commit metadata of an archived completed write (Avro form, same fields as the JSON). */
  commitMetadata(instant: ArchivedInstant): CommitMetadata {
    return commitMetadataFromJson(instant.metadata, `archived ${instant.time}.${instant.action}`);
  }
}

/** Reads every archive file of the table. */
export async function loadArchivedTimeline(store: ObjectStore, config: TableConfig): Promise<ArchivedTimeline> {
  const files = await listArchiveFiles(store, config);
  const all: ArchivedInstant[] = [];
  for (const f of files) all.push(...decodeArchiveFile(await store.get(f.key), f.key));
  return new ArchivedTimeline(all);
}

/**
 * The archived completed writes in (start, end], for reads reaching back before the active
 * timeline: nothing (and no listing) when `start` is within it.
 */
export async function archivedWritesBetween(
  store: ObjectStore,
  config: TableConfig,
  firstActive: string | undefined,
  start: string,
  end: string,
): Promise<{ instant: ArchivedInstant; metadata: CommitMetadata }[]> {
  if (firstActive !== undefined && start >= firstActive) return [];
  if (config.timelineLayoutVersion >= 2) {
    await checkNoLsmHistory(store, config, firstActive);
    return [];
  }
  const archived = await loadArchivedTimeline(store, config);
  return archived
    .completedWrites()
    .filter((i) => i.time > start && i.time <= end && (firstActive === undefined || i.time < firstActive))
    .map((instant) => ({ instant, metadata: archived.commitMetadata(instant) }));
}

/** Folder of Hudi 1.x's archived (LSM) timeline: `.hoodie/timeline/<hoodie.timeline.history.path>`. */
function lsmHistoryDir(config: TableConfig): string {
  return `${config.timelineDir}/${config.raw.get('hoodie.timeline.history.path')?.trim() || 'history'}`;
}

/**
 * Timeline layout 2 archives into an LSM tree of Parquet files (`_version_`, `manifest_<N>`),
 * which lake does not read. A read reaching back before the active timeline of a table that
 * archived instants there would miss their rows, so it fails instead; with nothing archived
 * (no `_version_` file) the active timeline is the whole history.
 */
async function checkNoLsmHistory(store: ObjectStore, config: TableConfig, firstActive: string | undefined): Promise<void> {
  const dir = lsmHistoryDir(config);
  if ((await store.head(`${dir}/_version_`)) === undefined) return;
  throw new UnsupportedFeatureError(
    `This table archived older instants into Hudi 1.x's LSM timeline history (${dir}), which lake does not read yet; ` +
      `start the incremental read at or after the oldest active write${firstActive ? ` (${firstActive})` : ''}.`,
  );
}
