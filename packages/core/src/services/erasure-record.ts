// The proof record of an erasure, `.hoodie/.aux/lake/erasures/<request>.json`: salted hashes of
// the values (never the values), what the erasure wrote and purged, and its verification. It is
// saved as the erasure goes, so a re-run of the same request knows what an earlier, interrupted
// run had done.

import { NotFoundError, type ObjectStore } from '@lake/storage';

import { InvalidWriteError } from '../errors.js';
import { ERASURES_FOLDER } from '../commit/paths.js';
import { ValueMatcher, type ErasureFingerprints } from './erasure-match.js';
import type { SearchLog } from './erasure-search.js';
import type { ErasureVerification } from './erasure-verify.js';

export interface ErasureRecord {
  requestId: string;
  column: string;
  salt: string;
  /** sha256(salt + value) of each value, hex. */
  valueHashes: string[];
  /** Salted rolling fingerprints of the values that are not plain numbers, for byte scans. */
  fingerprints?: ErasureFingerprints;
  /** `running` until a run got through every step; a re-run of the request finishes it. */
  status?: 'running' | 'completed';
  startedAt: string;
  /** The latest instant on the timeline when the request began: its own instants come after. */
  fromInstant?: string;
  /** Rows removed from the latest snapshot (over every run of the request). */
  rowsErased: number;
  /** Instants this erasure wrote: delete commits, compactions, the purge's cleans. */
  instants: string[];
  filesExamined: number;
  filesSkipped: number;
  filesRewritten: string[];
  /** Data files the purge is about to delete or deleted. */
  purgePlanned?: string[];
  filesPurged: string[];
  /** Files of lake's own records (the ingest quarantine) rewritten without the values. */
  recordFilesRewritten?: string[];
  recordsPurged?: number;
  /** What the search of the snapshot and of older files read, and what statistics and bloom filters let it skip. */
  search?: SearchLog;
  verification: ErasureVerification;
}

function recordKey(requestId: string): string {
  return `${ERASURES_FOLDER}${requestId}.json`;
}

export async function saveRecord(store: ObjectStore, record: ErasureRecord): Promise<void> {
  await store.put(recordKey(record.requestId), new TextEncoder().encode(JSON.stringify(record, null, 2)));
}

/** The record of `requestId`, or undefined when the request never started. */
export async function loadRecord(store: ObjectStore, requestId: string): Promise<ErasureRecord | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(recordKey(requestId));
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
  return JSON.parse(new TextDecoder().decode(bytes)) as ErasureRecord;
}

export function matcherOf(record: ErasureRecord): ValueMatcher {
  return new ValueMatcher(record.salt, new Set(record.valueHashes), record.fingerprints);
}

/** Fails unless a re-run names the same column and values as the request's first run. */
export function checkSameRequest(record: ErasureRecord, column: string, hashes: readonly string[]): void {
  const same = record.column === column && record.valueHashes.length === hashes.length && hashes.every((h) => record.valueHashes.includes(h));
  if (!same) {
    throw new InvalidWriteError(
      `Erasure request "${record.requestId}" was started for other values or another column (${record.column}); re-run it with the same column and values, or give a new request id.`,
    );
  }
}
