// Base files are immutable (a new version is a new file name), so bytes once read or written
// stay true. A write reads each base file it touches twice (its footer and keys for the index,
// then all of it to merge) and a long-running writer's next commit reads the files its last
// commit wrote: both are served from memory here instead of from the store.

import type { ByteRange, ObjectStore } from '@lake/storage';
import { storeWithGet } from './store-with-get.js';

import { parseBaseFileName } from './base-file.js';

// Base files this process wrote lately, bounded by bytes, oldest out first.
const written = new Map<string, Uint8Array>();
let writtenBytes = 0;
let maxWrittenBytes = 64 * 1024 * 1024;

function cacheKey(store: ObjectStore, path: string): string {
  return `${store.uri}\u0000${path}`;
}

/** Keeps the bytes of a base file this process just wrote, for its next reads of it. */
export function rememberWrittenBaseFile(store: ObjectStore, path: string, bytes: Uint8Array): void {
  if (bytes.byteLength > maxWrittenBytes / 4) return;
  const key = cacheKey(store, path);
  const previous = written.get(key);
  if (previous) writtenBytes -= previous.byteLength;
  written.set(key, bytes);
  writtenBytes += bytes.byteLength;
  evictWritten(key);
}

/** Drops the oldest files until the bound holds (`newest` kept while it fits). */
function evictWritten(newest?: string): void {
  for (const [old, held] of written) {
    if (writtenBytes <= maxWrittenBytes || old === newest) break;
    written.delete(old);
    writtenBytes -= held.byteLength;
  }
}

/** The bound in bytes of the written files kept; with `bytes`, sets it first (see process-caches.ts). */
export function writtenBaseFilesLimit(bytes?: number): number {
  if (bytes !== undefined) {
    maxWrittenBytes = bytes;
    evictWritten();
  }
  return maxWrittenBytes;
}

/** Bytes of written files held now. */
export function writtenBaseFilesHeld(): number {
  return writtenBytes;
}

/** Drops the bytes of a base file that a newer version or a replace commit made of no more use. */
export function forgetWrittenBaseFile(store: ObjectStore, path: string): void {
  const key = cacheKey(store, path);
  const held = written.get(key);
  if (!held) return;
  written.delete(key);
  writtenBytes -= held.byteLength;
}

/** The bytes of a base file this process wrote, when still held. */
export function writtenBaseFile(store: ObjectStore, path: string): Uint8Array | undefined {
  return written.get(cacheKey(store, path));
}

function isBaseFile(key: string): boolean {
  return parseBaseFileName(key.slice(key.lastIndexOf('/') + 1)) !== undefined;
}

function slice(bytes: Uint8Array, range: ByteRange | undefined): Uint8Array {
  if (!range) return bytes;
  return bytes.subarray(range.offset, range.length === undefined ? undefined : range.offset + range.length);
}

/** Ranged reads up to this many bytes are remembered for the rest of a write. */
export const MAX_REMEMBERED_READ = 1024 * 1024;

/** Of a file of known size, only reads ending in its last this many bytes (its footer) are remembered. */
export const REMEMBERED_TAIL = 2 * MAX_REMEMBERED_READ;

/**
 * `inner` for the length of one write: GETs of base files are answered from what this process
 * wrote, or else, when they are ranged reads of at most MAX_REMEMBERED_READ bytes, remembered
 * (per key and range) for the rest of the write. What is read twice is a footer (the index, then
 * the merge); a key column chunk the index reads is not read again by that range (a merge reads
 * whole row groups), so with the file's size known (`sizeOf`), only reads near its end are kept.
 * Everything else, and every other request, goes to `inner` as is.
 */
export function readBaseFilesOnce(inner: ObjectStore, sizeOf: (key: string) => number | undefined = () => undefined): ObjectStore {
  const reads = new Map<string, Promise<Uint8Array>>();
  const get = (key: string, range?: ByteRange): Promise<Uint8Array> => {
    if (!isBaseFile(key)) return inner.get(key, range);
    const held = writtenBaseFile(inner, key);
    if (held && (!range || range.offset + (range.length ?? 0) <= held.byteLength)) return Promise.resolve(slice(held, range));
    // Only small reads are asked for twice (footers, small files); a bulk read of column chunks
    // is not repeated, and keeping it would hold a base file's bytes for the rest of the write.
    if (range?.length === undefined || range.length > MAX_REMEMBERED_READ) return inner.get(key, range);
    const size = sizeOf(key);
    if (size !== undefined && range.offset + range.length < size - REMEMBERED_TAIL) return inner.get(key, range);
    const id = `${key}\u0000${range.offset}\u0000${range.length}`;
    let read = reads.get(id);
    if (!read) {
      read = inner.get(key, range);
      reads.set(id, read);
      read.catch(() => reads.delete(id));
    }
    return read;
  };
  return storeWithGet(inner, get);
}
