// Rollback, as Hudi does it: a `rollback` instant (Avro plan, then Avro metadata) undoes a write
// that failed (its instant never completed) or, explicitly, the latest completed one. Base files
// of the write are deleted; log files a failed write created are deleted; log blocks a completed
// write appended are neutralized with a rollback command block in a new log file of the slice.
// Only when the rollback instant is complete are the write's own timeline files removed, and
// readers treat the write as gone from the moment the rollback is planned.

import { NotFoundError, type ObjectStore } from '@lake/storage';

import { CorruptTimelineError, InvalidWriteError } from '../errors.js';
import { makeWriteToken, parseBaseFileName } from '../file-group/base-file.js';
import { formatLogFileName, parseLogFileName } from '../file-group/log-file.js';
import { rollbackBlock } from '../log/log-writer.js';
import { encodeAvroContainer } from '../avro/avro-container-writer.js';
import type { TableContext } from '../table/table-context.js';
import { WRITE_ACTIONS, type Action, type Instant } from '../timeline/instant.js';
import type { Timeline } from '../timeline/timeline.js';
import { decodeMetadataFile } from '../timeline/metadata-file.js';
import { writeContext } from '../write/table-writes.js';
import { isHeartbeatExpired } from '../commit/heartbeat.js';
import { listMarkers } from '../commit/markers.js';
import { heartbeatKey, instantClaimKey, instantFileKey, markedFile } from '../commit/paths.js';
import { isClusteringInstant } from './clustering.js';
import { ROLLBACK_METADATA_SCHEMA, ROLLBACK_PLAN_SCHEMA } from '../timeline/plans/plan-schemas.js';
import { plannedDeletes } from './rollback-plan.js';
import { groupsWithCleanedHistory } from './rollback-cleaned.js';
import { hudiPath } from './table-paths.js';
import { backOff, isCompletedNow, refuse, takeRollbackFence } from './rollback-fence.js';

export interface RollbackResult {
  /** The rollback instant. */
  instant: string;
  rolledBack: string;
  action: Action;
  /** Whether the rolled-back write had completed. */
  wasCompleted: boolean;
  filesDeleted: string[];
  /** Log files holding the rollback command blocks written. */
  rollbackLogFiles: string[];
}

interface FileToUndo {
  path: string;
  partitionPath: string;
  fileId: string;
  /** Log files: the slice's base instant (the name's instant). */
  logBase?: string;
  size: number;
}

function partitionOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function describe(path: string, size: number): FileToUndo | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const base = parseBaseFileName(name);
  if (base) return { path, partitionPath: partitionOf(path), fileId: base.fileId, size };
  const log = parseLogFileName(name);
  if (log) return { path, partitionPath: partitionOf(path), fileId: log.fileId, logBase: log.instantTime, size };
  return undefined;
}

/** Files a write made: from its commit metadata when it completed, else from its markers. */
async function filesOf(store: ObjectStore, timeline: Timeline, target: Instant, completed: boolean): Promise<FileToUndo[]> {
  const out = new Map<string, FileToUndo>();
  if (completed) {
    const meta = await timeline.commitMetadata(target);
    for (const stats of meta.partitionToWriteStats.values()) {
      for (const s of stats) {
        if (!s.path) continue;
        const f = describe(s.path, s.totalWriteBytes ?? 0);
        if (f) out.set(f.path, f);
      }
    }
  }
  for (const marker of await listMarkers(store, target.time)) {
    const path = markedFile(target.time, marker);
    const f = describe(path, 0);
    if (f && !out.has(f.path)) out.set(f.path, f);
  }
  return [...out.values()];
}

interface RollbackMode {
  /** Roll back a pending write even though its heartbeat is fresh (its writer is known gone). */
  force?: boolean;
  /**
   * The lazy rollback of failed writes: never a completed write, never one whose heartbeat is
   * fresh; anything in the way makes it stand back (undefined) instead of failing.
   */
  lazy?: boolean;
  /** Finishing a rollback whose plan is already on the timeline. */
  resume?: boolean;
  heartbeatExpiryMs?: number;
}

/**
 * Rolls back one write. A pending write is rolled back unless its writer's heartbeat is still
 * fresh (pass `force` to override); a completed one only if it is the latest completed write.
 */
