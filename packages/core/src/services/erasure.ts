// GDPR erasure by the values of a non-key column (a user id): the rows go from the latest snapshot
// in one commit (copy-on-write rewrites only the file groups that held them; merge-on-read logs
// delete blocks, then compacts those file groups), then every other data file in the table that
// still holds a value — older file versions, replaced groups, log files, leftovers of failed
// writes — is deleted and recorded as a Hudi `clean` instant. A proof record under
// `.hoodie/.aux/lake/erasures/` keeps salted hashes of the values (never the values), what was
// examined, written and purged, and a verification that re-read every data file in the table.

import { randomHex, sha256Hex } from '../util/sha256.js';

import { NotFoundError, type ObjectStore } from '@lake/storage';
import { byteSourceFromStore, columnStatistics, openParquet, type StatValue } from '@lake/parquet';

import { InvalidWriteError, LogFormatError } from '../errors.js';
import { parseBaseFileName } from '../file-group/base-file.js';
import { fileGroupKey } from '../file-group/file-slice.js';
import { parseLogFileName } from '../file-group/log-file.js';
import { decodeAvroDataBlock, decodeParquetDataBlock } from '../log/data-block.js';
import { BlockType } from '../log/log-format.js';
import { readLogBlocks } from '../log/log-reader.js';
import { META } from '../schema/table-schema.js';
import { projectSchema } from '../read/conform.js';
import { readFileSlice } from '../read/file-slice-reader.js';
import { buildFileSystemView, latestFileSlices } from '../table/fs-view.js';
import { listPartitions } from '../table/partition.js';
import type { HudiTable } from '../table/table.js';
import { executeWrite } from '../write/write-client.js';
import { writeContext } from '../write/table-writes.js';
import { ERASURES_PREFIX, writeCleanInstant } from './clean.js';
import { runCompaction, scheduleCompaction } from './compaction.js';


export interface ErasureRequest {
  column: string;
  values: readonly (string | number | bigint)[];
  /** Names the request in the proof record; default: a random id. */
  requestId?: string;
  /** Only report what would be erased. */
  dryRun?: boolean;
}

export interface ErasureVerification {
  at: string;
  filesScanned: number;
  /** Rows holding an erased value in any data file of the table: must be 0. */
  matches: number;
  passed: boolean;
}

export interface ErasureRecord {
  requestId: string;
  column: string;
  salt: string;
  /** sha256(salt + value) of each value, hex. */
  valueHashes: string[];
  startedAt: string;
  /** Rows removed from the latest snapshot. */
  rowsErased: number;
  /** Instants this erasure wrote: the delete commit, compactions, the purge's clean. */
  instants: string[];
  filesExamined: number;
  filesSkipped: number;
  filesRewritten: string[];
  filesPurged: string[];
  verification: ErasureVerification;
}

export interface ErasureReport extends ErasureRecord {
  dryRun: boolean;
}

function sha256(text: string): string {
  return sha256Hex(text);
}

function statText(v: StatValue | undefined): string | number | bigint | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return v;
  return undefined;
}

/** Whether any value can lie in [min, max]: false only when the statistics prove it cannot. */
function mayHold(values: readonly (string | number | bigint)[], min: StatValue | undefined, max: StatValue | undefined): boolean {
  const lo = statText(min);
  const hi = statText(max);
  if (lo === undefined || hi === undefined) return true;
  for (const v of values) {
    if (typeof lo === 'string' && typeof v === 'string' && typeof hi === 'string') {
      if (v >= lo && v <= hi) return true;
    } else if (typeof lo !== 'string' && typeof v !== 'string' && typeof hi !== 'string') {
      if (v >= lo && v <= hi) return true;
    } else {
      return true;
    }
  }
  return false;
}

function matcher(values: readonly (string | number | bigint)[]): (v: unknown) => boolean {
  const wanted = new Set(values.map((v) => String(v)));
  return (v) => v !== null && v !== undefined && wanted.has(String(v));
}

