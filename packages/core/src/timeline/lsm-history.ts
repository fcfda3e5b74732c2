// Hudi 1.x's archived timeline (timeline layout 2, table versions 8 and 9): an LSM tree of
// Parquet files under `.hoodie/timeline/<hoodie.timeline.history.path>` (default `history`).
// `_version_` holds the number N of the latest snapshot; `manifest_N` (JSON, `{"files":
// [{"fileName", "fileLen"}]}`) names the Parquet files live in it; each file
// (`<minInstant>_<maxInstant>_<level>.parquet`) holds one HoodieLSMTimelineInstant row per
// archived instant. Compaction of the tree leaves files of older snapshots on storage for a
// while: only the latest manifest says what to read.

import type { ObjectStore } from '@lake/storage';
import { NotFoundError } from '@lake/storage';
import { readParquet } from '@lake/parquet';

import type { TableConfig } from '../config/table-config.js';
import { CorruptTimelineError, UnsupportedFeatureError } from '../errors.js';
import { ACTIONS, type Action } from './instant.js';
import { decodeMetadataFile } from './metadata-file.js';
import type { ArchivedInstant } from './archived-instant.js';

/** Folder of the LSM history: `.hoodie/timeline/<hoodie.timeline.history.path>`. */
export function lsmHistoryDir(config: TableConfig): string {
  return `${config.timelineDir}/${config.raw.get('hoodie.timeline.history.path')?.trim() || 'history'}`;
}

const MANIFEST = /^manifest_(\d+)$/;
const VERSION_FILE = '_version_';
/** The only row layout Hudi writes (HoodieLSMTimelineInstant `version`). */
const ROW_VERSION = 1;

export interface LsmFileEntry {
  fileName: string;
  fileLen: number;
}

export interface LsmManifest {
  /** The snapshot version the manifest belongs to. */
  version: number;
  /** Its manifest file's key. */
  key: string;
  files: LsmFileEntry[];
}

function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