export async function rollbackWrite(table: TableContext, time: string, options: { force?: boolean; heartbeatExpiryMs?: number } = {}): Promise<RollbackResult> {
  const result = await rollbackInstant(table, time, { force: options.force, heartbeatExpiryMs: options.heartbeatExpiryMs });
  if (!result) throw new InvalidWriteError(`Write ${time} was not rolled back: its state changed while the rollback was prepared.`);
  return result;
}

async function rollbackInstant(table: TableContext, time: string, mode: RollbackMode): Promise<RollbackResult | undefined> {
  const store = table.store;
  const timeline = await table.timeline();
  const completedInstant = timeline.completedInstant(time);
  const target = completedInstant ?? timeline.pending().find((i) => i.time === time);
  if (!target) {
    if (mode.lazy) return undefined;
    throw new InvalidWriteError(`No instant ${time} on the timeline of ${table.uri}; nothing to roll back.`);
  }
  const completed = completedInstant !== undefined;
  const action: Action = target.action === 'commit' && target.state === 'inflight' && table.config.type === 'MERGE_ON_READ' ? 'deltacommit' : target.action;
  if (!WRITE_ACTIONS.has(target.action) && target.action !== 'compaction') {
    throw new InvalidWriteError(`Instant ${time} is a ${target.action}; only writes (commit, deltacommit, replacecommit, compaction) roll back.`);
  }
  const expiryMs = mode.heartbeatExpiryMs;
  if (completed) {
    // A completed write is only ever undone because someone asked for it by instant.
    if (mode.lazy && !mode.resume) return undefined;
    const latest = timeline.latestCompletedWrite();
    if (latest?.time !== time) {
      throw new InvalidWriteError(`Write ${time} is not the latest completed write (${latest?.time}); roll back the later writes first, newest first.`);
    }
    const lost = await groupsWithCleanedHistory(store, await timeline.commitMetadata(completedInstant!), time);
    if (lost.length > 0) {
      throw new InvalidWriteError(
        `Write ${time} cannot be rolled back: a clean removed the file versions it replaced (${lost.slice(0, 3).join(', ')}${lost.length > 3 ? `, and ${lost.length - 3} more` : ''}), so undoing it would lose the rows committed before it. Nothing was changed; correct the data with a new write instead, and keep more versions (clean retain) where rollbacks must stay possible.`,
      );
    }
  } else {
    if (!mode.force && !mode.resume && !(await isHeartbeatExpired(store, time, { expiryMs }))) {
      if (mode.lazy) return undefined;
      throw new InvalidWriteError(`Write ${time} is still running (its heartbeat is fresh); wait for it, or force the rollback if its writer is gone.`);
    }
    // From here the writer can no longer publish; then its state is read again, since it may
    // have published (and lifted its own fence) after the timeline above was read.
    const fence = await takeRollbackFence(table, time, action, { join: !mode.lazy && mode.force === true, expiryMs });
    if (!fence.proceed) return mode.lazy ? undefined : refuse(time, fence.reason);
    if (await isCompletedNow(table, time)) {
      await backOff(store, time);
      return mode.lazy ? undefined : refuse(time, 'it completed meanwhile; roll it back by instant again if it must go');
    }
    if (mode.lazy && !mode.resume && !(await isHeartbeatExpired(store, time, { expiryMs }))) {
      // Its writer is alive after all. Lifting the fence is safe: the writer either has not
      // reached its own fence yet, or lost it and stopped.
      await backOff(store, time);
      return undefined;
    }
  }

  const ctx = writeContext(table);
  const files = await filesOf(store, timeline, completed ? completedInstant! : target, completed);
  // Completed log appends are neutralized by a command block; everything else is deleted.
  const neutralize = completed ? files.filter((f) => f.logBase !== undefined) : [];
  const remove = files.filter((f) => !neutralize.includes(f));
  let latest = timeline.instants.at(-1)?.time;
  let instant: string;
  // plans and metadata name files by absolute path, as Hudi writes and resolves them
  const abs = (key: string) => hudiPath(store.uri, key);
  const plan = encodeAvroContainer(ROLLBACK_PLAN_SCHEMA, [
    {
      instantToRollback: { commitTime: time, action },
      RollbackRequests: [
        ...remove.map((f) => ({ partitionPath: f.partitionPath, fileId: null, latestBaseInstant: null, filesToBeDeleted: [abs(f.path)], logBlocksToBeDeleted: null })),
        ...neutralize.map((f) => ({
          partitionPath: f.partitionPath,
          fileId: f.fileId,
          latestBaseInstant: f.logBase ?? null,
          filesToBeDeleted: [],
          logBlocksToBeDeleted: { [abs(f.path)]: f.size },
        })),
      ],
      version: 1,
    },
  ]);
  // A rollback of this write that died half-way is finished under its own instant.
  const unfinished = await pendingRollbackOf(timeline, time);
  if (unfinished) {
    instant = unfinished;
    // the plan (maybe Hudi's) may name files the markers no longer show
    for (const key of await plannedDeletes(timeline, unfinished, store.uri)) {
      const f = describe(key, 0);
      if (f && !remove.some((r) => r.path === key) && !neutralize.some((r) => r.path === key)) remove.push(f);
    }
  } else {
    for (;;) {
      instant = ctx.instants.next(latest);
      if (await store.putIfAbsent(instantFileKey(table.config, { time: instant, action: 'rollback', state: 'requested' }), plan)) break;
      latest = instant;
    }
  }
  const started = Date.now();
  const planKeys = [instantFileKey(table.config, { time: instant, action: 'rollback', state: 'requested' }), instantFileKey(table.config, { time: instant, action: 'rollback', state: 'inflight' })];
  await store.put(planKeys[1], new Uint8Array());
  // Once more before deleting anything: a writer that does not fence (another engine) may have
  // completed the write since.
  if (!completed && (await isCompletedNow(table, time))) {
    await backOff(store, time, planKeys);
    return mode.lazy ? undefined : refuse(time, 'it completed meanwhile; roll it back by instant again if it must go');
  }

  const deleted: string[] = [];
  for (const f of remove) {
    if (await store.head(f.path)) deleted.push(f.path);
  }
  await store.deleteMany(remove.map((f) => f.path));
  const rollbackLogs = new Map<string, { path: string; size: number; partitionPath: string }>();
  for (const f of neutralize) {
    const key = `${f.partitionPath}\u0000${f.fileId}\u0000${f.logBase}`;
    if (rollbackLogs.has(key)) continue;
    const block = rollbackBlock(instant, time);
    const listing = await store.listDirectory(f.partitionPath === '' ? '' : `${f.partitionPath}/`);
    let version = 1;
    for (const o of listing.objects) {
      const log = parseLogFileName(o.key.slice(o.key.lastIndexOf('/') + 1));
      if (log && log.fileId === f.fileId && log.instantTime === f.logBase) version = Math.max(version, log.version + 1);
    }
    for (;;) {
      const name = formatLogFileName({ fileId: f.fileId, instantTime: f.logBase!, version, writeToken: makeWriteToken(0, 1 + Math.floor(Math.random() * 1_000_000), 0) });
      const path = f.partitionPath === '' ? name : `${f.partitionPath}/${name}`;
      if (await store.putIfAbsent(path, block)) {
        rollbackLogs.set(key, { path, size: block.length, partitionPath: f.partitionPath });
        break;
      }
      version++;
    }
  }

  const partitions = new Map<string, { successDeleteFiles: string[]; rollbackLogFiles: Record<string, number>; logFilesFromFailedCommit: Record<string, number> }>();
  const part = (p: string) => {
    let entry = partitions.get(p);
    if (!entry) {
      entry = { successDeleteFiles: [], rollbackLogFiles: {}, logFilesFromFailedCommit: {} };
      partitions.set(p, entry);
    }
    return entry;
  };
  for (const path of deleted) part(partitionOf(path)).successDeleteFiles.push(abs(path));
  for (const r of rollbackLogs.values()) part(r.partitionPath).rollbackLogFiles[abs(r.path)] = r.size;
  for (const f of neutralize) part(f.partitionPath).logFilesFromFailedCommit[abs(f.path)] = f.size;
  const metadata = encodeAvroContainer(ROLLBACK_METADATA_SCHEMA, [
    {
      startRollbackTime: instant,
      timeTakenInMillis: Date.now() - started,
      totalFilesDeleted: deleted.length,
      commitsRollback: [time],
      partitionMetadata: Object.fromEntries(
        [...partitions].map(([p, m]) => [p, { partitionPath: p, successDeleteFiles: m.successDeleteFiles, failedDeleteFiles: [], rollbackLogFiles: m.rollbackLogFiles, logFilesFromFailedCommit: m.logFilesFromFailedCommit }]),
      ),
      version: 1,
      instantsRollback: [{ commitTime: time, action }],
    },
  ]);
  await store.put(instantFileKey(table.config, { time: instant, action: 'rollback', state: 'completed' }), metadata);

  // The write is now undone for every reader; its own instant files, markers and heartbeat go.
  // Its fence stays: a writer paused past its heartbeat's expiry must still find it taken.
  const own: string[] = [];
  for (const state of ['requested', 'inflight', 'completed'] as const) own.push(instantFileKey(table.config, { time, action: target.action, state }));
  if (target.action === 'compaction') own.push(instantFileKey(table.config, { time, action: 'commit', state: 'completed' }));
  own.push(instantFileKey(table.config, { time, action: 'commit', state: 'inflight' }));
  own.push(...(await listMarkers(store, time)), heartbeatKey(time), instantClaimKey(time));
  await store.deleteMany(own);
  return { instant, rolledBack: time, action, wasCompleted: completed, filesDeleted: deleted, rollbackLogFiles: [...rollbackLogs.values()].map((r) => r.path) };
}

