// Files under a prefix of any ObjectStore (local folder, S3 prefix, memory) as a source, read in
// key order from the checkpoint on. The checkpoint is the last fully consumed key, or a key and a
// record count when a batch ended inside a file.

import type { ObjectStore } from '@lake/storage';
import { CheckpointError, SourceError } from '../errors.js';
import { formatOfName, parseRecords, type InputFormat, type ParsedRecord } from '../formats.js';
import type { Source, SourcePoll, SourceRecord } from '../source.js';

/** `record` absent: `key` and every key before it are consumed; present: its first `record` records are. */
export type FileCheckpoint = { key: string; record?: number };

export interface FileSourceOptions {
  /** Only keys under this prefix of the store (default: the whole store). */
  prefix?: string;
  /** Format of every file; otherwise told by each file's extension (files with an unknown one are skipped). */
  format?: InputFormat;
  /** Only files this accepts (e.g. one file of a folder). */
  filter?: (key: string) => boolean;
  /** Source id in commit metadata (default `files:<store uri>/<prefix>`). */
  id?: string;
  /** How long to wait between listings when no new file is there (default 1000 ms). */
  listIntervalMs?: number;
}

interface OpenFile {
  key: string;
  records: ParsedRecord[];
  next: number;
}

function isHidden(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name.startsWith('.') || name.startsWith('_') || name.endsWith('.tmp');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function* allKeys(store: ObjectStore, prefix: string): AsyncGenerator<string> {
  for await (const meta of store.list(prefix)) yield meta.key;
}

/**
 * Keys under the folder `dir` that may sort at or after `from`, walking folder by folder and
 * skipping every folder whose keys all sort before it: with `yyyy/mm/dd/HH/` folders a listing
 * touches the checkpoint's hour and later ones, not the whole history.
 */
async function* keysFrom(store: ObjectStore, dir: string, from: string | undefined): AsyncGenerator<string> {
  const listing = await store.listDirectory(dir);
  const entries = [
    ...listing.objects.map((o) => ({ key: o.key, folder: false })),
    ...listing.prefixes.map((p) => ({ key: p, folder: true })),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const entry of entries) {
    if (!entry.folder) {
      yield entry.key;
      continue;
    }
    if (from !== undefined && entry.key < from && !from.startsWith(entry.key)) continue;
    yield* keysFrom(store, entry.key, from);
  }
}

/**
 * Files are the unit of reading: a file is parsed whole when the batch reaches it, so memory holds
 * one batch plus at most one file. Files must appear atomically (an object store's PUT, or a
 * rename into the folder on local disk); names starting with `.` or `_` and ending in `.tmp` are
 * skipped. A file whose key sorts before the checkpoint once consumed is never read.
 */
export function fileSource(store: ObjectStore, options: FileSourceOptions = {}): Source<FileCheckpoint> {
  const prefix = options.prefix ?? '';
  const id = options.id ?? `files:${store.uri.replace(/\/+$/, '')}${prefix ? `/${prefix}` : ''}`;
  const interval = options.listIntervalMs ?? 1000;
  let after: FileCheckpoint | undefined;
  let pending: string[] = [];
  let current: OpenFile | undefined;
  let lastListing = 0;
  let lastListingFound = false;

  function wanted(key: string): boolean {
    if (isHidden(key)) return false;
    if (options.filter && !options.filter(key)) return false;
    return (options.format ?? formatOfName(key)) !== undefined;
  }

  async function relist(): Promise<void> {
    lastListing = Date.now();
    const keys: string[] = [];
    const boundary = after?.key;
    const listing = prefix === '' || prefix.endsWith('/') ? keysFrom(store, prefix, boundary) : allKeys(store, prefix);
    try {
      for await (const key of listing) {
        if (!wanted(key)) continue;
        if (boundary !== undefined && (key < boundary || (key === boundary && after?.record === undefined))) continue;
        keys.push(key);
      }
    } catch (e) {
      throw new SourceError(`Cannot list ${store.uri}/${prefix}: ${(e as Error).message}`, { cause: e });
    }
    pending = keys.sort();
    lastListingFound = pending.length > 0;
  }

  async function openNext(): Promise<boolean> {
    const key = pending.shift();
    if (key === undefined) return false;
    let bytes: Uint8Array;
    try {
      bytes = await store.get(key);
    } catch (e) {
      throw new SourceError(`Cannot read ${key} from ${store.uri}: ${(e as Error).message}`, { cause: e });
    }
    const format = options.format ?? formatOfName(key)!;
    const records = parseRecords(bytes, format, key);
    const skip = after && after.key === key && after.record !== undefined ? after.record : 0;
    current = { key, records, next: skip };
    return true;
  }

  return {
    id,
    async start(checkpoint) {
      if (checkpoint !== undefined) {
        if (typeof checkpoint !== 'object' || checkpoint === null || typeof checkpoint.key !== 'string') {
          throw new CheckpointError(`File source ${id} cannot resume from checkpoint ${JSON.stringify(checkpoint)}; expected {"key": ..., "record"?: n}.`);
        }
      }
      after = checkpoint;
      current = undefined;
      await relist();
    },
    async poll(maxRecords, waitMs): Promise<SourcePoll<FileCheckpoint>> {
      const records: SourceRecord<FileCheckpoint>[] = [];
      const deadline = Date.now() + waitMs;
      while (records.length < maxRecords) {
        if (current && current.next < current.records.length) {
          const file = current;
          const take = Math.min(maxRecords - records.length, file.records.length - file.next);
          for (let i = file.next; i < file.next + take; i++) {
            const r = file.records[i];
            const last = i === file.records.length - 1;
            const checkpoint: FileCheckpoint = last ? { key: file.key } : { key: file.key, record: i + 1 };
            records.push({ value: r.value, error: r.error, raw: r.raw, position: `${file.key}:${r.line}`, size: r.size, checkpoint });
          }
          file.next += take;
          if (file.next >= file.records.length) {
            after = { key: file.key };
            current = undefined;
          }
          continue;
        }
        current = undefined;
        if (await openNext()) continue;
        // Nothing left from the last listing: list again, unless we have records to hand over.
        if (records.length > 0) return { records, state: 'more' };
        // Right after a listing that found files, look again at once (a run that stops when caught
        // up should not wait); after an empty one, wait for the listing interval.
        const wait = lastListingFound ? 0 : Math.max(0, Math.min(lastListing + interval, deadline) - Date.now());
        if (wait > 0) await sleep(wait);
        await relist();
        if (pending.length === 0) return { records, state: 'idle' };
      }
      return { records, state: 'more' };
    },
    async acknowledge() {
      // Files stay where they are; the table's checkpoint is the only record of progress.
    },
    async close() {
      current = undefined;
      pending = [];
    },
  };
}