async function getOrUndefined(store: ObjectStore, key: string): Promise<Uint8Array | undefined> {
  try {
    return await store.get(key);
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/**
 * The latest snapshot version, as Hudi's reader finds it: the number in `_version_`, or, when
 * that file is missing or unreadable (its writer deletes it before writing the next number), the
 * highest `manifest_<N>` listed. Undefined when nothing was ever archived there.
 */
async function latestVersion(store: ObjectStore, dir: string): Promise<{ version: number; fromVersionFile: boolean } | undefined> {
  const listing = await store.listDirectory(`${dir}/`);
  const names = listing.objects.map((o) => fileName(o.key));
  if (names.includes(VERSION_FILE)) {
    const bytes = await getOrUndefined(store, `${dir}/${VERSION_FILE}`);
    const text = bytes === undefined ? '' : new TextDecoder().decode(bytes).trim();
    if (/^\d{1,9}$/.test(text)) return { version: Number(text), fromVersionFile: true };
  }
  let highest: number | undefined;
  for (const n of names) {
    const m = MANIFEST.exec(n);
    if (m && (highest === undefined || Number(m[1]) > highest)) highest = Number(m[1]);
  }
  if (highest !== undefined) return { version: highest, fromVersionFile: false };
  if (names.includes(VERSION_FILE)) {
    throw new CorruptTimelineError(
      `${dir}/${VERSION_FILE}`,
      'the archived (LSM) timeline history names no readable snapshot version and has no manifest_<N> file; restore the history folder from a backup',
    );
  }
  return undefined;
}

/** Parses a manifest file's JSON (`{"files": [{"fileName": ..., "fileLen": ...}]}`). */
export function parseLsmManifest(bytes: Uint8Array, key: string, version: number): LsmManifest {
  let json: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Hudi reads an empty manifest as one listing no file.
    json = text.trim() === '' ? { files: [] } : JSON.parse(text);
  } catch (e) {
    throw new CorruptTimelineError(key, `the LSM history manifest is not JSON (${(e as Error).message})`, { cause: e });
  }
  const files = (json as { files?: unknown } | null)?.files;
  if (json === null || typeof json !== 'object' || !Array.isArray(files)) {
    throw new CorruptTimelineError(key, 'the LSM history manifest has no "files" list');
  }
  const out: LsmFileEntry[] = [];
  for (const f of files) {
    const entry = f as { fileName?: unknown; fileLen?: unknown } | null;
    if (entry === null || typeof entry !== 'object' || typeof entry.fileName !== 'string' || entry.fileName === '' || entry.fileName.includes('/')) {
      throw new CorruptTimelineError(key, `the LSM history manifest lists an entry without a plain file name (${JSON.stringify(f)})`);
    }
    out.push({ fileName: entry.fileName, fileLen: typeof entry.fileLen === 'number' ? entry.fileLen : -1 });
  }
  return { version, key, files: out };
}

/** The manifest of the latest snapshot; undefined when the table archived nothing there. */
export async function readLatestLsmManifest(store: ObjectStore, config: TableConfig): Promise<LsmManifest | undefined> {
  const dir = lsmHistoryDir(config);
  const latest = await latestVersion(store, dir);
  if (latest === undefined) return undefined;
  const key = `${dir}/manifest_${latest.version}`;
  const bytes = await getOrUndefined(store, key);
  if (bytes === undefined) {
    throw new CorruptTimelineError(
      key,
      `${latest.fromVersionFile ? `${dir}/${VERSION_FILE} names snapshot ${latest.version}` : `snapshot ${latest.version} was listed`} but its manifest is missing; restore it from a backup, or rewrite ${VERSION_FILE} with the number of the newest manifest_<N> present`,
    );
  }
  return parseLsmManifest(bytes, key, latest.version);
}

const ACTION_SET = new Set<string>(ACTIONS);

/** Completed plan actions whose finished instant Hudi names after the write (`.commit`, `.replacecommit`). */
const COMPLETED_AS: Partial<Record<string, Action>> = { compaction: 'commit', logcompaction: 'deltacommit', clustering: 'replacecommit' };

/** A string column's value; a writer that left the UTF8 annotation off yields bytes. */
function stringAt(value: unknown): string | undefined {
  const text = value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

/** The archived instants of one LSM history Parquet file (every one completed), in file order. */
export function decodeLsmFile(bytes: Uint8Array, path: string): ArchivedInstant[] {
  let table;
  try {
    table = readParquet(bytes);
  } catch (e) {
    throw new CorruptTimelineError(path, `the LSM history file is not readable Parquet (${(e as Error).message})`, { cause: e });
  }
  const column = (name: string) => table.getChild(name);
  const times = column('instantTime');
  const actions = column('action');
  if (!times || !actions) throw new CorruptTimelineError(path, 'the LSM history file lacks the instantTime or action column of HoodieLSMTimelineInstant');
  const completions = column('completionTime');
  const metadata = column('metadata');
  const versions = column('version');
  const out: ArchivedInstant[] = [];
  for (let r = 0; r < table.numRows; r++) {
    const version = versions?.get(r) as number | null | undefined;
    if (typeof version === 'number' && version > ROW_VERSION) {
      throw new UnsupportedFeatureError(
        `${path} holds archived instants in HoodieLSMTimelineInstant version ${version}, which lake does not read (it reads version ${ROW_VERSION}); ` +
          'read the archived history with a Hudi release that wrote it, or start reads at or after the oldest active instant.',
      );
    }
    const time = stringAt(times.get(r));
    const written = stringAt(actions.get(r));
    if (!time || !written) throw new CorruptTimelineError(path, `row ${r} has no instant time or action`);
    const completionTime = stringAt(completions?.get(r));
    const action = COMPLETED_AS[written] ?? written;
    // As for active instants in layout 2: a completed instant without completion time, or of an
    // action lake does not know, is skipped rather than guessed at.
    if (!completionTime || !ACTION_SET.has(action)) continue;
    const instant: ArchivedInstant = { time, action: action as Action, state: 'completed', completionTime };
    const bytesOf = metadata?.get(r) as Uint8Array | null | undefined;
    if (bytesOf && bytesOf.length > 0) {
      const json = decodeMetadataFile(bytesOf, `${path} (instant ${time}.${action})`);
      if (json) instant.metadata = json;
    }
    out.push(instant);
  }
  return out;
}

/** Every instant of the latest LSM snapshot; files of older snapshots still on storage are not read. */
export async function loadLsmHistory(store: ObjectStore, config: TableConfig): Promise<ArchivedInstant[]> {
  const manifest = await readLatestLsmManifest(store, config);
  if (!manifest) return [];
  const dir = lsmHistoryDir(config);
  const parts = await Promise.all(
    manifest.files.map(async (f) => {
      const key = `${dir}/${f.fileName}`;
      const bytes = await getOrUndefined(store, key);
      if (bytes === undefined) {
        throw new CorruptTimelineError(
          key,
          `${manifest.key} lists this file of the archived (LSM) timeline but it is missing; restore it from a backup (the archived instants in it are otherwise lost to history and incremental reads)`,
        );
      }
      return decodeLsmFile(bytes, key);
    }),
  );
  return parts.flat();
}
