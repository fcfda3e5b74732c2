// Timeline archival as Hudi's archiver does it for table version 6: the instants chosen by
// archive-plan.ts are written as one new archive log file under `.hoodie/archived/` (one Avro
// data block of HoodieArchivedMetaEntry records), and only then their files are deleted from
// `.hoodie/`: requested and inflight files first, then completed ones oldest first. That order
// is what keeps a crash harmless: a completed file deleted before its plan would make the plan
// look pending to table services, and deleting newer completed files first would leave a hole
// readers could fall into. A crash after the archive file is written only means the next run
// archives the same instants again; readers keep one record per instant file.

import type { ObjectStore } from '@lake/storage';

import { parseBaseFileName } from '../file-group/base-file.js';
import { parseLogFileName } from '../file-group/log-file.js';
import { encodeLogBlock } from '../log/log-writer.js';
import { BlockType, HeaderKey } from '../log/log-format.js';
import type { TableContext } from '../table/table-context.js';
import { archiveDir, archiveFileName, listArchiveFiles } from '../timeline/archived-timeline.js';
import type { Instant } from '../timeline/instant.js';
import { decodeMetadataFile } from '../timeline/metadata-file.js';
import type { Timeline } from '../timeline/timeline.js';
import { archivedEntry } from './archive-entry.js';
import { archiveCandidates, compactionBound, DEFAULT_ARCHIVE_SETTINGS, needsArchiving, validateArchiveSettings, withStateFiles, type ArchiveSettings } from './archive-plan.js';
import { ARCHIVED_META_ENTRY_SCHEMA } from '../timeline/plans/archive-schema.js';
import { AvroWriter } from '../avro/avro-writer.js';
import { jsonAvroEncoder } from '../avro/encode-json.js';
import { instantFileKey } from '../commit/paths.js';

export interface ArchiveOptions {
  /** `hoodie.keep.max.commits`; default from the table's properties, else 30. */
  maxCommits?: number;
  /** `hoodie.keep.min.commits`; default from the table's properties, else 20. */
  minCommits?: number;
  /** `hoodie.cleaner.commits.retained`; default from the table's properties, else 10. */
  cleanerCommitsRetained?: number;
  /** Only report what would be archived. */
  dryRun?: boolean;
}

export interface ArchiveResult {
  /** Completed instants archived (or to archive with dryRun), oldest first, as `time.action`. */
  archived: string[];
  /** Instant files moved out of the active timeline (all states). */
  instantFiles: number;
  /** The archive file written; undefined when nothing was archived or with dryRun. */
  archiveFile?: string;
  /** The rule that kept more instants active than keep.min asks for, if one did. */
  heldBackBy?: string;
}

