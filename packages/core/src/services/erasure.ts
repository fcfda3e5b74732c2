// GDPR erasure by the values of a non-key column (a user id): the rows go from the latest snapshot
// in one commit (copy-on-write rewrites only the file groups that held them; merge-on-read logs
// delete blocks, then compacts those file groups), then every other data file in the table that
// still holds a value — older file versions, replaced groups, log files with the delete's own
// blocks, leftovers of failed writes — is deleted and recorded as a Hudi `clean` instant, and
// lake's own record files (the ingest quarantine) are rewritten without the values. A proof record
// keeps salted hashes of the values (never the values), what was examined, written and purged,
// and a verification that re-read the whole table folder.
//
// Every step is idempotent and the proof record is saved as the erasure goes, so running the
// same request again finishes an interrupted run: its delete commit is found by its commit
// metadata, its compaction by its plan's metadata, its purge by the files it planned to delete.

import { randomHex } from '../util/sha256.js';

import { ConflictError, InvalidWriteError } from '../errors.js';
import { fileGroupKey } from '../file-group/file-slice.js';
import { buildFileSystemView, latestFileSlices } from '../table/fs-view.js';
import type { TableContext } from '../table/table-context.js';
import { executeWrite, type WriteResult } from '../write/write-client.js';
import type { Timeline } from '../timeline/timeline.js';
import { writeContext } from '../write/table-writes.js';
import { removeAbandonedWrites, writeCleanInstant } from './clean.js';
import { executeClean } from './clean-execute.js';
import { pendingCleans } from './clean-resume.js';
import { cleanedFiles } from '../timeline/clean-metadata.js';
import { runCompaction, scheduleCompaction } from './compaction.js';
import { pendingCompactionGroups, pendingCompactions } from '../timeline/plans/compaction-plan.js';
import { purgeRecordFiles } from './erasure-aux.js';
import { findErased } from './erasure-find.js';
import { readColumnStats } from '../metadata-table/column-stats-index.js';
import { fingerprintsOf, ValueMatcher, valueHash } from './erasure-match.js';
import { checkSameRequest, loadRecord, matcherOf, saveRecord, type ErasureRecord } from './erasure-record.js';
import { dataFiles, holdsValue, scanDataFile, type ScanOptions } from './erasure-scan.js';
import { verifyFolder } from './erasure-verify.js';
import { committedLogExtents, refuseCorruptLogBlocks } from '../read/log-corruption.js';
import { addPlannedRewrite, newSearchLog, type PlannedRewrites } from './erasure-search.js';

export type { ErasureRecord } from './erasure-record.js';
export type { ErasureVerification } from './erasure-verify.js';

export interface ErasureRequest {
  column: string;
  values: readonly (string | number | bigint)[];
  /** Names the request in the proof record; default: a random id. Re-running an id finishes it. */
  requestId?: string;
  /** Only report what would be erased. */
  dryRun?: boolean;
  /**
   * Erase even where log blocks of completed writes cannot be parsed (compaction then drops
   * their records for good). Without it such a table is refused with CorruptLogBlockError
   * before anything is written.
   */
  force?: boolean;
  /**
   * false: never read the metadata table's column statistics (the search then reads every base
   * file's footer). Default: use them where the table has a usable column_stats partition.
   */
  useMetadataTable?: boolean;
}

export interface ErasureReport extends ErasureRecord {
  dryRun: boolean;
  /** Dry run only: the files of the file groups the erasure would rewrite, and their bytes. */
  plannedRewrites?: PlannedRewrites;
}

/** Commit metadata and compaction plan key naming the erasure request that wrote them. */
const REQUEST_KEY = 'lake.erasure.request';

function addAll(list: string[], items: Iterable<string>): void {
  for (const i of items) if (!list.includes(i)) list.push(i);
}

/** How often the search and delete run again after losing a conflict. */
const ERASURE_CONFLICT_RETRIES = 3;

