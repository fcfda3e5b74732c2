// The file-system view: which files make up the table as of an instant — files of visible
// writes grouped into file groups and slices, replaced groups dropped, logs joined to slices by
// base instant (table version 6) or by their delta commit's completion time (version 8).

import { mapLimit, type ObjectStore } from '@lake/storage';

import { parseBaseFileName } from '../file-group/base-file.js';
import { fileGroupKey, type BaseFile, type FileGroup, type FileSlice, type LogFile } from '../file-group/file-slice.js';
import { compareLogFileNames, parseLogFileName } from '../file-group/log-file.js';
import type { Timeline } from '../timeline/timeline.js';
import { MissingBaseFileError } from '../errors.js';
import { listPartitions, type PartitionListing } from './partition.js';

export interface FileSystemView {
  /** Instant time bound of the view; undefined means the latest. */
  asOf?: string;
  /** Completed, not rolled-back write instants of the active timeline at or before `asOf`. */
  validInstants: ReadonlySet<string>;
  /**
   * Whether data written at an instant is visible: its write completed (or is older than the
   * active timeline, i.e. archived), was not rolled back, and is at or before `asOf`.
   */
  isVisible: (instant: string) => boolean;
  partitions: string[];
  /** Visible file groups (replaced ones dropped), slices oldest first. */
  fileGroups: FileGroup[];
}

export interface ViewOptions {
  asOf?: string;
  /** Restrict to these partition paths. */
  partitions?: (path: string) => boolean;
  /** Reuse a listing made earlier. */
  listing?: PartitionListing[];
}

/** Actions of Hudi's write timeline: those that write data files, and their plans. */
const WRITE_TIMELINE_ACTIONS: ReadonlySet<string> = new Set(['commit', 'deltacommit', 'replacecommit', 'compaction', 'logcompaction', 'clustering']);

/** The set of write instants whose files a reader may see. */
export async function validWriteInstants(timeline: Timeline, asOf?: string): Promise<Set<string>> {
  const rolledBack = await timeline.rolledBackInstants();
  const out = new Set<string>();
  for (const i of timeline.completedWrites(asOf)) if (!rolledBack.has(i.time)) out.add(i.time);
  return out;
}

/**
 * Hudi's visibility rule: an instant counts when it completed in the active timeline, or when it
 * is older than the active write timeline's first instant (archived) and not pending in it.
 */
export async function instantVisibility(timeline: Timeline, asOf?: string): Promise<{ valid: Set<string>; isVisible: (t: string) => boolean }> {
  const valid = await validWriteInstants(timeline, asOf);
  const rolledBack = await timeline.rolledBackInstants();
  // The start of the write timeline, not of every action: cleans and rollbacks are archived on
  // their own counts, so an old clean can stay active after newer commits were archived.
  const start = timeline.instants.find((i) => WRITE_TIMELINE_ACTIONS.has(i.action))?.time;
  const pending = new Set(timeline.pending().map((i) => i.time));
  const isVisible = (t: string): boolean =>
    valid.has(t) ||
    (start !== undefined && t < start && !pending.has(t) && !rolledBack.has(t) && (asOf === undefined || t <= asOf));
  return { valid, isVisible };
}

/** File ids replaced by completed replace commits in the valid set, per partition. */
export async function replacedFileGroups(timeline: Timeline, valid: ReadonlySet<string>): Promise<Set<string>> {
  const out = new Set<string>();
  for (const i of timeline.completedWrites()) {
    if (i.action !== 'replacecommit' || !valid.has(i.time)) continue;
    const meta = await timeline.commitMetadata(i);
    for (const [partition, ids] of meta.partitionToReplaceFileIds) {
      for (const id of ids) out.add(fileGroupKey(partition, id));
    }
  }
  return out;
}

function largestKeyAtOrBefore(keys: string[], bound: string): string | undefined {
  let best: string | undefined;
  for (const k of keys) if (k <= bound && (best === undefined || k > best)) best = k;
  return best;
}

function buildGroup(
  partitionPath: string,
  fileId: string,
  bases: BaseFile[],
  logs: LogFile[],
  timeline: Timeline,
  isVisible: (t: string) => boolean,
  asOf: string | undefined,
): FileGroup {
  const slices = new Map<string, FileSlice>();
  for (const b of bases) {
    // Two base files of one instant (a retried task) — keep the later write token, as Hudi does.
    const prev = slices.get(b.instantTime)?.baseFile;
    if (prev && prev.writeToken > b.writeToken) continue;
    slices.set(b.instantTime, { partitionPath, fileId, baseInstantTime: b.instantTime, baseFile: b, logFiles: [] });
  }
  const byCompletion = timeline.config.version >= 8;
  const baseKeys = [...slices.keys()];
  for (const log of [...logs].sort(compareLogFileNames)) {
    let key: string;
    if (byCompletion) {
      if (!isVisible(log.instantTime)) continue;
      const completion = log.completionTime ?? log.instantTime;
      key = largestKeyAtOrBefore(baseKeys, completion) ?? largestKeyAtOrBefore([...slices.keys()], completion) ?? log.instantTime;
    } else {
      key = log.instantTime;
      if (asOf !== undefined && key > asOf) continue;
    }
    let slice = slices.get(key);
    if (!slice) {
      slice = { partitionPath, fileId, baseInstantTime: key, logFiles: [] };
      slices.set(key, slice);
    }
    slice.logFiles.push(log);
  }
  const ordered = [...slices.values()].sort((a, b) => (a.baseInstantTime < b.baseInstantTime ? -1 : 1));
  // A slice without a base file whose instant never completed is a pending compaction's: its
  // logs were written against the previous slice and are read with it.
  const merged: FileSlice[] = [];
  for (const s of ordered) {
    const prev = merged[merged.length - 1];
    if (!s.baseFile && !isVisible(s.baseInstantTime) && prev) {
      prev.logFiles.push(...s.logFiles);
      continue;
    }
    merged.push(s);
  }
  for (const s of merged) s.logFiles.sort(compareLogFileNames);
  return { partitionPath, fileId, slices: merged };
}