function intProp(table: TableContext, key: string): number | undefined {
  const v = table.config.raw.get(key)?.trim();
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** The settings in force: explicit options, then the table's properties, then Hudi's defaults. */
export function archiveSettings(table: TableContext, options: ArchiveOptions = {}): ArchiveSettings {
  const s: ArchiveSettings = {
    maxCommits: options.maxCommits ?? intProp(table, 'hoodie.keep.max.commits') ?? DEFAULT_ARCHIVE_SETTINGS.maxCommits,
    minCommits: options.minCommits ?? intProp(table, 'hoodie.keep.min.commits') ?? DEFAULT_ARCHIVE_SETTINGS.minCommits,
    cleanerCommitsRetained: options.cleanerCommitsRetained ?? intProp(table, 'hoodie.cleaner.commits.retained') ?? DEFAULT_ARCHIVE_SETTINGS.cleanerCommitsRetained,
  };
  validateArchiveSettings(s);
  return s;
}

/** Whether writes archive inline (`hoodie.archive.automatic`, default true). */
export function autoArchiveEnabled(table: TableContext): boolean {
  return table.config.raw.get('hoodie.archive.automatic')?.trim().toLowerCase() !== 'false';
}

/** The earliest commit the latest completed clean, or any clean under way, retains. */
async function cleanRetainBound(timeline: Timeline): Promise<string | undefined> {
  const cleans = timeline.instants.filter((i) => i.action === 'clean');
  const latestDone = cleans.filter((i) => i.state === 'completed').at(-1);
  const running = cleans.filter((i) => i.state === 'requested' && !timeline.completedInstant(i.time));
  let best: string | undefined;
  for (const c of [...(latestDone ? [latestDone] : []), ...running]) {
    const json = decodeMetadataFile(await timeline.instantBytes(c), timeline.instantPath(c));
    const plan = json?.earliestInstantToRetain;
    const t =
      typeof json?.earliestCommitToRetain === 'string' && json.earliestCommitToRetain !== ''
        ? json.earliestCommitToRetain
        : plan && typeof plan === 'object' && !Array.isArray(plan) && typeof plan.timestamp === 'string'
          ? plan.timestamp
          : undefined;
    // The lowest bound wins: a running clean may retain less than the one before it did.
    if (t !== undefined && (best === undefined || t < best)) best = t;
  }
  return best;
}

/** Whether any file of the file groups a replace commit replaced is still in storage. */
async function replacedFilesRemain(store: ObjectStore, timeline: Timeline, instant: Instant): Promise<boolean> {
  const meta = await timeline.commitMetadata(instant);
  for (const [partition, ids] of meta.partitionToReplaceFileIds) {
    if (ids.length === 0) continue;
    const wanted = new Set(ids);
    const listing = await store.listDirectory(partition === '' ? '' : `${partition}/`);
    for (const o of listing.objects) {
      const name = o.key.slice(o.key.lastIndexOf('/') + 1);
      const fileId = parseBaseFileName(name)?.fileId ?? parseLogFileName(name)?.fileId;
      if (fileId !== undefined && wanted.has(fileId)) return true;
    }
  }
  return false;
}

/** One Avro data block (content version 3) of archive records, framed as Hudi's log writer does. */
function archiveBlock(records: readonly Record<string, unknown>[]): Uint8Array {
  const encode = jsonAvroEncoder(ARCHIVED_META_ENTRY_SCHEMA);
  const datums = records.map((r) => {
    const out = new AvroWriter();
    encode(r, out);
    return out.slice(0);
  });
  const content = new Uint8Array(8 + datums.reduce((n, d) => n + 4 + d.length, 0));
  const view = new DataView(content.buffer);
  view.setInt32(0, 3, false);
  view.setInt32(4, datums.length, false);
  let at = 8;
  for (const d of datums) {
    view.setInt32(at, d.length, false);
    content.set(d, at + 4);
    at += 4 + d.length;
  }
  return encodeLogBlock({ type: BlockType.AVRO_DATA, header: new Map([[HeaderKey.SCHEMA, JSON.stringify(ARCHIVED_META_ENTRY_SCHEMA)]]), content });
}

/** Writes `bytes` as the next archive file version; object stores cannot append, so each run adds one. */
async function writeArchiveFile(table: TableContext, bytes: Uint8Array): Promise<string> {
  const files = await listArchiveFiles(table.store, table.config);
  let version = (files.at(-1)?.version ?? 0) + 1;
  for (;;) {
    const key = `${archiveDir(table.config)}/${archiveFileName(version)}`;
    if (await table.store.putIfAbsent(key, bytes)) return key;
    version++;
  }
}

/**
 * Archives the active timeline down to keep.min when it holds more than keep.max completed
 * instants of an action, within Hudi's rules. Returns what was archived (nothing when under
 * keep.max). Table version 6 only: later versions archive to an LSM timeline lake does not write.
 */
export async function archiveTimeline(table: TableContext, options: ArchiveOptions & { timeline?: Timeline } = {}): Promise<ArchiveResult> {
  const settings = archiveSettings(table, options);
  if (table.config.timelineLayoutVersion >= 2) return { archived: [], instantFiles: 0 };
  const timeline = options.timeline ?? (await table.timeline());
  if (!needsArchiving(timeline.instants, settings)) return { archived: [], instantFiles: 0 };
  const cleanBound = await cleanRetainBound(timeline);
  const plan = archiveCandidates(timeline.instants, settings, [
    cleanBound === undefined ? undefined : { time: cleanBound, why: `the latest clean's earliest retained commit ${cleanBound}` },
    table.config.type === 'MERGE_ON_READ' ? compactionBound(timeline.instants, settings) : undefined,
  ]);
  let chosen = plan.completed;
  let heldBackBy = plan.heldBackBy;
  // A replace commit hides the file groups it replaced; it stays until the cleaner removed them.
  const cut = await firstKeptReplace(table.store, timeline, chosen);
  if (cut !== undefined) {
    heldBackBy = `replacecommit ${cut.time} (the file groups it replaced are not cleaned yet)`;
    chosen = chosen.filter((i) => i.action === 'clean' || i.action === 'rollback' || i.time < cut.time);
  }
  const files = withStateFiles(timeline.instants, chosen);
  const archived = chosen.map((i) => `${i.time}.${i.action}`);
  if (files.length === 0 || options.dryRun) return { archived, instantFiles: files.length, heldBackBy };

  const records: Record<string, unknown>[] = [];
  for (const f of files) {
    // Hudi archives a compaction's plan with each of its pending states.
    const source = f.action === 'compaction' ? { ...f, state: 'requested' as const } : f;
    records.push(archivedEntry(f, await timeline.instantBytes(source), timeline.instantPath(source)));
  }
  const archiveFile = await writeArchiveFile(table, archiveBlock(records));

  const key = (i: Instant): string => instantFileKey(table.config, i);
  await table.store.deleteMany(files.filter((i) => i.state !== 'completed').map(key));
  for (const i of files.filter((f) => f.state === 'completed').sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))) {
    await table.store.delete(key(i));
  }
  return { archived, instantFiles: files.length, archiveFile, heldBackBy };
}

async function firstKeptReplace(store: ObjectStore, timeline: Timeline, chosen: readonly Instant[]): Promise<Instant | undefined> {
  for (const i of chosen) if (i.action === 'replacecommit' && (await replacedFilesRemain(store, timeline, i))) return i;
  return undefined;
}

/**
 * The inline archival after a write (Hudi's auto-archive): nothing at all, not even a listing,
 * while `before` (the timeline the write started from) plus the new commits stays within keep.max.
 */
export async function archiveAfterWrite(table: TableContext, before: Timeline | undefined, newCommits: number): Promise<ArchiveResult | undefined> {
  if (!autoArchiveEnabled(table) || table.config.timelineLayoutVersion >= 2) return undefined;
  const settings = archiveSettings(table);
  if (before) {
    const writes = before.instants.filter((i) => i.state === 'completed' && (i.action === 'commit' || i.action === 'deltacommit' || i.action === 'replacecommit')).length;
    if (writes + newCommits <= settings.maxCommits && !needsArchiving(before.instants, settings)) return undefined;
  }
  return archiveTimeline(table);
}
