// Files under a prefix of any ObjectStore (local folder, S3 prefix, memory) as a source, read in
// key order from the checkpoint on. The checkpoint is the last fully consumed key, or a key and a
// record count when a batch ended inside a file.

import type { RecordBatch } from 'apache-arrow';
import type { ObjectMeta, ObjectStore } from '@lake/storage';
import { byteSourceFromStore, openParquet } from '@lake/parquet';
import { rowsToJson } from '@lake/core';
import { CheckpointError, SourceError } from '../errors.js';
import { formatOfName, parseNdjsonLine, parseRecords, type InputFormat, type ParsedRecord } from '../formats.js';
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
  /** NDJSON files are read in ranges of this many bytes, so a large file is never held whole (default 8 MiB). */
  chunkBytes?: number;
}

/** A file being read: the window of records parsed so far and, for NDJSON, where reading stands. */
interface OpenFile {
  key: string;
  size: number;
  format: InputFormat;
  records: ParsedRecord[];
  /** Next record of the window to hand over. */
  next: number;
  /** Records of the file before this window. */
  base: number;
  /** Bytes read so far; the file is fully read when it reaches `size`. */
  offset: number;
  /** NDJSON: the incomplete last line of the bytes read so far, and its line number. */
  tail: string;
  line: number;
  decoder: InstanceType<typeof TextDecoder>;
  /** Records to pass over when resuming inside the file. */
  skip: number;
  /** Parquet: the file's batches, one read ahead to know which is the last. */
  batches?: AsyncIterator<RecordBatch>;
  ahead?: RecordBatch;
  rowSize?: number;
}

