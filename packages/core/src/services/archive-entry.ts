// Turns one instant file of the active timeline into the HoodieArchivedMetaEntry record Hudi's
// archiver writes for it: the metadata goes to the field of its action and state (completed
// commits as Avro commit metadata, clean plans and clean metadata, rollback metadata, compaction
// plans, replace metadata), with the instant's time, action and state alongside.

import type { Instant } from '../timeline/instant.js';
import { decodeMetadataFile, type JsonValue } from '../timeline/metadata-file.js';
import { WRITE_STAT_FIELDS } from '../timeline/plans/archive-schema.js';

type JsonObject = { [k: string]: JsonValue };

/** Hudi's name for the instant state in archive records. */
const STATE_NAME = { requested: 'REQUESTED', inflight: 'INFLIGHT', completed: 'COMPLETED' } as const;

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

function asLong(v: JsonValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return null;
}

function writeStat(s: JsonValue): Record<string, string | number | null> {
  const stat = isObject(s) ? s : {};
  const out: Record<string, string | number | null> = {};
  for (const [name, type] of WRITE_STAT_FIELDS) {
    const v = stat[name];
    out[name] = type === 'long' ? asLong(v) : typeof v === 'string' ? v : null;
  }
  return out;
}

function stringMap(v: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** JSON commit metadata (table version 6) in its Avro form, as Hudi converts it for the archive. */
function avroCommitMetadata(json: JsonObject, withReplaced: boolean): Record<string, unknown> {
  const stats: Record<string, unknown[]> = {};
  if (isObject(json.partitionToWriteStats)) {
    for (const [p, list] of Object.entries(json.partitionToWriteStats)) stats[p] = Array.isArray(list) ? list.map(writeStat) : [];
  }
  // Hudi drops rolling statistics from archived commits by blanking their key.
  const extraMetadata = { ...stringMap(json.extraMetadata), ROLLING_STAT: '' };
  const operationType = json.compacted === true ? 'COMPACT' : typeof json.operationType === 'string' ? json.operationType : null;
  const out: Record<string, unknown> = { partitionToWriteStats: stats, extraMetadata, version: 1, operationType };
  if (withReplaced) {
    const replaced: Record<string, string[]> = {};
    if (isObject(json.partitionToReplaceFileIds)) {
      for (const [p, ids] of Object.entries(json.partitionToReplaceFileIds)) replaced[p] = Array.isArray(ids) ? ids.filter((i): i is string => typeof i === 'string') : [];
    }
    out.partitionToReplaceFileIds = replaced;
  }
  return out;
}

/** The archive record of one instant file; `bytes` is the file's content. */
export function archivedEntry(instant: Instant, bytes: Uint8Array, path: string): Record<string, unknown> {
  const entry: Record<string, unknown> = { commitTime: instant.time, actionState: STATE_NAME[instant.state], version: 1 };
  const json = decodeMetadataFile(bytes, path);
  const completed = instant.state === 'completed';
  switch (instant.action) {
    case 'commit':
    case 'deltacommit':
      if (json) entry.hoodieCommitMetadata = avroCommitMetadata(json, false);
      entry.actionType = instant.action;
      break;
    case 'replacecommit':
      if (json && completed) entry.hoodieReplaceCommitMetadata = avroCommitMetadata(json, true);
      else if (json && instant.state === 'inflight') entry.HoodieInflightReplaceMetadata = avroCommitMetadata(json, false);
      else if (json) entry.hoodieRequestedReplaceMetadata = json;
      entry.actionType = 'replacecommit';
      break;
    case 'clean':
      if (json && completed) entry.hoodieCleanMetadata = json;
      else if (json) entry.hoodieCleanerPlan = json;
      entry.actionType = 'clean';
      break;
    case 'rollback':
      if (json && completed) entry.hoodieRollbackMetadata = json;
      entry.actionType = 'rollback';
      break;
    case 'compaction':
      if (json) entry.hoodieCompactionPlan = json;
      entry.actionType = 'compaction';
      break;
    default:
      entry.actionType = instant.action;
  }
  return entry;
}