/** Reads a proof record. */
export async function readErasureRecord(table: TableContext, requestId: string): Promise<ErasureRecord> {
  const record = await loadRecord(table.store, requestId);
  if (!record) throw new InvalidWriteError(`No erasure request "${requestId}" is recorded for ${table.uri}.`);
  return record;
}

/** Re-runs the verification of an earlier erasure and records its result. */
export async function verifyErasure(table: TableContext, requestId: string): Promise<ErasureRecord> {
  const record = await readErasureRecord(table, requestId);
  record.verification = await verifyFolder(table.store, record.column, matcherOf(record));
  await saveRecord(table.store, record);
  return record;
}

/** Adds the paths a completed instant wrote to the record's rewritten files; returns its deletes. */
async function noteWrites(table: TableContext, record: ErasureRecord, instant: string, action: 'commit' | 'deltacommit'): Promise<number> {
  const meta = await (await table.timeline()).commitMetadata({ time: instant, action, state: 'completed' });
  let deletes = 0;
  for (const stats of meta.partitionToWriteStats.values()) {
    for (const s of stats) {
      if (s.path) addAll(record.filesRewritten, [s.path]);
      deletes += s.numDeletes;
    }
  }
  return deletes;
}

/** Finishes what an earlier run of the request left: its delete commit, compaction and purge. */
/** Records the completed delete commits of this request that the record does not list yet. */
async function adoptCompletedWrites(table: TableContext, record: ErasureRecord, timeline: Timeline): Promise<void> {
  for (const w of timeline.completedWrites()) {
    if (w.time <= (record.fromInstant ?? '') || record.instants.includes(w.time) || w.action === 'replacecommit') continue;
    if ((await timeline.commitMetadata(w)).extraMetadata.get(REQUEST_KEY) !== record.requestId) continue;
    record.instants.push(w.time);
    record.rowsErased += await noteWrites(table, record, w.time, w.action === 'commit' ? 'commit' : 'deltacommit');
  }
}

async function finishEarlierRun(table: TableContext, record: ErasureRecord, force: boolean | undefined): Promise<void> {
  const store = table.store;
  const timeline = await table.timeline();
  await adoptCompletedWrites(table, record, timeline);
  if (table.config.type === 'MERGE_ON_READ') {
    for (const { instant, plan } of await pendingCompactions(timeline)) {
      if (plan.extraMetadata[REQUEST_KEY] !== record.requestId) continue;
      addAll(record.instants, [instant.time]);
      await runCompaction(table, instant.time, { force });
      await noteWrites(table, record, instant.time, 'commit');
    }
  }
  // A clean is this request's when every file it deletes is one the request planned to purge.
  const planned = new Set(record.purgePlanned ?? []);
  for (const c of timeline.completed()) {
    if (c.action !== 'clean' || c.time <= (record.fromInstant ?? '') || record.instants.includes(c.time)) continue;
    const files = await cleanedFiles(timeline, c.time);
    if (files.length === 0 || !files.every((f) => planned.has(f))) continue;
    record.instants.push(c.time);
    addAll(record.filesPurged, files);
  }
  for (const clean of await pendingCleans(await table.timeline())) {
    const files = [...clean.files.values()].flat();
    if (files.length === 0 || !files.every((f) => planned.has(f))) continue;
    await executeClean(table, await table.timeline(), { instant: clean.instant, plan: clean.plan, files: clean.files, earliest: clean.earliest, policyName: clean.policy || 'KEEP_LATEST_COMMITS' });
    addAll(record.instants, [clean.instant]);
    addAll(record.filesPurged, files);
  }
  await saveRecord(store, record);
}

