// Cleaning, as Hudi's cleaner does it: file versions no retained instant can need are deleted,
// recorded as a `clean` instant (Avro cleaner plan, then Avro clean metadata) that every engine
// understands. KEEP_LATEST_COMMITS keeps what time travel to the last N writes needs;
// KEEP_LATEST_BY_HOURS what it needs for the last H hours. Time travel to an instant before the
// earliest retained one is refused with InstantCleanedError rather than answered from a
// half-deleted history.


import { InstantCleanedError, InstantErasedError, UnsupportedFeatureError } from '../errors.js';
import { parseBaseFileName } from '../file-group/base-file.js';
import { fileGroupKey } from '../file-group/file-slice.js';
import { parseLogFileName } from '../file-group/log-file.js';
import { instantVisibility } from '../table/fs-view.js';
import { writerSnapshots } from '../table/writer-snapshot.js';
import type { TableContext } from '../table/table-context.js';
import { dateToInstantTime } from '../timeline/instant-time.js';
import type { Instant } from '../timeline/instant.js';
import { decodeMetadataFile } from '../timeline/metadata-file.js';
import type { Timeline } from '../timeline/timeline.js';
import { removeSettledFences } from './fence-retention.js';
import { writeContext } from '../write/table-writes.js';
import { ERASURES_FOLDER, instantFileKey } from '../commit/paths.js';
import { pendingCompactionGroups } from '../timeline/plans/compaction-plan.js';
import { cleanerPlan, executeClean } from './clean-execute.js';
import { finishPendingCleans } from './clean-resume.js';

export type CleanPolicy =
  /** Hudi's KEEP_LATEST_COMMITS (`hoodie.cleaner.commits.retained`, default 10). */
  | { kind: 'commits'; retain: number }
  /** Hudi's KEEP_LATEST_BY_HOURS (`hoodie.cleaner.hours.retained`). */
  | { kind: 'hours'; retain: number };

export interface CleanResult {
  /** The clean instant (planned only, with dryRun). */
  instant: string;
  policy: 'KEEP_LATEST_COMMITS' | 'KEEP_LATEST_BY_HOURS';
  earliestRetained: string;
  /** Files deleted (or to delete), per partition. */
  files: Map<string, string[]>;
  filesDeleted: number;
}

export const DEFAULT_CLEAN_POLICY: CleanPolicy = { kind: 'commits', retain: 10 };

/** The earliest instant the policy retains; undefined when every write is retained. */
function earliestRetained(timeline: Timeline, valid: ReadonlySet<string>, policy: CleanPolicy, now: Date): string | undefined {
  const writes = timeline.completedWrites().filter((w) => valid.has(w.time));
  if (writes.length === 0) return undefined;
  if (policy.kind === 'commits') {
    const retain = Math.max(1, Math.floor(policy.retain));
    return writes.length > retain ? writes[writes.length - retain].time : undefined;
  }
  const cutoff = dateToInstantTime(new Date(now.getTime() - policy.retain * 3_600_000), timeline.config.timelineTimezone);
  // The write serving the cutoff moment stays readable too: the last one at or before it.
  const before = writes.filter((w) => w.time <= cutoff);
  if (before.length === 0) return undefined;
  const keep = before[before.length - 1].time;
  return keep === writes[0].time ? undefined : keep;
}

/** File groups replaced by replace commits that completed before `bound`. */
async function replacedBefore(timeline: Timeline, valid: ReadonlySet<string>, bound: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const w of timeline.completedWrites()) {
    if (w.action !== 'replacecommit' || !valid.has(w.time) || w.time >= bound) continue;
    for (const [p, ids] of (await timeline.commitMetadata(w)).partitionToReplaceFileIds) for (const id of ids) out.set(fileGroupKey(p, id), w.time);
  }
  return out;
}