/**
 * Rolls back every write whose writer died: pending writes (not compactions or clusterings, which
 * their next run finishes) whose heartbeat expired. Returns what was rolled back.
 */
export async function rollbackFailedWrites(table: TableContext, options: { heartbeatExpiryMs?: number } = {}): Promise<RollbackResult[]> {
  return (await rollbackFailedWritesWithTimeline(table, options)).rolledBack;
}

/**
 * `rollbackFailedWrites`, also handing back the timeline as it stands afterwards (loaded once
 * when nothing was rolled back), so the write that follows need not list it again.
 */
export async function rollbackFailedWritesWithTimeline(
  table: TableContext,
  options: { heartbeatExpiryMs?: number } = {},
): Promise<{ rolledBack: RollbackResult[]; timeline: Timeline }> {
  const out: RollbackResult[] = [];
  let timeline = await table.timeline();
  // Rollbacks that died half-way come first: their targets are already hidden from readers.
  const unfinished = await pendingRollbackTargets(timeline);
  for (const target of unfinished) {
    const done = await rollbackInstant(table, target, { lazy: true, resume: true, heartbeatExpiryMs: options.heartbeatExpiryMs });
    if (done) out.push(done);
  }
  if (unfinished.length > 0) timeline = await table.timeline();
  let changed = false;
  for (const i of timeline.pending()) {
    if (!WRITE_ACTIONS.has(i.action) && !(i.action === 'commit' && i.state === 'inflight')) continue;
    if (i.action === 'replacecommit' && (await isClusteringInstant(timeline, i.time))) continue;
    if (out.some((r) => r.rolledBack === i.time)) continue;
    if (!(await isHeartbeatExpired(table.store, i.time, { expiryMs: options.heartbeatExpiryMs }))) continue;
    // The write may complete between the timeline read above and this call; rollbackInstant
    // checks again under the fence and stands back then.
    const done = await rollbackInstant(table, i.time, { lazy: true, heartbeatExpiryMs: options.heartbeatExpiryMs });
    if (done) out.push(done);
    changed = true;
  }
  return { rolledBack: out, timeline: changed ? await table.timeline() : timeline };
}

async function pendingRollbacks(timeline: Timeline): Promise<{ instant: string; target: string }[]> {
  const out: { instant: string; target: string }[] = [];
  for (const i of timeline.pending()) {
    if (i.action !== 'rollback') continue;
    const requested: Instant = { time: i.time, action: 'rollback', state: 'requested' };
    let bytes: Uint8Array;
    try {
      bytes = await timeline.instantBytes(requested);
    } catch (error) {
      // A rollback that backed off (its target completed) removes its plan: it is no longer pending.
      if (error instanceof CorruptTimelineError && error.cause instanceof NotFoundError) continue;
      throw error;
    }
    const json = decodeMetadataFile(bytes, timeline.instantPath(requested));
    const info = json?.instantToRollback;
    if (info && typeof info === 'object' && !Array.isArray(info) && typeof info.commitTime === 'string') out.push({ instant: i.time, target: info.commitTime });
  }
  return out;
}

async function pendingRollbackOf(timeline: Timeline, target: string): Promise<string | undefined> {
  return (await pendingRollbacks(timeline)).find((r) => r.target === target)?.instant;
}

async function pendingRollbackTargets(timeline: Timeline): Promise<string[]> {
  return (await pendingRollbacks(timeline)).map((r) => r.target);
}
