// The record-key index: finds the file group holding each incoming key without reading every
// base file. It is Hudi's bloom index: each base file's footer carries a bloom filter and the
// min/max record key; a key can only be in files whose range covers it and whose filter says
// "maybe", and only those candidates' `_hoodie_record_key` column is read to confirm.
// Footers and key columns are immutable (a new file version is a new file name), so they are
// cached per process (footers up to 64 MiB, key columns up to 128 MiB) and never go stale,
// whoever wrote the table.

import { Utf8 } from 'apache-arrow';
import { mapLimit, type ObjectStore } from '@lake/storage';
import { byteSourceFromBytes, byteSourceFromStore, openParquet, readFooterKeyValues, type ByteSource } from '@lake/parquet';
import type { BloomFilter } from './bloom-filter.js';
import { readFooterRecordKeys } from './bloom-footer.js';
import { BoundedCache } from './bounded-cache.js';
import type { BaseFile } from '../file-group/file-slice.js';
import { META } from '../schema/table-schema.js';
import { concatData } from '../arrow/take.js';
import { conformData } from '../read/conform.js';
import { forgetWrittenBaseFile, writtenBaseFile } from '../file-group/written-base-files.js';

interface FooterKeys {
  range?: { min: string; max: string };
  bloom?: BloomFilter;
  /** About what the entry holds in memory: the filter's bits and the two keys. */
  bytes: number;
}

// A footer entry is mostly its bloom filter (Hudi's default is about 0.45 MB).
const footerCache = new BoundedCache<FooterKeys>(64 * 1024 * 1024, (f) => f.bytes);

/** Memory of a footer entry: the filter's bits (its Base64 text, three bytes per four characters) and the two keys. */
function footerEntryBytes(bloomTextLength: number, range: { min: string; max: string } | undefined): number {
  return Math.ceil((bloomTextLength * 3) / 4) + 2 * ((range?.min.length ?? 0) + (range?.max.length ?? 0)) + 64;
}

function cacheKey(store: ObjectStore, path: string): string {
  return `${store.uri}\u0000${path}`;
}

async function baseFileSource(store: ObjectStore, file: BaseFile): Promise<ByteSource> {
  const written = writtenBaseFile(store, file.path);
  return written ? byteSourceFromBytes(written) : byteSourceFromStore(store, file.path, file.size);
}

function footerKeys(store: ObjectStore, file: BaseFile): Promise<FooterKeys> {
  return footerCache.get(cacheKey(store, file.path), async () => {
    // Only the key-value entries, values as bytes: the filter's Base64 is decoded from them
    // directly, and the schema and column statistics are not parsed at all.
    const meta = await readFooterKeyValues(await baseFileSource(store, file), `Parquet file ${file.path}`);
    const { range, bloom, bloomTextLength } = readFooterRecordKeys(meta);
    return { range, bloom, bytes: footerEntryBytes(bloomTextLength, range) };
  });
}

/**
 * The key range and bloom filter of a base file's footer: the cached entry the key index looked
 * the file up with, else the footer read now (and cached). The filter is shared: not to be changed.
 */
export async function baseFileRecordKeys(store: ObjectStore, file: BaseFile): Promise<{ range?: { min: string; max: string }; bloom?: BloomFilter }> {
  const { range, bloom } = await footerKeys(store, file);
  return { range, bloom };
}

/** A file's `_hoodie_record_key` column as raw UTF-8: offsets into one byte buffer. */
interface KeyColumn {
  offsets: Int32Array;
  bytes: Uint8Array;
  length: number;
}

// Record-key columns of base files, cached per process like the footers: files never change,
// and a merge-on-read table's base files stay the same across every write until compaction.
// 128 MiB holds the key columns of a few million keys: a merge-on-read table's base files up to
// that size stay cached across writes; a day of ingestion leaves each past hour's last file in
// it, which least-recently-used eviction lets go.
const keyColumnCache = new BoundedCache<KeyColumn>(128 * 1024 * 1024, (col) => col.bytes.byteLength + col.offsets.byteLength);