/** Rows of one data file whose column holds a wanted value, with their record keys. */
async function scanFile(store: ObjectStore, path: string, column: string, wanted: (v: unknown) => boolean, values: readonly (string | number | bigint)[], prune: boolean): Promise<{ skipped: boolean; keys: string[] }> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const keys: string[] = [];
  if (parseBaseFileName(name)) {
    let reader;
    try {
      reader = await openParquet(await byteSourceFromStore(store, path), { name: path });
    } catch (e) {
      if (e instanceof NotFoundError) return { skipped: true, keys };
      throw e;
    }
    if (!reader.metadata.columns.some((c) => c.name === column)) return { skipped: true, keys };
    if (prune) {
      const stats = columnStatistics(reader.metadata, column);
      if (!mayHold(values, stats.min, stats.max)) return { skipped: true, keys };
    }
    const cols = reader.metadata.columns.some((c) => c.name === META.recordKey) ? [column, META.recordKey] : [column];
    const table = await reader.read({ columns: cols });
    const col = table.getChild(column);
    const keyCol = table.getChild(META.recordKey);
    for (let i = 0; i < table.numRows; i++) if (wanted(col?.get(i))) keys.push(String(keyCol?.get(i) ?? ''));
    return { skipped: false, keys };
  }
  if (parseLogFileName(name)) {
    let bytes: Uint8Array;
    try {
      bytes = await store.get(path);
    } catch (e) {
      if (e instanceof NotFoundError) return { skipped: true, keys };
      throw e;
    }
    for (const block of readLogBlocks(bytes).blocks) {
      if (block.type === BlockType.PARQUET_DATA) {
        const t = decodeParquetDataBlock(block, path);
        const col = t.getChild(column);
        const keyCol = t.getChild(META.recordKey);
        for (let i = 0; i < t.numRows; i++) if (wanted(col?.get(i))) keys.push(String(keyCol?.get(i) ?? ''));
      } else if (block.type === BlockType.AVRO_DATA) {
        try {
          for (const r of decodeAvroDataBlock(block, path).records) if (wanted(r[column])) keys.push(String(r[META.recordKey] ?? ''));
        } catch (e) {
          if (!(e instanceof LogFormatError)) throw e;
        }
      }
    }
    return { skipped: false, keys };
  }
  return { skipped: true, keys };
}

/** Every data file (base and log) in the table's partition folders. */
async function dataFiles(store: ObjectStore): Promise<{ partition: string; key: string }[]> {
  const out: { partition: string; key: string }[] = [];
  for (const p of await listPartitions(store)) {
    for (const f of p.files) if (parseBaseFileName(f.name) || parseLogFileName(f.name)) out.push({ partition: p.path, key: f.key });
  }
  return out;
}

/** Re-reads every data file of the table for values whose salted hash is in `hashes`. */
async function verify(store: ObjectStore, column: string, salt: string, hashes: ReadonlySet<string>): Promise<ErasureVerification> {
  const files = await dataFiles(store);
  let matches = 0;
  const seen = new Map<string, boolean>();
  const wanted = (v: unknown): boolean => {
    if (v === null || v === undefined) return false;
    const s = String(v);
    let hit = seen.get(s);
    if (hit === undefined) {
      hit = hashes.has(sha256(salt + s));
      seen.set(s, hit);
    }
    return hit;
  };
  for (const f of files) matches += (await scanFile(store, f.key, column, wanted, [], false)).keys.length;
  return { at: new Date().toISOString(), filesScanned: files.length, matches, passed: matches === 0 };
}

async function saveRecord(store: ObjectStore, record: ErasureRecord): Promise<void> {
  await store.put(`${ERASURES_PREFIX}${record.requestId}.json`, new TextEncoder().encode(JSON.stringify(record, null, 2)));
}

/** Reads a proof record. */
export async function readErasureRecord(table: HudiTable, requestId: string): Promise<ErasureRecord> {
  try {
    return JSON.parse(new TextDecoder().decode(await table.store.get(`${ERASURES_PREFIX}${requestId}.json`))) as ErasureRecord;
  } catch (e) {
    if (e instanceof NotFoundError) throw new InvalidWriteError(`No erasure request "${requestId}" is recorded for ${table.uri}.`);
    throw e;
  }
}

/** Re-runs the verification of an earlier erasure and records its result. */
export async function verifyErasure(table: HudiTable, requestId: string): Promise<ErasureRecord> {
  const record = await readErasureRecord(table, requestId);
  record.verification = await verify(table.store, record.column, record.salt, new Set(record.valueHashes));
  await saveRecord(table.store, record);
  return record;
}

