// The record-key index: finds the file group holding each incoming key without reading every
// base file. It is Hudi's bloom index: each base file's footer carries a bloom filter and the
// min/max record key; a key can only be in files whose range covers it and whose filter says
// "maybe", and only those candidates' `_hoodie_record_key` column is read to confirm.
// Footers and key columns are immutable (a new file version is a new file name), so they are
// cached per process (key columns up to 256 MiB) and never go stale, whoever wrote the table.

import { Utf8 } from 'apache-arrow';
import type { ObjectStore } from '@lake/storage';
import { byteSourceFromStore, openParquet } from '@lake/parquet';
import type { BloomFilter } from '../bloom/bloom-filter.js';
import { readFooterBloomFilter, readFooterKeyRange } from '../bloom/footer.js';
import type { BaseFile } from '../file-group/file-slice.js';
import { META } from '../schema/table-schema.js';
import { concatData } from '../arrow/take.js';
import { conformData } from '../read/conform.js';

interface FooterKeys {
  range?: { min: string; max: string };
  bloom?: BloomFilter;
}

const footerCache = new Map<string, Promise<FooterKeys>>();
const maxCachedFooters = 20_000;

function cacheKey(store: ObjectStore, path: string): string {
  return `${store.uri}\u0000${path}`;
}

async function footerKeys(store: ObjectStore, file: BaseFile): Promise<FooterKeys> {
  const key = cacheKey(store, file.path);
  let entry = footerCache.get(key);
  if (!entry) {
    entry = (async () => {
      const reader = await openParquet(await byteSourceFromStore(store, file.path, file.size), { name: file.path });
      const meta = reader.metadata.keyValueMetadata;
      return { range: readFooterKeyRange(meta), bloom: readFooterBloomFilter(meta) };
    })();
    entry.catch(() => footerCache.delete(key));
    if (footerCache.size >= maxCachedFooters) footerCache.delete(footerCache.keys().next().value as string);
    footerCache.set(key, entry);
  }
  return entry;
}

/** A file's `_hoodie_record_key` column as raw UTF-8: offsets into one byte buffer. */
interface KeyColumn {
  offsets: Int32Array;
  bytes: Uint8Array;
  length: number;
}

// Record-key columns of base files, cached per process like the footers: files never change,
// and a merge-on-read table's base files stay the same across every write until compaction.
// Bounded by bytes, oldest evicted first.
const keyColumnCache = new Map<string, Promise<KeyColumn>>();
const keyColumnBytes = new Map<string, number>();
let cachedKeyBytes = 0;
const maxCachedKeyBytes = 256 * 1024 * 1024;

async function readKeyColumn(store: ObjectStore, file: BaseFile): Promise<KeyColumn> {
  const reader = await openParquet(await byteSourceFromStore(store, file.path, file.size), { name: file.path });
  const table = await reader.read({ columns: [META.recordKey] });
  const column = table.getChild(META.recordKey);
  if (!column || column.length === 0) return { offsets: new Int32Array(1), bytes: new Uint8Array(0), length: 0 };
  const chunks = column.data.map((d) => conformData(d, new Utf8()));
  const data = chunks.length === 1 ? chunks[0] : concatData(chunks);
  const offsets = data.valueOffsets as Int32Array;
  return { offsets: offsets.subarray(data.offset, data.offset + data.length + 1), bytes: data.values as Uint8Array, length: data.length };
}

function keyColumnOf(store: ObjectStore, file: BaseFile): Promise<KeyColumn> {
  const key = cacheKey(store, file.path);
  let entry = keyColumnCache.get(key);
  if (entry) {
    // Recently used entries move to the back of the eviction order.
    keyColumnCache.delete(key);
    keyColumnCache.set(key, entry);
    return entry;
  }
  entry = readKeyColumn(store, file);
  keyColumnCache.set(key, entry);
  entry.then(
    (col) => {
      if (keyColumnCache.get(key) !== entry) return;
      const size = col.bytes.byteLength + col.offsets.byteLength;
      keyColumnBytes.set(key, size);
      cachedKeyBytes += size;
      for (const [old] of keyColumnCache) {
        if (cachedKeyBytes <= maxCachedKeyBytes || old === key) break;
        keyColumnCache.delete(old);
        cachedKeyBytes -= keyColumnBytes.get(old) ?? 0;
        keyColumnBytes.delete(old);
      }
    },
    () => keyColumnCache.delete(key),
  );
  return entry;
}

const encoder = new TextEncoder();

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  // FNV-1a's low bits mix poorly for keys that differ only in their last bytes; fold the high bits in.
  h ^= h >>> 15;
  return h | 0;
}

/**
 * Which of `candidates` the column holds: compared as UTF-8 bytes, no string per row. The
 * candidates go into an open-addressing table of their byte hashes, so each row of the column
 * costs one hash and (nearly always) one probe.
 */
function presentKeys(col: KeyColumn, candidates: readonly string[]): Set<string> {
  const encoded = candidates.map((k) => encoder.encode(k));
  let size = 16;
  while (size < encoded.length * 2) size <<= 1;
  const mask = size - 1;
  const hashes = new Int32Array(size);
  // Candidate index + 1 per slot; 0 is empty.
  const slots = new Int32Array(size);
  for (let c = 0; c < encoded.length; c++) {
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

export interface IndexLookupStats {
  filesConsidered: number;
  filesRead: number;
}

/**
 * Which of `keys` already exist in the given base files (one partition's latest slices), and
 * in which file group. Keys not in the result are new.
 */
export async function locateKeys(
  store: ObjectStore,
  files: readonly { fileId: string; baseFile: BaseFile }[],
  keys: readonly string[],
  stats?: IndexLookupStats,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (keys.length === 0 || files.length === 0) return found;
  const sorted = [...new Set(keys)].sort();
  for (const { fileId, baseFile } of files) {
    if (stats) stats.filesConsidered++;
    const footer = await footerKeys(store, baseFile);
    let lo = 0;
    let hi = sorted.length;
    if (footer.range) {
      lo = bound(sorted, footer.range.min, false);
      hi = bound(sorted, footer.range.max, true);
    }
    const candidates: string[] = [];
    for (let i = lo; i < hi; i++) {
      const key = sorted[i];
      if (found.has(key)) continue;
      if (!footer.bloom || footer.bloom.mightContain(key)) candidates.push(key);
    }
    if (candidates.length === 0) continue;
    if (stats) stats.filesRead++;
    for (const key of presentKeys(await keyColumnOf(store, baseFile), candidates)) found.set(key, fileId);
  }
  return found;
}

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
