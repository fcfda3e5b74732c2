// Commit metadata (HoodieCommitMetadata / HoodieReplaceCommitMetadata) as typed values: what
// each write touched per partition, the writer schema, the operation, replaced file groups.

import { CorruptTimelineError } from '../errors.js';
import { decodeMetadataFile, jsonRecord as obj, type JsonValue } from './metadata-file.js';

export interface WriteStat {
  fileId: string;
  /** File path relative to the table root, as recorded by the writer. */
  path?: string;
  partitionPath: string;
  prevCommit?: string;
  numWrites: number;
  numDeletes: number;
  numUpdateWrites: number;
  numInserts: number;
  totalWriteBytes: number;
  totalWriteErrors: number;
  totalLogRecords: number;
  totalLogBlocks: number;
  totalCorruptLogBlock: number;
  totalRollbackBlocks: number;
  fileSizeInBytes: number;
  baseFile?: string;
  logFiles?: string[];
  prevBaseFile?: string;
}

export interface CommitMetadata {
  partitionToWriteStats: Map<string, WriteStat[]>;
  extraMetadata: Map<string, string>;
  operationType?: string;
  compacted: boolean;
  /** Only in replace commits: file ids each partition's writes replaced. */
  partitionToReplaceFileIds: Map<string, string[]>;
}

function num(v: JsonValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return 0;
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function parseWriteStat(v: JsonValue, partition: string, file: string): WriteStat {
  const o = obj(v);
  if (!o) throw new CorruptTimelineError(file, `a write stat of partition "${partition}" is not an object`);
  const stat: WriteStat = {
    fileId: str(o.fileId) ?? '',
    partitionPath: str(o.partitionPath) ?? partition,
    numWrites: num(o.numWrites),
    numDeletes: num(o.numDeletes),
    numUpdateWrites: num(o.numUpdateWrites),
    numInserts: num(o.numInserts),
    totalWriteBytes: num(o.totalWriteBytes),
    totalWriteErrors: num(o.totalWriteErrors),
    totalLogRecords: num(o.totalLogRecords),
    totalLogBlocks: num(o.totalLogBlocks),
    totalCorruptLogBlock: num(o.totalCorruptLogBlock),
    totalRollbackBlocks: num(o.totalRollbackBlocks),
    fileSizeInBytes: num(o.fileSizeInBytes),
  };
  const path = str(o.path);
  if (path !== undefined) stat.path = path;
  const prev = str(o.prevCommit);
  if (prev !== undefined) stat.prevCommit = prev;
  const baseFile = str(o.baseFile);
  if (baseFile) stat.baseFile = baseFile;
  const prevBaseFile = str(o.prevBaseFile);
  if (prevBaseFile) stat.prevBaseFile = prevBaseFile;
  if (Array.isArray(o.logFiles)) stat.logFiles = o.logFiles.filter((x): x is string => typeof x === 'string');
  return stat;
}

/** Typed commit metadata from decoded JSON-like values. */
export function commitMetadataFromJson(json: { [k: string]: JsonValue } | undefined, file: string): CommitMetadata {
  const out: CommitMetadata = {
    partitionToWriteStats: new Map(),
    extraMetadata: new Map(),
    compacted: false,
    partitionToReplaceFileIds: new Map(),
  };
  if (!json) return out;
  const stats = json.partitionToWriteStats;
  if (stats !== undefined && stats !== null) {
    const o = obj(stats);
    if (!o) throw new CorruptTimelineError(file, 'partitionToWriteStats is not an object');
    for (const [partition, list] of Object.entries(o)) {
      if (list === null) continue;
      if (!Array.isArray(list)) throw new CorruptTimelineError(file, `write stats of partition "${partition}" are not a list`);
      out.partitionToWriteStats.set(partition, list.map((s) => parseWriteStat(s, partition, file)));
    }
  }
  for (const [k, v] of Object.entries(obj(json.extraMetadata) ?? {})) {
    if (typeof v === 'string') out.extraMetadata.set(k, v);
  }
  const op = str(json.operationType);
  if (op) out.operationType = op;
  out.compacted = json.compacted === true;
  for (const [partition, ids] of Object.entries(obj(json.partitionToReplaceFileIds) ?? {})) {
    if (Array.isArray(ids)) out.partitionToReplaceFileIds.set(partition, ids.filter((x): x is string => typeof x === 'string'));
  }
  return out;
}

/** Parses a commit / deltacommit / replacecommit file (JSON or Avro). */
export function parseCommitMetadata(bytes: Uint8Array, file: string): CommitMetadata {
  return commitMetadataFromJson(decodeMetadataFile(bytes, file), file);
}

/** Every file id a commit wrote, as `partition/fileId` pairs. */
export function writtenFileGroups(meta: CommitMetadata): { partitionPath: string; fileId: string }[] {
  const out: { partitionPath: string; fileId: string }[] = [];
  for (const [partition, stats] of meta.partitionToWriteStats) {
    for (const s of stats) if (s.fileId) out.push({ partitionPath: s.partitionPath || partition, fileId: s.fileId });
  }
  return out;
}
