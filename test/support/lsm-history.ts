// Builds Hudi 1.x's archived (LSM) timeline history into a copy of a fixture table, as Hudi's
// timeline archiver (TimelineArchiverV2 with LSMTimelineWriter) leaves it: the oldest completed
// writes (and the cleans and rollbacks before the last of them) become HoodieLSMTimelineInstant
// rows in `<min>_<max>_<level>.parquet` files, each new file or compaction adds a `manifest_<N>`
// (Jackson's pretty-printed JSON) and rewrites `_version_`, and the instants' files leave the
// active timeline. No Spark-written fixture has such a history, so tests make one.

import { Binary, Field, Int32, Schema, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { writeParquet } from '@lake/parquet';

/** HoodieLSMTimelineInstant.avsc, the schema Hudi writes into the Parquet footer. */
const LSM_AVRO_SCHEMA = {
  type: 'record',
  name: 'HoodieLSMTimelineInstant',
  namespace: 'org.apache.hudi.avro.model',
  fields: [
    { name: 'instantTime', type: ['null', 'string'], default: null },
    { name: 'completionTime', type: ['null', 'string'], default: null },
    { name: 'action', type: ['null', 'string'], default: null },
    { name: 'metadata', type: ['null', 'bytes'], default: null },
    { name: 'plan', type: ['null', 'bytes'], default: null },
    { name: 'version', type: 'int', default: 1 },
  ],
};

export interface LsmRow {
  instantTime: string;
  completionTime: string | null;
  action: string;
  metadata: Uint8Array | null;
  plan: Uint8Array | null;
  version?: number;
}

/** One LSM history Parquet file holding `rows`, with the columns of HoodieLSMTimelineInstant. */
export function lsmParquet(rows: readonly LsmRow[]): Uint8Array {
  const schema = new Schema([
    new Field('instantTime', new Utf8(), true),
    new Field('completionTime', new Utf8(), true),
    new Field('action', new Utf8(), true),
    new Field('metadata', new Binary(), true),
    new Field('plan', new Binary(), true),
    new Field('version', new Int32(), false),
  ]);
  const table = new Table(schema, {
    instantTime: vectorFromArray(rows.map((r) => r.instantTime), new Utf8()),
    completionTime: vectorFromArray(rows.map((r) => r.completionTime), new Utf8()),
    action: vectorFromArray(rows.map((r) => r.action), new Utf8()),
    metadata: vectorFromArray(rows.map((r) => r.metadata), new Binary()),
    plan: vectorFromArray(rows.map((r) => r.plan), new Binary()),
    version: vectorFromArray(rows.map((r) => r.version ?? 1), new Int32()),
  });
  return writeParquet(table, { compression: 'gzip', metadata: { 'parquet.avro.schema': JSON.stringify(LSM_AVRO_SCHEMA), 'writer.model.name': 'avro' } });
}

/** `<minInstant>_<maxInstant>_<level>.parquet`, the name Hudi gives a history file. */
export function lsmFileName(rows: readonly LsmRow[], level: number): string {
  return `${rows[0]!.instantTime}_${rows[rows.length - 1]!.instantTime}_${level}.parquet`;
}

/** A manifest as Hudi writes it (Jackson's default pretty printer). */
export function manifestJson(files: readonly { fileName: string; fileLen: number }[]): string {
  if (files.length === 0) return '{\n  "files" : [ ]\n}';
  const entries = files.map((f) => `{\n    "fileName" : ${JSON.stringify(f.fileName)},\n    "fileLen" : ${f.fileLen}\n  }`);
  return `{\n  "files" : [ ${entries.join(', ')} ]\n}`;
}

const TIMELINE = '.hoodie/timeline/';
export const HISTORY = '.hoodie/timeline/history/';
const WRITES = new Set(['commit', 'deltacommit', 'replacecommit']);

interface ActiveFiles {
  time: string;
  completed?: { key: string; action: string; completionTime: string };
  requested?: string;
  inflight?: string;
}

/** The instants of the active timeline of a table's files, by requested time. */
function activeInstants(files: Map<string, Uint8Array>): ActiveFiles[] {
  const byTime = new Map<string, ActiveFiles>();
  for (const key of files.keys()) {
    if (!key.startsWith(TIMELINE) || key.slice(TIMELINE.length).includes('/')) continue;
    const name = key.slice(TIMELINE.length);
    const m = /^(\d{17})(?:_(\d{17}))?\.([a-z]+)(?:\.(requested|inflight))?$/.exec(name) ?? /^(\d{17})()\.(inflight)()$/.exec(name);
    if (!m) continue;
    const entry = byTime.get(m[1]!) ?? { time: m[1]! };
    if (m[2]) entry.completed = { key, action: m[3]!, completionTime: m[2] };
    else if (m[4] === 'requested') entry.requested = key;
    else entry.inflight = key;
    byTime.set(entry.time, entry);
  }
  return [...byTime.values()].sort((a, b) => (a.time < b.time ? -1 : 1));
}

export interface LsmArchiveOptions {
  /** How many of the oldest completed writes to archive. */
  writes: number;
  /** Rows per layer-0 file (each file adds a manifest version). */
  perFile: number;
  /** Then compact every layer-0 file into one layer-1 file, leaving the layer-0 files behind. */
  compact?: boolean;
}

export interface LsmArchive {
  /** Archived instants, oldest first, with their completion times. */
  rows: LsmRow[];
  /** Manifest versions written, and the live files of each. */
  manifests: string[][];
}

/**
 * Moves the oldest `writes` completed writes (and completed cleans and rollbacks requested before
 * the last of them) into the LSM history of `files`, as Hudi's archiver does.
 */
export function archiveIntoLsm(files: Map<string, Uint8Array>, options: LsmArchiveOptions): LsmArchive {
  const instants = activeInstants(files);
  const writes = instants.filter((i) => i.completed && WRITES.has(i.completed.action)).slice(0, options.writes);
  if (writes.length < options.writes) throw new Error(`only ${writes.length} completed writes to archive`);
  // Hudi keeps a replace commit active until a clean removed the files it replaced: readers learn
  // replaced file groups from the active timeline only.
  const replace = writes.find((w) => w.completed!.action === 'replacecommit');
  if (replace) throw new Error(`replace commit ${replace.time} cannot be archived before a clean removed the files it replaced`);
  const last = writes[writes.length - 1]!.time;
  const chosen = instants.filter(
    (i) => writes.includes(i) || (i.completed && (i.completed.action === 'clean' || i.completed.action === 'rollback') && i.time < last),
  );
  const rows: LsmRow[] = chosen.map((i) => {
    const c = i.completed!;
    // The plan column holds what the pending states said: the requested plan, or a non-empty inflight file.
    const pending = [i.requested, i.inflight].map((k) => (k ? files.get(k)! : undefined)).filter((b): b is Uint8Array => b !== undefined && b.length > 0);
    const planned = c.action === 'clean' || c.action === 'replacecommit' || c.action === 'clustering' || (c.action === 'commit' && i.requested?.endsWith('.compaction.requested'));
    return {
      instantTime: i.time,
      completionTime: c.completionTime,
      action: c.action,
      metadata: files.get(c.key)!,
      plan: planned && pending.length > 0 ? pending[pending.length - 1]! : null,
    };
  });
  const live: { fileName: string; fileLen: number }[] = [];
  const manifests: string[][] = [];
  const publish = (): void => {
    manifests.push(live.map((f) => f.fileName));
    files.set(`${HISTORY}manifest_${manifests.length}`, new TextEncoder().encode(manifestJson(live)));
    files.set(`${HISTORY}_version_`, new TextEncoder().encode(String(manifests.length)));
  };
  for (let at = 0; at < rows.length; at += options.perFile) {
    const part = rows.slice(at, at + options.perFile);
    const bytes = lsmParquet(part);
    files.set(`${HISTORY}${lsmFileName(part, 0)}`, bytes);
    live.push({ fileName: lsmFileName(part, 0), fileLen: bytes.length });
    publish();
  }
  if (options.compact) {
    const bytes = lsmParquet(rows);
    live.splice(0, live.length, { fileName: lsmFileName(rows, 1), fileLen: bytes.length });
    files.set(`${HISTORY}${lsmFileName(rows, 1)}`, bytes);
    publish();
  }
  for (const i of chosen) for (const k of [i.completed?.key, i.requested, i.inflight]) if (k) files.delete(k);
  return { rows, manifests };
}
