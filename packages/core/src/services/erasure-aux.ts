// Records lake keeps beside the table under `.hoodie/.aux/lake/` as NDJSON (the ingest
// quarantine: rejected records with their raw values): an erasure rewrites each such file
// without the lines that hold an erased value, and verification reads them line by line.

import type { ObjectStore } from '@lake/storage';

import { LAKE_AUX_FOLDER } from '../commit/paths.js';
import type { ValueMatcher } from './erasure-match.js';

export function isRecordFile(key: string): boolean {
  return key.startsWith(LAKE_AUX_FOLDER) && key.endsWith('.ndjson');
}

/** Whether a parsed value holds an erased value: `column` fields compared whole, text as tokens. */
function holds(v: unknown, column: string, m: ValueMatcher, field?: string): boolean {
  if (typeof v === 'string') return (field === column && m.equals(v)) || m.inText(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return field === column && m.equals(v);
  if (Array.isArray(v)) return v.some((x) => holds(x, column, m, field));
  if (v !== null && typeof v === 'object') return Object.entries(v).some(([k, x]) => holds(x, column, m, k) || m.inText(k));
  return false;
}

const encoder = new TextEncoder();

/** Whether one NDJSON line holds an erased value, parsed or (when it does not parse) as bytes. */
function lineHolds(line: string, column: string, m: ValueMatcher): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return m.countInBytes(encoder.encode(line), 0, undefined, 1) > 0;
  }
  return holds(parsed, column, m) || m.inText(line);
}

function lines(bytes: Uint8Array): string[] {
  return new TextDecoder().decode(bytes).split('\n').filter((l) => l.trim().length > 0);
}

/** Lines of one NDJSON file holding an erased value. */
export function matchingLines(bytes: Uint8Array, column: string, m: ValueMatcher): number {
  return lines(bytes).filter((l) => lineHolds(l, column, m)).length;
}

/**
 * Rewrites every NDJSON file under the auxiliary folder without its matching lines (deleting a
 * file left empty). Returns the files changed and the lines removed.
 */
export async function purgeRecordFiles(store: ObjectStore, column: string, m: ValueMatcher): Promise<{ files: string[]; records: number }> {
  const out = { files: [] as string[], records: 0 };
  const keys: string[] = [];
  for await (const o of store.list(LAKE_AUX_FOLDER)) if (isRecordFile(o.key)) keys.push(o.key);
  for (const key of keys.sort()) {
    const all = lines(await store.get(key));
    const kept = all.filter((l) => !lineHolds(l, column, m));
    if (kept.length === all.length) continue;
    if (kept.length === 0) await store.delete(key);
    else await store.put(key, encoder.encode(kept.join('\n') + '\n'));
    out.files.push(key);
    out.records += all.length - kept.length;
  }
  return out;
}