/** Compacts the touched file groups, first running others' pending compactions that hold them. */
async function compactTouched(table: TableContext, record: ErasureRecord, touched: ReadonlySet<string>, force: boolean | undefined): Promise<void> {
  const busy = await pendingCompactionGroups(await table.timeline());
  const others = new Set([...touched].map((g) => busy.get(g)).filter((i): i is string => i !== undefined));
  for (const instant of [...others].sort()) {
    await runCompaction(table, instant, { force });
    addAll(record.instants, [instant]);
  }
  const groups = [...touched].map((k) => k.replace('\u0000', '/'));
  const planned = await scheduleCompaction(table, { strategy: { kind: 'file-groups', fileGroups: groups }, extraMetadata: { [REQUEST_KEY]: record.requestId } });
  if (!planned) return;
  addAll(record.instants, [planned.instant]);
  await saveRecord(table.store, record);
  await runCompaction(table, planned.instant, { force });
  await noteWrites(table, record, planned.instant, 'commit');
  await saveRecord(table.store, record);
}

/**
 * Deletes, as one clean, every data file outside the latest snapshot that holds a value. Files in
 * `holders` are known to (this run's search found a value in them) and are not read again.
 */
async function purgeOldVersions(table: TableContext, record: ErasureRecord, scan: ScanOptions, holders: ReadonlySet<string>): Promise<void> {
  const store = table.store;
  const timeline = await table.timeline();
  const live = new Set<string>();
  for (const s of latestFileSlices(await buildFileSystemView(store, timeline, {}))) {
    if (s.baseFile) live.add(s.baseFile.path);
    for (const f of s.logFiles) live.add(f.path);
  }
  const purge = new Map<string, string[]>();
  for (const f of await dataFiles(store)) {
    if (live.has(f.key)) continue;
    if (holders.has(f.key) || holdsValue(await scanDataFile(store, f.key, scan))) purge.set(f.partition, [...(purge.get(f.partition) ?? []), f.key]);
  }
  if (purge.size === 0) return;
  const files = [...purge.values()].flat().sort();
  // Saved first: a run that dies inside the clean leaves a plan a re-run recognises as its own.
  addAll((record.purgePlanned ??= []), files);
  await saveRecord(store, record);
  const clean = await writeCleanInstant(table, purge, timeline.latestCompletedWrite()?.time ?? '', 'KEEP_LATEST_COMMITS');
  addAll(record.instants, [clean]);
  addAll(record.filesPurged, files);
}