/** Builds the view of the table at `asOf` (or now). */
export async function buildFileSystemView(store: ObjectStore, timeline: Timeline, options: ViewOptions = {}): Promise<FileSystemView> {
  const asOf = options.asOf;
  const { valid, isVisible } = await instantVisibility(timeline, asOf);
  const replaced = await replacedFileGroups(timeline, valid);
  const listing = options.listing ?? (await listPartitions(store));
  const groups: FileGroup[] = [];
  const partitions: string[] = [];
  for (const p of listing) {
    if (options.partitions && !options.partitions(p.path)) continue;
    partitions.push(p.path);
    const bases = new Map<string, BaseFile[]>();
    const logs = new Map<string, LogFile[]>();
    for (const f of p.files) {
      const base = parseBaseFileName(f.name);
      if (base) {
        if (!isVisible(base.instantTime)) continue;
        const list = bases.get(base.fileId) ?? [];
        list.push({ ...base, path: f.key, fileName: f.name, size: f.size });
        bases.set(base.fileId, list);
        continue;
      }
      const log = parseLogFileName(f.name);
      if (log && !log.cdc) {
        const entry: LogFile = { ...log, path: f.key, fileName: f.name, size: f.size };
        const completion = timeline.completedInstant(log.instantTime)?.completionTime;
        if (completion) entry.completionTime = completion;
        const list = logs.get(log.fileId) ?? [];
        list.push(entry);
        logs.set(log.fileId, list);
      }
    }
    const ids = new Set([...bases.keys(), ...logs.keys()]);
    for (const id of [...ids].sort()) {
      if (replaced.has(fileGroupKey(p.path, id))) continue;
      const group = buildGroup(p.path, id, bases.get(id) ?? [], logs.get(id) ?? [], timeline, isVisible, asOf);
      if (group.slices.length > 0) groups.push(group);
    }
  }
  return { asOf, validInstants: valid, isVisible, partitions, fileGroups: groups };
}

/** Each file group's latest slice (skipping groups whose latest slice holds no file). */
export function latestFileSlices(view: FileSystemView): FileSlice[] {
  const out: FileSlice[] = [];
  for (const g of view.fileGroups) {
    const s = g.slices[g.slices.length - 1];
    if (s && (s.baseFile || s.logFiles.length > 0)) out.push(s);
  }
  return out;
}

/** How many of the newest valid writes `checkLatestBaseFiles` verifies. */
const VERIFIED_WRITES = 50;

/**
 * Fails with MissingBaseFileError when a base file that one of the newest valid writes created is
 * gone from storage while its file group is still live: the listing alone would silently serve
 * the group's older version (or drop the group), which is stale data, not the table.
 */
export async function checkLatestBaseFiles(view: FileSystemView, timeline: Timeline, depth = VERIFIED_WRITES): Promise<void> {
  const latest = new Map<string, string>();
  for (const g of view.fileGroups) {
    const base = [...g.slices].reverse().find((s) => s.baseFile)?.baseFile;
    latest.set(fileGroupKey(g.partitionPath, g.fileId), base?.instantTime ?? '');
  }
  const live = new Set(view.partitions);
  const writes = timeline.completedWrites(view.asOf).filter((i) => view.validInstants.has(i.time)).slice(-depth);
  const replaced = new Set<string>();
  // Independent GETs on a cold cache: fetched together (bounded, all of them at the default
  // depth, so a cold writer pays one round trip however long the history), then walked newest first.
  const metas = await mapLimit(writes, VERIFIED_WRITES, (w) => timeline.commitMetadata(w));
  for (let k = writes.length - 1; k >= 0; k--) {
    const w = writes[k];
    const meta = metas[k];
    for (const [partition, ids] of meta.partitionToReplaceFileIds) for (const id of ids) replaced.add(fileGroupKey(partition, id));
    for (const [partition, stats] of meta.partitionToWriteStats) {
      if (!live.has(partition)) continue;
      for (const s of stats) {
        if (!s.path || !s.path.endsWith('.parquet') || !s.fileId) continue;
        const key = fileGroupKey(partition, s.fileId);
        if (replaced.has(key)) continue;
        const have = latest.get(key);
        if (have === undefined || have < w.time) throw new MissingBaseFileError(s.path);
      }
    }
  }
}