function isHidden(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return name.startsWith('.') || name.startsWith('_') || name.endsWith('.tmp');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function* allKeys(store: ObjectStore, prefix: string): AsyncGenerator<ObjectMeta> {
  yield* store.list(prefix);
}

/**
 * Keys under the folder `dir` that may sort at or after `from`, walking folder by folder and
 * skipping every folder whose keys all sort before it: with `yyyy/mm/dd/HH/` folders a listing
 * touches the checkpoint's hour and later ones, not the whole history.
 */
async function* keysFrom(store: ObjectStore, dir: string, from: string | undefined): AsyncGenerator<ObjectMeta> {
  const listing = await store.listDirectory(dir);
  const entries = [
    ...listing.objects.map((o) => ({ key: o.key, meta: o })),
    ...listing.prefixes.map((p) => ({ key: p, meta: undefined })),
  ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const entry of entries) {
    if (entry.meta) {
      yield entry.meta;
      continue;
    }
    if (from !== undefined && entry.key < from && !from.startsWith(entry.key)) continue;
    yield* keysFrom(store, entry.key, from);
  }
}

/**
 * NDJSON files are read in ranges (`chunkBytes`) and Parquet files row group by row group; CSV and
 * Arrow IPC whole when a batch reaches them. Memory holds one batch plus one window of a file.
 * Files must appear atomically (an object store's PUT, or a rename into the folder on local disk);
 * names starting with `.` or `_` or ending in `.tmp` are skipped. A file whose key sorts before
 * the checkpoint once consumed is never read.
 */
export function fileSource(store: ObjectStore, options: FileSourceOptions = {}): Source<FileCheckpoint> {
  const prefix = options.prefix ?? '';
  const id = options.id ?? `files:${store.uri.replace(/\/+$/, '')}${prefix ? `/${prefix}` : ''}`;
  const interval = options.listIntervalMs ?? 1000;
  let after: FileCheckpoint | undefined;
  const chunk = Math.max(1, options.chunkBytes ?? 8 * 1024 * 1024);
  let pending: ObjectMeta[] = [];
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
    const keys: ObjectMeta[] = [];
    const boundary = after?.key;
    const listing = prefix === '' || prefix.endsWith('/') ? keysFrom(store, prefix, boundary) : allKeys(store, prefix);
    try {
      for await (const meta of listing) {
        const key = meta.key;
        if (!wanted(key)) continue;
        if (boundary !== undefined && (key < boundary || (key === boundary && after?.record === undefined))) continue;
        keys.push(meta);
      }
    } catch (e) {
      throw new SourceError(`Cannot list ${store.uri}/${prefix}: ${(e as Error).message}`, { cause: e });
    }
    pending = keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    lastListingFound = pending.length > 0;
  }

  async function read(key: string, range?: { offset: number; length: number }): Promise<Uint8Array> {
    try {
      return await store.get(key, range);
    } catch (e) {
      throw new SourceError(`Cannot read ${key} from ${store.uri}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Parses the next window of `file` (the next range of an NDJSON file, or the whole file). */
  async function loadWindow(file: OpenFile): Promise<void> {
    file.base += file.records.length;
    file.next = 0;
    if (file.format === 'parquet') {
      await loadParquetWindow(file);
      return;
    }
    if (file.format !== 'ndjson') {
      file.records = parseRecords(await read(file.key), file.format, file.key);
      file.offset = file.size;
      return;
    }
    const whole = file.offset === 0 && file.size <= chunk;
    const length = whole ? file.size : Math.min(chunk, file.size - file.offset);
    const bytes = whole ? await read(file.key) : await read(file.key, { offset: file.offset, length });
    // A file that grew or shrank since it was listed is read as it is now, to its end.
    file.offset += whole ? file.size : bytes.length;
    const atEnd = whole || bytes.length < length || file.offset >= file.size;
    const text = file.tail + file.decoder.decode(bytes, { stream: !atEnd });
    const lines = text.split('\n');
    file.tail = atEnd ? '' : lines.pop()!;
    const records: ParsedRecord[] = [];
    for (const line of lines) {
      file.line++;
      const r = parseNdjsonLine(line, file.line);
      if (r) records.push(r);
    }
    if (atEnd) file.offset = file.size;
    file.records = records;
  }

  /** Parquet files stream row group by row group through range reads, one batch per window. */
  async function loadParquetWindow(file: OpenFile): Promise<void> {
    try {
      if (!file.batches) {
        const reader = await openParquet(await byteSourceFromStore(store, file.key, file.size), { name: file.key });
        file.rowSize = Math.max(1, Math.round(file.size / Math.max(1, reader.metadata.numRows)));
        file.batches = reader.batches({ batchSize: 4096, prefetch: false })[Symbol.asyncIterator]();
      }
      const batch = file.ahead ?? (await file.batches.next()).value;
      const next = await file.batches.next();
      file.ahead = next.done ? undefined : next.value;
      if (next.done) file.offset = file.size;
      const records: ParsedRecord[] = [];
      if (batch) for (const value of rowsToJson(batch)) records.push({ value, line: file.base + records.length + 1, size: file.rowSize! });
      file.records = records;
    } catch (e) {
      if (e instanceof SourceError) throw e;
      throw new SourceError(`Cannot read Parquet file ${file.key} from ${store.uri}: ${(e as Error).message}`, { cause: e });
    }
  }

  async function openNext(): Promise<boolean> {
    const meta = pending.shift();
    if (meta === undefined) return false;
    const key = meta.key;
    const skip = after && after.key === key && after.record !== undefined ? after.record : 0;
    current = {
      key, size: meta.size, format: options.format ?? formatOfName(key)!, records: [], next: 0, base: 0, offset: 0,
      tail: '', line: 0, decoder: new TextDecoder(), skip,
    };
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
        if (current) {
          const file = current;
          if (file.next >= file.records.length) {
            if (file.offset >= file.size) {
              // Fully read: everything of it is handed over (or it held no record).
              after = { key: file.key };
              current = undefined;
              continue;
            }
            await loadWindow(file);
            continue;
          }
          const take = Math.min(maxRecords - records.length, file.records.length - file.next);
          for (let i = file.next; i < file.next + take; i++) {
            const index = file.base + i + 1;
            if (index <= file.skip) continue;
            const r = file.records[i];
            const last = i === file.records.length - 1 && file.offset >= file.size;
            const checkpoint: FileCheckpoint = last ? { key: file.key } : { key: file.key, record: index };
            records.push({ value: r.value, error: r.error, raw: r.raw, position: `${file.key}:${r.line}`, size: r.size, checkpoint });
          }
          file.next += take;
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
