// When a merge keeps a file group's stored keys, the new base file's record-key filter is the old
// file's filter with only the new keys added, rather than one rebuilt by hashing every key again.

import { BLOOM_FILTER_DEFAULTS, dynamicFilterLoad, growableCopy, type BloomFilter, type BloomFilterTypeCode } from './bloom-filter.js';
import { extendRecordKeyFooter, type RecordKeyFooter } from './bloom-footer.js';

/** What a base file's footer says of its keys (see `baseFileRecordKeys` in key-index.ts). */
export interface StoredRecordKeys {
  range?: { min: string; max: string };
  bloom?: BloomFilter;
}

export interface FooterReuse {
  /** Filter type the new file is to get. */
  type: BloomFilterTypeCode;
  /** Keys the new file holds that the old one did not (to be added). */
  addedKeys: number;
  /** Keys per row a filter rebuilt from the new file's keys would be sized for. */
  rebuildEntries: number;
}

/**
 * A footer for the new file that starts from the old file's filter and range, or undefined when
 * it must be rebuilt from every key: the old filter is not DYNAMIC_V0 (a SIMPLE filter cannot
 * grow rows, more keys would only raise its false-positive rate), or the file has no key range
 * (its filter then stands for keys no range bounds), or the added keys would push the filter past
 * its bound with rows smaller than a rebuilt filter's (keys past the bound go round-robin into
 * full rows; a rebuild with bigger rows keeps the configured rate).
 *
 * The keys a merge deleted stay in a reused filter and the range is not narrowed for them: the
 * key index then reads the file for such a key and does not find it (a false "maybe"); it is
 * never told "no" for a key the file holds.
 */
export function reusedRecordKeyFooter(stored: StoredRecordKeys | undefined, reuse: FooterReuse): RecordKeyFooter | undefined {
  if (reuse.type !== 'DYNAMIC_V0' || !stored?.bloom || !stored.range) return undefined;
  const load = dynamicFilterLoad(stored.bloom);
  if (!load) return undefined;
  const maxEntries = BLOOM_FILTER_DEFAULTS.maxEntries;
  // Rows are added while rows * perRow < maxEntries: the keys the filter takes without overloading a row.
  const capacity = Math.max(Math.ceil(maxEntries / load.perRow), load.rows) * load.perRow;
  const withinBound = load.keys + reuse.addedKeys <= capacity;
  if (!withinBound && load.perRow < reuse.rebuildEntries) return undefined;
  const filter = growableCopy(stored.bloom, maxEntries);
  return filter && extendRecordKeyFooter(filter, stored.range);
}