/** Erases every row whose `column` holds one of `values`, from the table and its history. */
export async function eraseValues(table: TableContext, request: ErasureRequest): Promise<ErasureReport> {
  const { column } = request;
  if (typeof column !== 'string' || !Array.isArray(request.values)) {
    throw new InvalidWriteError('An erasure request is { column: string, values: [...] }: the column to match and the values to erase.');
  }
  const values = [...new Set(request.values.map((v) => String(v)))];
  if (values.length === 0) throw new InvalidWriteError('An erasure needs at least one value.');
  const schema = await table.schema();
  if (!schema.fields.some((f) => f.name === column)) {
    throw new InvalidWriteError(`Column "${column}" is not in the table; it has ${schema.fields.filter((f) => !f.name.startsWith('_hoodie_')).map((f) => f.name).join(', ')}.`);
  }
  const store = table.store;
  const requestId = request.requestId ?? `erasure-${Date.now()}-${randomHex(4)}`;
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(requestId)) throw new InvalidWriteError(`Request id "${requestId}" may use letters, digits, '.', '_' and '-' only.`);
  const existing = request.dryRun ? undefined : await loadRecord(store, requestId);
  const salt = existing?.salt ?? randomHex(16);
  const valueHashes = values.map((v) => valueHash(salt, v)).sort();
  const fingerprints = fingerprintsOf(salt, values);
  const matcher = new ValueMatcher(salt, new Set(valueHashes), fingerprints);
  // The request id names the proof record and goes into commit metadata: it must not name the user.
  if (matcher.inKey(requestId)) throw new InvalidWriteError(`Request id "${requestId}" holds a value being erased; give a request id that does not name the user.`);
  if (existing) checkSameRequest(existing, column, valueHashes);
  const timeline = await table.timeline();
  const record: ErasureRecord = existing
    ? { ...existing, status: 'running', fingerprints }
    : {
        requestId,
        column,
        salt,
        valueHashes,
        fingerprints,
        status: 'running',
        startedAt: new Date().toISOString(),
        fromInstant: timeline.instants.at(-1)?.time ?? '',
        rowsErased: 0,
        instants: [],
        filesExamined: 0,
        filesSkipped: 0,
        filesRewritten: [],
        filesPurged: [],
        verification: { at: '', filesScanned: 0, matches: -1, passed: false },
      };
  // The snapshot's search and the purge's scan log what statistics and bloom filters let them skip.
  record.search = newSearchLog();
  const scan: ScanOptions = { column, matcher, values: request.values, keys: false, log: record.search };
  if (!request.dryRun) {
    await saveRecord(store, record);
    if (existing) await finishEarlierRun(table, record, request.force);
  }

  // 1. The latest snapshot: examine only files whose statistics may hold a value. 2. One keyed
  // delete commit. A commit of another write (an earlier run of this request, published from its
  // fence) may land first: then both run again from a fresh snapshot.
  let found: Awaited<ReturnType<typeof findErased>>;
  for (let attempt = 0; ; attempt++) {
    const now = request.dryRun ? timeline : await table.timeline();
    const view = await buildFileSystemView(store, now, {});
    // Rows in damaged log blocks cannot be examined, and compaction would drop them: refuse first.
    const corruption = {
      onCorruptLogBlocks: refuseCorruptLogBlocks('Erasure', { force: request.force, remedy: 'erase with force (`lake gdpr-delete --force`)' }),
      committedLogExtent: committedLogExtents(now, view.isVisible),
    };
    // Statistics of the same snapshot, or none: a file they do not cover has its footer read.
    const columnStats = await readColumnStats(store, table.config, now, { useMetadataTable: request.useMetadataTable, columns: [column] });
    found = await findErased(table, view, schema, scan, corruption, columnStats);
    record.filesExamined = found.filesExamined;
    record.filesSkipped = found.filesSkipped;
    if (request.dryRun) {
      const plannedRewrites: PlannedRewrites = { files: [], bytes: 0, fileGroups: 0 };
      for (const slice of latestFileSlices(view)) if (found.touched.has(fileGroupKey(slice.partitionPath, slice.fileId))) addPlannedRewrite(plannedRewrites, slice);
      return { ...record, rowsErased: found.rows.size, dryRun: true, plannedRewrites };
    }
    if (found.rows.size === 0) break;
    const keys = [...found.rows.keys()].map((k) => k.slice(k.indexOf('\u0000') + 1));
    let res: WriteResult;
    try {
      res = await executeWrite(writeContext(table), 'delete', { keys, partitions: [...found.rows.values()] }, { extraMetadata: { [REQUEST_KEY]: requestId } });
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= ERASURE_CONFLICT_RETRIES) throw error;
      // The commit that won may be an earlier run's of this very request.
      await adoptCompletedWrites(table, record, await table.timeline());
      continue;
    }
    addAll(record.instants, [res.instant]);
    record.rowsErased += res.deleted;
    await noteWrites(table, record, res.instant, res.action === 'commit' ? 'commit' : 'deltacommit');
    await saveRecord(store, record);
    break;
  }
  if (table.config.type === 'MERGE_ON_READ' && found.touched.size > 0) await compactTouched(table, record, found.touched, request.force);

  // 3. Purge older file versions, what killed writers left unfinished (local disk; only once
  // old enough not to be a running write's), then lake's own record files.
  await purgeOldVersions(table, record, scan, found.holders);
  await removeAbandonedWrites(table);
  const aux = await purgeRecordFiles(store, column, matcher);
  addAll((record.recordFilesRewritten ??= []), aux.files);
  record.recordsPurged = (record.recordsPurged ?? 0) + aux.records;

  record.filesPurged.sort();

  // 4. Proof: nothing in the table folder holds a value any more.
  record.verification = await verifyFolder(store, column, matcher, request.values);
  record.status = 'completed';
  await saveRecord(store, record);
  return { ...record, dryRun: false };
}