/** Per partition, the data files no instant at or after `earliest` needs. */
async function filesToClean(table: TableContext, timeline: Timeline, earliest: string, supersededBefore: string): Promise<Map<string, string[]>> {
  const { valid, isVisible } = await instantVisibility(timeline);
  const replaced = await replacedBefore(timeline, valid, earliest);
  const compacting = await pendingCompactionGroups(timeline);
  const out = new Map<string, string[]>();
  // The listing this table object's writes keep (a long-running writer cleaning every few
  // commits does not list every partition each time; the first use lists them all).
  for (const partition of await writerSnapshots.listing(table, table.store, timeline)) {
    // fileId -> base instant -> files of that slice (base file and its logs).
    const groups = new Map<string, Map<string, string[]>>();
    for (const f of partition.files) {
      const base = parseBaseFileName(f.name);
      const log = base ? undefined : parseLogFileName(f.name);
      const fileId = base?.fileId ?? log?.fileId;
      const sliceAt = base?.instantTime ?? log?.instantTime;
      if (!fileId || !sliceAt || log?.cdc) continue;
      // Files of writes that never completed are a rollback's business, not the cleaner's.
      if (base && !isVisible(base.instantTime)) continue;
      const slices = groups.get(fileId) ?? new Map<string, string[]>();
      slices.set(sliceAt, [...(slices.get(sliceAt) ?? []), f.key]);
      groups.set(fileId, slices);
    }
    const doomed: string[] = [];
    for (const [fileId, slices] of groups) {
      const key = fileGroupKey(partition.path, fileId);
      if (compacting.has(key)) continue;
      if (replaced.has(key)) {
        if ((replaced.get(key) ?? '') < supersededBefore) for (const files of slices.values()) doomed.push(...files);
        continue;
      }
      const times = [...slices.keys()].sort();
      // Keep every slice from the one serving reads at `earliest` on (the newest at or before it),
      // and any slice superseded so recently that a reader may still be reading it.
      const serving = times.filter((t) => t <= earliest).at(-1);
      if (serving === undefined) continue;
      times.forEach((t, i) => {
        if (t < serving && times[i + 1] < supersededBefore) doomed.push(...slices.get(t)!);
      });
    }
    if (doomed.length > 0) out.set(partition.path, doomed.sort());
  }
  return out;
}

/**
 * Cleans the table by the policy: plans (`clean.requested`), deletes, and completes the `clean`
 * instant. Undefined when nothing is old enough to clean.
 */
/** How long a superseded file version stays for readers still reading it (default 15 minutes). */
const DEFAULT_READER_GRACE_MS = 15 * 60_000;

export async function cleanTable(
  table: TableContext,
  options: { policy?: CleanPolicy; dryRun?: boolean; now?: Date; readerGraceMs?: number } = {},
): Promise<CleanResult | undefined> {
  if (table.config.version >= 8) throw new UnsupportedFeatureError('Cleaning table version 8 is not supported yet; lake cleans version 6 tables.');
  const policy = options.policy ?? DEFAULT_CLEAN_POLICY;
  const policyName = policy.kind === 'commits' ? 'KEEP_LATEST_COMMITS' : 'KEEP_LATEST_BY_HOURS';
  let timeline = await table.timeline();
  // a clean that died half-way is finished from its plan before a new one is planned
  if (!options.dryRun && (await finishPendingCleans(table, timeline)).length > 0) timeline = await table.timeline();
  // lake's own leftovers: the fences of writes settled long ago
  if (!options.dryRun) await removeSettledFences(table, { now: options.now });
  const { valid } = await instantVisibility(timeline);
  const earliest = earliestRetained(timeline, valid, policy, options.now ?? new Date());
  if (!earliest) return undefined;
  const now = options.now ?? new Date();
  const supersededBefore = dateToInstantTime(new Date(now.getTime() - (options.readerGraceMs ?? DEFAULT_READER_GRACE_MS)), timeline.config.timelineTimezone);
  const files = await filesToClean(table, timeline, earliest, supersededBefore);
  const count = [...files.values()].reduce((n, f) => n + f.length, 0);
  if (options.dryRun) return { instant: writeContext(table).instants.next(timeline.instants.at(-1)?.time), policy: policyName, earliestRetained: earliest, files, filesDeleted: 0 };
  if (count === 0) return undefined;
  const instant = await writeCleanInstant(table, files, earliest, policyName);
  return { instant, policy: policyName, earliestRetained: earliest, files, filesDeleted: count };
}