/** Erases every row whose `column` holds one of `values`, from the table and its history. */
export async function eraseValues(table: HudiTable, request: ErasureRequest): Promise<ErasureReport> {
  const { column } = request;
  if (typeof column !== 'string' || !Array.isArray(request.values)) {
    throw new InvalidWriteError('An erasure request is { column: string, values: [...] }: the column to match and the values to erase.');
  }
  const values = [...new Set(request.values)];
  if (values.length === 0) throw new InvalidWriteError('An erasure needs at least one value.');
  const schema = await table.schema();
  if (!schema.fields.some((f) => f.name === column)) {
    throw new InvalidWriteError(`Column "${column}" is not in the table; it has ${schema.fields.filter((f) => !f.name.startsWith('_hoodie_')).map((f) => f.name).join(', ')}.`);
  }
  const store = table.store;
  const requestId = request.requestId ?? `erasure-${Date.now()}-${randomHex(4)}`;
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(requestId)) throw new InvalidWriteError(`Request id "${requestId}" may use letters, digits, '.', '_' and '-' only.`);
  const salt = randomHex(16);
  const wanted = matcher(values);
  const record: ErasureRecord = {
    requestId,
    column,
    salt,
    valueHashes: values.map((v) => sha256(salt + String(v))).sort(),
    startedAt: new Date().toISOString(),
    rowsErased: 0,
    instants: [],
    filesExamined: 0,
    filesSkipped: 0,
    filesRewritten: [],
    filesPurged: [],
    verification: { at: '', filesScanned: 0, matches: -1, passed: false },
  };

  // 1. The latest snapshot: examine only slices whose statistics may hold a value.
  const timeline = await table.timeline();
  const view = await buildFileSystemView(store, timeline, {});
  const targets = { keys: [] as string[], partitions: [] as string[] };
  const touched = new Set<string>();
  const output = projectSchema(schema, new Set([META.recordKey, column]));
  for (const slice of latestFileSlices(view)) {
    let keys: string[];
    if (slice.logFiles.length === 0 && slice.baseFile) {
      // A base file alone is the snapshot: its statistics can rule it out without reading it.
      const scan = await scanFile(store, slice.baseFile.path, column, wanted, values, true);
      if (scan.skipped) record.filesSkipped++;
      else record.filesExamined++;
      keys = scan.keys;
    } else {
      // With logs, only the merged records say who holds a value now.
      record.filesExamined += slice.logFiles.length + (slice.baseFile ? 1 : 0);
      keys = [];
      const rows = readFileSlice(
        { store, config: table.config, mergeMode: table.mergeMode, isValidInstant: view.isVisible, table: schema, output },
        slice,
      );
      for await (const b of rows) {
        const col = b.getChild(column);
        const keyCol = b.getChild(META.recordKey);
        for (let i = 0; i < b.numRows; i++) if (wanted(col?.get(i))) keys.push(String(keyCol?.get(i)));
      }
    }
    for (const key of keys) {
      targets.keys.push(key);
      targets.partitions.push(slice.partitionPath);
    }
    if (keys.length > 0) touched.add(fileGroupKey(slice.partitionPath, slice.fileId));
  }
  // Keys seen in logs may already be deleted or updated away: the delete is keyed, so either way
  // the key's record leaves the snapshot; count distinct keys.
  const unique = new Map<string, string>();
  targets.keys.forEach((k, i) => unique.set(`${targets.partitions[i]}\u0000${k}`, targets.partitions[i]));
  record.rowsErased = unique.size;
  if (request.dryRun) return { ...record, dryRun: true };

  const ctx = writeContext(table);
  if (unique.size > 0) {
    const keys = [...unique.keys()].map((k) => k.slice(k.indexOf('\u0000') + 1));
    const partitions = [...unique.values()];
    const res = await executeWrite(ctx, 'delete', { keys, partitions }, { extraMetadata: { 'lake.erasure.request': requestId } });
    record.instants.push(res.instant);
    const meta = await (await table.timeline()).commitMetadata({ time: res.instant, action: res.action, state: 'completed' });
    for (const stats of meta.partitionToWriteStats.values()) for (const s of stats) if (s.path) record.filesRewritten.push(s.path);
    // 2. Merge-on-read: the delete blocks leave the rows in base files and logs until compacted.
    if (table.config.type === 'MERGE_ON_READ') {
      const groups = [...touched].map((k) => k.replace('\u0000', '/'));
      const planned = await scheduleCompaction(table, { strategy: { kind: 'file-groups', fileGroups: groups } });
      if (planned) {
        const run = await runCompaction(table, planned.instant);
        record.instants.push(run.instant);
        const cmeta = await (await table.timeline()).commitMetadata({ time: run.instant, action: 'commit', state: 'completed' });
        for (const stats of cmeta.partitionToWriteStats.values()) for (const s of stats) if (s.path) record.filesRewritten.push(s.path);
      }
    }
  }

  // 3. Purge: every data file outside the latest snapshot that still holds a value.
  const after = await buildFileSystemView(store, await table.timeline(), {});
  const live = new Set<string>();
  for (const s of latestFileSlices(after)) {
    if (s.baseFile) live.add(s.baseFile.path);
    for (const f of s.logFiles) live.add(f.path);
  }
  const purge = new Map<string, string[]>();
  for (const f of await dataFiles(store)) {
    if (live.has(f.key)) continue;
    const scan = await scanFile(store, f.key, column, wanted, values, true);
    if (scan.keys.length > 0) purge.set(f.partition, [...(purge.get(f.partition) ?? []), f.key]);
  }
  if (purge.size > 0) {
    const clean = await writeCleanInstant(table, purge, record.instants.at(-1) ?? timeline.latestCompletedWrite()?.time ?? '', 'KEEP_LATEST_COMMITS');
    record.instants.push(clean);
    record.filesPurged = [...purge.values()].flat().sort();
  }

  // 4. Proof: nothing in the table folder holds a value any more.
  record.verification = await verify(store, column, salt, new Set(record.valueHashes));
  await saveRecord(store, record);
  return { ...record, dryRun: false };
}
