// The record-key index: finds the file group holding each incoming key without reading every
// base file. It is Hudi's bloom index: each base file's footer carries a bloom filter and the
// min/max record key; a key can only be in files whose range covers it and whose filter says
// "maybe", and only those candidates' `_hoodie_record_key` column is read to confirm.
// Footers are immutable (a new file version is a new file name), so they are cached per process
// and never go stale, whoever wrote the table. Memory grows with the files of the partitions a
// write touches, never with the number of keys in the table.

import type { ObjectStore } from '@lake/storage';
import { byteSourceFromStore, openParquet } from '@lake/parquet';
import type { BloomFilter } from '../bloom/bloom-filter.js';
import { readFooterBloomFilter, readFooterKeyRange } from '../bloom/footer.js';
import type { BaseFile } from '../file-group/file-slice.js';
import { META } from '../schema/table-schema.js';

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

async function recordKeysOf(store: ObjectStore, file: BaseFile): Promise<Set<string>> {
  const reader = await openParquet(await byteSourceFromStore(store, file.path, file.size), { name: file.path });
  const table = await reader.read({ columns: [META.recordKey] });
  const column = table.getChild(META.recordKey);
  const out = new Set<string>();
  if (!column) return out;
  for (const value of column) if (typeof value === 'string') out.add(value);
  return out;
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
    const present = await recordKeysOf(store, baseFile);
    for (const key of candidates) if (present.has(key)) found.set(key, fileId);
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