/** How old a leftover of a killed write must be before `removeAbandonedWrites` deletes it. */
export const ABANDONED_WRITE_AGE_MS = 60 * 60_000;

/**
 * Deletes what writers killed in the middle of writing an object left behind and no listing or
 * reader ever sees (on local disk, `.lake-tmp-*` files), once older than `olderThanMs` (default
 * one hour, far longer than any one object takes to write). Returns how many were removed; 0 on
 * stores whose writes leave nothing behind (S3 writes objects whole).
 */
export async function removeAbandonedWrites(table: TableContext, options: { olderThanMs?: number; now?: Date } = {}): Promise<number> {
  const store = table.store;
  if (!store.removeAbandonedWrites) return 0;
  const now = options.now ?? new Date();
  return store.removeAbandonedWrites(new Date(now.getTime() - (options.olderThanMs ?? ABANDONED_WRITE_AGE_MS)));
}

/**
 * Deletes `files` (per partition) as one Hudi clean: the Avro plan as `clean.requested` and
 * `clean.inflight`, the deletes, then the Avro clean metadata. Returns the clean's instant.
 */
export async function writeCleanInstant(
  table: TableContext,
  files: ReadonlyMap<string, string[]>,
  earliest: string,
  policyName: string,
): Promise<string> {
  const store = table.store;
  const timeline = await table.timeline();
  const plan = cleanerPlan(timeline, files, earliest, policyName);
  const ctx = writeContext(table);
  let latest = timeline.instants.at(-1)?.time;
  let instant: string;
  for (;;) {
    instant = ctx.instants.next(latest);
    if (await store.putIfAbsent(instantFileKey(table.config, { time: instant, action: 'clean', state: 'requested' }), plan)) break;
    latest = instant;
  }
  await executeClean(table, timeline, { instant, files, earliest, policyName, plan });
  return instant;
}

/** The erasure request whose purge is the clean at `clean`, if any. */
async function erasureOfClean(timeline: Timeline, clean: string): Promise<string | undefined> {
  for await (const o of timeline.store.list(ERASURES_FOLDER)) {
    try {
      const rec = JSON.parse(new TextDecoder().decode(await timeline.store.get(o.key))) as { requestId?: string; instants?: string[] };
      if (rec.instants?.includes(clean) && rec.requestId) return rec.requestId;
    } catch {
      // An unreadable record cannot name the request; the plain cleaned error still applies.
    }
  }
  return undefined;
}

/**
 * Fails with InstantCleanedError when `asOf` is before the earliest instant the latest clean
 * retained (or planned to retain: a clean under way may already have deleted files).
 */
export async function checkNotCleaned(timeline: Timeline, asOf: string): Promise<void> {
  // Cleans only move forward: the latest completed one, and any under way, decide.
  const completed = timeline.instants.filter((i) => i.action === 'clean' && i.state === 'completed');
  const running = timeline.instants.filter((i) => i.action === 'clean' && i.state === 'requested' && !timeline.completedInstant(i.time));
  const cleans = [...completed.slice(-1), ...running];
  let best: { earliest: string; clean: string } | undefined;
  for (const c of cleans) {
    const instant: Instant = c;
    const json = decodeMetadataFile(await timeline.instantBytes(instant), timeline.instantPath(instant));
    const fromPlan = json?.earliestInstantToRetain;
    const earliest =
      typeof json?.earliestCommitToRetain === 'string'
        ? json.earliestCommitToRetain
        : fromPlan && typeof fromPlan === 'object' && !Array.isArray(fromPlan) && typeof fromPlan.timestamp === 'string'
          ? fromPlan.timestamp
          : undefined;
    if (earliest && (!best || earliest > best.earliest)) best = { earliest, clean: c.time };
  }
  if (best && asOf < best.earliest) {
    const request = await erasureOfClean(timeline, best.clean);
    if (request) throw new InstantErasedError(asOf, best.earliest, best.clean, request);
    throw new InstantCleanedError(asOf, best.earliest, best.clean);
  }
}