async function readKeyColumn(store: ObjectStore, file: BaseFile): Promise<KeyColumn> {
  // The footer's key-value entries (the bloom filter above all) are not needed to read the column.
  const reader = await openParquet(await baseFileSource(store, file), { name: file.path, ignoreKeyValueMetadata: true });
  // One batch per row group: the column is used whole, and fewer chunks means less to stitch.
  const table = await reader.read({ columns: [META.recordKey], batchSize: 1 << 22 });
  const column = table.getChild(META.recordKey);
  if (!column || column.length === 0) return { offsets: new Int32Array(1), bytes: new Uint8Array(0), length: 0 };
  const chunks = column.data.map((d) => conformData(d, new Utf8()));
  const data = chunks.length === 1 ? chunks[0] : concatData(chunks);
  const offsets = data.valueOffsets as Int32Array;
  return { offsets: offsets.subarray(data.offset, data.offset + data.length + 1), bytes: data.values as Uint8Array, length: data.length };
}

function keyColumnOf(store: ObjectStore, file: BaseFile): Promise<KeyColumn> {
  return keyColumnCache.get(cacheKey(store, file.path), () => readKeyColumn(store, file));
}

/**
 * Drops what the process cached of a base file a write is replacing by a new version (its lookup
 * is done), or that a clustering or compaction replaced: later lookups go by the latest slices
 * and never read a replaced file, so its key column and bloom filter would only sit in memory
 * until evicted, a whole table's worth after a copy-on-write write that rewrote every file group,
 * or a day of micro-batch files clustered away by a long-running ingestion. `written` drops the
 * file's bytes too, if this process wrote them: only once nothing reads the file any more (a
 * rewrite still merges from it). Should the write fail, the next lookup reads the file again.
 */
export function forgetBaseFile(store: ObjectStore, path: string, { written = false } = {}): void {
  const key = cacheKey(store, path);
  footerCache.delete(key);
  keyColumnCache.delete(key);
  if (written) forgetWrittenBaseFile(store, path);
}

/** The footer cache's bound in bytes; with `bytes`, sets it first (see process-caches.ts). */
export function footerCacheLimit(bytes?: number): number {
  if (bytes !== undefined) footerCache.resize(bytes);
  return footerCache.limit;
}

/** The key-column cache's bound in bytes; with `bytes`, sets it first. */
export function keyColumnCacheLimit(bytes?: number): number {
  if (bytes !== undefined) keyColumnCache.resize(bytes);
  return keyColumnCache.limit;
}

/** Bytes the index's caches hold now (footers, key columns), for diagnostics and tests. */
export function keyIndexHeldBytes(): { footers: number; keyColumns: number } {
  return { footers: footerCache.heldBytes, keyColumns: keyColumnCache.heldBytes };
}

const encoder = new TextEncoder();

/** MurmurHash3 (32-bit) of a byte range, a word at a time: the per-row cost of a lookup. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x9747b28c ^ (end - start);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < end) {
    let k = 0;
    for (let j = end - 1; j >= i; j--) k = (k << 8) | bytes[j];
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** 16 bits from a value's length and last (up to) eight bytes. */
function tailBits(bytes: Uint8Array, start: number, end: number): number {
  let a = end - start;
  let b = 0;
  const from = Math.max(start, end - 8);
  const mid = Math.max(from, end - 4);
  for (let j = from; j < mid; j++) a = (a << 8) | bytes[j];
  for (let j = mid; j < end; j++) b = (b << 8) | bytes[j];
  return (Math.imul(a, 0x85ebca6b) ^ Math.imul(b, 0x9e3779b1)) >>> 16;
}

/**
 * Which of `candidates` the column holds: compared as UTF-8 bytes, no string per row. The
 * candidates go into an open-addressing table of their byte hashes; before hashing a row, a
 * 64K-bit filter on its length and last eight bytes (the distinctive end of most keys) rules
 * out nearly every row that is not a candidate at the cost of one word and one bit test.
 */
