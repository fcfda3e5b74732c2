// Verification of an erasure: nothing in the table folder may hold an erased value. Data files
// are decoded (every base file and log file on storage, whichever version: the column, record
// keys, delete-block keys, undecoded blocks' bytes); lake's NDJSON records are read line by
// line; every other object — the timeline, plans, markers, properties, auxiliary files — is
// scanned byte by byte, and every object's name is checked too. Where a value is found is
// reported by object key.

import { mapLimit, NotFoundError, type ObjectStore } from '@lake/storage';

import { parseBaseFileName } from '../file-group/base-file.js';
import { parseLogFileName } from '../file-group/log-file.js';
import { isRecordFile, matchingLines } from './erasure-aux.js';
import type { ValueMatcher } from './erasure-match.js';
import { holdsValue, scanDataFile } from './erasure-scan.js';
import { newSearchLog, type ErasureValue, type SearchLog } from './erasure-search.js';

export interface ErasureVerification {
  at: string;
  /** Data files (base and log) decoded. */
  filesScanned: number;
  /** Other objects in the table folder scanned byte by byte (absent in records before such scans). */
  objectsScanned?: number;
  /** Rows, keys, record lines and byte occurrences holding an erased value: must be 0. */
  matches: number;
  /** Object keys where an erased value was found (absent in records before such scans). */
  found?: string[];
  /**
   * What the base files' reads fetched, and the row groups whose erasure column was not read
   * because its bloom filter rules every value out (their record keys were still read). Absent
   * when the verification had no values to probe with (a later re-verification keeps only hashes).
   */
  search?: SearchLog;
  passed: boolean;
}

function isDataFile(key: string): boolean {
  if (key.startsWith('.hoodie/')) return false;
  const name = key.slice(key.lastIndexOf('/') + 1);
  return parseBaseFileName(name) !== undefined || parseLogFileName(name) !== undefined;
}

/**
 * Re-reads the whole table folder for the values `matcher` recognises. Given the erased `values`
 * themselves (only the erasure's own run has them), a base file's row groups whose bloom filter
 * on `column` rules them all out are not read for the column; without a filter, or on a "maybe",
 * the column is read as always.
 */
export async function verifyFolder(store: ObjectStore, column: string, matcher: ValueMatcher, values: readonly ErasureValue[] = []): Promise<ErasureVerification> {
  const log = values.length > 0 ? newSearchLog() : undefined;
  const keys: string[] = [];
  for await (const o of store.list('')) keys.push(o.key);
  keys.sort();
  let filesScanned = 0;
  let objectsScanned = 0;
  const counts = await mapLimit(keys, 4, async (key) => {
    let n = matcher.inText(key) ? 1 : 0;
    if (isDataFile(key)) {
      filesScanned++;
      const scan = await scanDataFile(store, key, { column, matcher, values: [], keys: true, ...(log ? { bloomValues: values, log } : {}) });
      if (holdsValue(scan)) n += scan.keys.length + scan.otherHits;
      return n;
    }
    objectsScanned++;
    let bytes: Uint8Array;
    try {
      bytes = await store.get(key);
    } catch (e) {
      // Gone since the listing (a heartbeat, a claim): nothing left to hold a value.
      if (e instanceof NotFoundError) return n;
      throw e;
    }
    n += matcher.countInBytes(bytes);
    if (isRecordFile(key)) n += matchingLines(bytes, column, matcher);
    return n;
  });
  const found = keys.filter((_, i) => counts[i] > 0);
  const matches = counts.reduce((a, b) => a + b, 0);
  if (log) log.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { at: new Date().toISOString(), filesScanned, objectsScanned, matches, found, passed: matches === 0, ...(log ? { search: log } : {}) };
}
