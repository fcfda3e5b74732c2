// The record-key entries Hudi puts in a base file's Parquet footer: the bloom filter, its type
// code (written only for dynamic filters) and the smallest and largest record key in the file.

import type { Data, Utf8 } from 'apache-arrow';

import { createBloomFilter, parseBloomFilter, parseBloomFilterBytes, type BloomFilter, type BloomFilterOptions } from './bloom-filter.js';

export const BLOOM_FILTER_FOOTER_KEY = 'org.apache.hudi.bloomfilter';
/** Key used by Hudi releases from before the Apache incubation; still read. */
const OLD_BLOOM_FILTER_FOOTER_KEY = 'com.uber.hoodie.bloomfilter';
export const BLOOM_FILTER_TYPE_CODE_FOOTER_KEY = 'hoodie_bloom_filter_type_code';
export const MIN_RECORD_KEY_FOOTER_KEY = 'hoodie_min_record_key';
export const MAX_RECORD_KEY_FOOTER_KEY = 'hoodie_max_record_key';

export interface RecordKeyFooter {
  readonly filter: BloomFilter;
  /** Adds a record key to the filter and the min/max range. */
  add(key: string): void;
  /** Adds every non-null value of a Utf8 column of record keys, hashing ASCII keys from its bytes. */
  addColumn(column: Data<Utf8>): void;
  readonly minKey: string | undefined;
  readonly maxKey: string | undefined;
  /** Footer key-value metadata to write into the base file; the filter as its Base64 bytes (hundreds of KiB, never made a string). */
  metadata(): Record<string, string | Uint8Array>;
}

/**
 * Collects the keys of one base file. Keys compare by UTF-16 code units, as Java's
 * String.compareTo does for Hudi's min/max footer keys.
 */
export function createRecordKeyFooter(options: BloomFilterOptions = {}): RecordKeyFooter {
  return footerOf(createBloomFilter(options), undefined);
}

/**
 * A footer that starts from `filter` and `range` (another file's, the filter already a copy of
 * its own) and takes more keys: the range widens to cover them.
 */
export function extendRecordKeyFooter(filter: BloomFilter, range: { min: string; max: string } | undefined): RecordKeyFooter {
  return footerOf(filter, range);
}

function footerOf(filter: BloomFilter, range: { min: string; max: string } | undefined): RecordKeyFooter {
  let minKey: string | undefined = range?.min;
  let maxKey: string | undefined = range?.max;
  const widen = (key: string): void => {
    if (minKey === undefined || key < minKey) minKey = key;
    if (maxKey === undefined || key > maxKey) maxKey = key;
  };
  const add = (key: string): void => {
    filter.add(key);
    widen(key);
  };
  return {
    filter,
    add,
    addColumn(column: Data<Utf8>): void {
      const offsets = column.valueOffsets;
      const bytes = column.values;
      const nulls = column.nullCount > 0;
      // Of ASCII keys, byte order is UTF-16 order: the smallest and largest are found on the
      // bytes and made strings once. Other keys go through `add` as strings.
      let lo = -1;
      let hi = -1;
      for (let r = 0; r < column.length; r++) {
        if (nulls && !column.getValid(r)) continue;
        const start = offsets[r];
        const end = offsets[r + 1];
        if (!isAscii(bytes, start, end)) {
          add(decoder.decode(bytes.subarray(start, end)));
          continue;
        }
        filter.addUtf8(bytes, start, end);
        if (lo < 0 || compareBytes(bytes, start, end, offsets[lo], offsets[lo + 1]) < 0) lo = r;
        if (hi < 0 || compareBytes(bytes, start, end, offsets[hi], offsets[hi + 1]) > 0) hi = r;
      }
      if (lo >= 0) widen(decoder.decode(bytes.subarray(offsets[lo], offsets[lo + 1])));
      if (hi >= 0) widen(decoder.decode(bytes.subarray(offsets[hi], offsets[hi + 1])));
    },
    get minKey() {
      return minKey;
    },
    get maxKey() {
      return maxKey;
    },
    metadata(): Record<string, string | Uint8Array> {
      const out: Record<string, string | Uint8Array> = { [BLOOM_FILTER_FOOTER_KEY]: filter.serializeBytes() };
      if (filter.typeCode.startsWith('DYNAMIC')) out[BLOOM_FILTER_TYPE_CODE_FOOTER_KEY] = filter.typeCode;
      if (minKey !== undefined && maxKey !== undefined) {
        out[MIN_RECORD_KEY_FOOTER_KEY] = minKey;
        out[MAX_RECORD_KEY_FOOTER_KEY] = maxKey;
      }
      return out;
    },
  };
}

const decoder = new TextDecoder();

function isAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

function compareBytes(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = bytes[aStart + i] - bytes[bStart + i];
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

type FooterMetadata = ReadonlyMap<string, string> | Readonly<Record<string, string | undefined>>;

function lookup(meta: FooterMetadata, key: string): string | undefined {
  if (meta instanceof Map) return meta.get(key);
  return (meta as Readonly<Record<string, string | undefined>>)[key];
}

/** The bloom filter stored in a base file's footer, or undefined when the file has none. */
export function readFooterBloomFilter(meta: FooterMetadata): BloomFilter | undefined {
  const text = lookup(meta, BLOOM_FILTER_FOOTER_KEY) ?? lookup(meta, OLD_BLOOM_FILTER_FOOTER_KEY);
  if (text === undefined) return undefined;
  return parseBloomFilter(text, lookup(meta, BLOOM_FILTER_TYPE_CODE_FOOTER_KEY));
}

/** The [min, max] record keys stored in a footer, or undefined when absent. */
export function readFooterKeyRange(meta: FooterMetadata): { min: string; max: string } | undefined {
  const min = lookup(meta, MIN_RECORD_KEY_FOOTER_KEY);
  const max = lookup(meta, MAX_RECORD_KEY_FOOTER_KEY);
  return min !== undefined && max !== undefined ? { min, max } : undefined;
}

/** What the key index needs of a base file's footer. */
export interface FooterRecordKeys {
  range?: { min: string; max: string };
  bloom?: BloomFilter;
  /** Length of the filter's Base64 text (0 without one): what parsing it holds. */
  bloomTextLength: number;
}

const utf8 = new TextDecoder();

/**
 * The key range and bloom filter of a footer whose key-value metadata is held as bytes (see
 * `readFooterKeyValues`): the same answer as `readFooterKeyRange` and `readFooterBloomFilter` on
 * the decoded strings, without turning the filter's text into a string first.
 */
export function readFooterRecordKeys(meta: ReadonlyMap<string, Uint8Array>): FooterRecordKeys {
  const text = (key: string) => {
    const value = meta.get(key);
    return value === undefined ? undefined : utf8.decode(value);
  };
  const min = text(MIN_RECORD_KEY_FOOTER_KEY);
  const max = text(MAX_RECORD_KEY_FOOTER_KEY);
  const range = min !== undefined && max !== undefined ? { min, max } : undefined;
  const bloomText = meta.get(BLOOM_FILTER_FOOTER_KEY) ?? meta.get(OLD_BLOOM_FILTER_FOOTER_KEY);
  if (bloomText === undefined) return { range, bloomTextLength: 0 };
  return { range, bloom: parseBloomFilterBytes(bloomText, text(BLOOM_FILTER_TYPE_CODE_FOOTER_KEY)), bloomTextLength: bloomText.byteLength };
}