function presentKeys(col: KeyColumn, candidates: readonly string[]): Set<string> {
  const encoded = candidates.map((k) => encoder.encode(k));
  let size = 16;
  while (size < encoded.length * 2) size <<= 1;
  const mask = size - 1;
  const hashes = new Int32Array(size);
  // Candidate index + 1 per slot; 0 is empty.
  const slots = new Int32Array(size);
  const filter = new Int32Array(2048);
  for (let c = 0; c < encoded.length; c++) {
    const f = tailBits(encoded[c], 0, encoded[c].length);
    filter[f >>> 5] |= 1 << (f & 31);
    const h = hashBytes(encoded[c], 0, encoded[c].length);
    let at = h & mask;
    while (slots[at] !== 0) at = (at + 1) & mask;
    slots[at] = c + 1;
    hashes[at] = h;
  }
  const found = new Set<string>();
  const { offsets, bytes } = col;
  for (let i = 0; i < col.length && found.size < candidates.length; i++) {
    const start = offsets[i];
    const end = offsets[i + 1];
    const f = tailBits(bytes, start, end);
    if ((filter[f >>> 5] & (1 << (f & 31))) === 0) continue;
    const h = hashBytes(bytes, start, end);
    for (let at = h & mask; slots[at] !== 0; at = (at + 1) & mask) {
      if (hashes[at] !== h) continue;
      const c = encoded[slots[at] - 1];
      if (c.length !== end - start) continue;
      let same = true;
      for (let j = 0; j < c.length; j++) {
        if (c[j] !== bytes[start + j]) {
          same = false;
          break;
        }
      }
      if (same) found.add(candidates[slots[at] - 1]);
    }
  }
  return found;
}

/**
 * Work the key index has done in this process, by every lookup: base files whose footer was
 * checked against a lookup's keys, and key columns scanned for candidates. For diagnostics
 * (tests, profiles); a write reports its own share as `IndexLookupStats`.
 */
export const keyIndexWork = { footersChecked: 0, keyColumnsScanned: 0 };

export interface IndexLookupStats {
  filesConsidered: number;
  filesRead: number;
}

/**
 * Every file group (in file order) whose base file holds each of `keys`. A table without
 * duplicate keys has one per key; on merge-on-read tables a key deleted in one group's log and
 * inserted again elsewhere is in both base files until compaction.
 */
export async function locateKeyHolders(
  store: ObjectStore,
  files: readonly { fileId: string; baseFile: BaseFile }[],
  keys: readonly string[],
  stats?: IndexLookupStats,
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (keys.length === 0 || files.length === 0) return found;
  const sorted = [...new Set(keys)].sort();
  // Footers, then the key columns of files with candidates, are fetched several at a time: on
  // an object store each is a round trip or two, and a write may touch hundreds of file groups.
  const footers = await mapLimit(files, FOOTER_CONCURRENCY, (f) => footerKeys(store, f.baseFile));
  const candidatesPerFile = files.map((_, n) => {
    const footer = footers[n];
    let lo = 0;
    let hi = sorted.length;
    if (footer.range) {
      lo = bound(sorted, footer.range.min, false);
      hi = bound(sorted, footer.range.max, true);
    }
    const candidates: string[] = [];
    for (let i = lo; i < hi; i++) {
      const key = sorted[i];
      if (!footer.bloom || footer.bloom.mightContain(key)) candidates.push(key);
    }
    return candidates;
  });
  if (stats) stats.filesConsidered += files.length;
  keyIndexWork.footersChecked += files.length;
  const present = await mapLimit(files, KEY_COLUMN_CONCURRENCY, async ({ baseFile }, n) => {
    const candidates = candidatesPerFile[n];
    if (candidates.length === 0) return undefined;
    if (stats) stats.filesRead++;
    keyIndexWork.keyColumnsScanned++;
    return presentKeys(await keyColumnOf(store, baseFile), candidates);
  });
  files.forEach(({ fileId }, n) => {
    for (const key of present[n] ?? []) {
      const holders = found.get(key);
      if (holders) holders.push(fileId);
      else found.set(key, [fileId]);
    }
  });
  return found;
}

/** Footers fetched at once by one lookup (each a small ranged read). */
const FOOTER_CONCURRENCY = 16;
/** Key columns fetched and decoded at once by one lookup (bounded: each is held in memory). */
const KEY_COLUMN_CONCURRENCY = 4;

/** First index whose value is > `value` (inclusive: >= when `inclusive` is false). */
function bound(sorted: readonly string[], value: string, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value || (inclusive && sorted[mid] === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
