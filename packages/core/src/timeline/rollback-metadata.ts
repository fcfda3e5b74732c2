// Rollback and restore metadata: which instants they undid. Readers must never show data from
// those instants, even if a file of theirs survived the rollback.

import { decodeMetadataFile, type JsonValue } from './metadata-file.js';

export interface RollbackMetadata {
  /** Instant times rolled back. */
  rolledBack: string[];
  /** Files the rollback deleted, per partition (as the writer recorded them, often absolute). */
  deletedFiles: Map<string, string[]>;
}

function strings(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function fromRollback(json: { [k: string]: JsonValue }, out: RollbackMetadata): void {
  out.rolledBack.push(...strings(json.commitsRollback));
  const infos = json.instantsRollback;
  if (Array.isArray(infos)) {
    for (const info of infos) {
      if (info && typeof info === 'object' && !Array.isArray(info) && typeof info.commitTime === 'string') {
        out.rolledBack.push(info.commitTime);
      }
    }
  }
  const parts = json.partitionMetadata;
  if (parts && typeof parts === 'object' && !Array.isArray(parts)) {
    for (const [partition, pm] of Object.entries(parts)) {
      if (pm && typeof pm === 'object' && !Array.isArray(pm)) {
        const files = strings(pm.successDeleteFiles);
        if (files.length > 0) out.deletedFiles.set(partition, [...(out.deletedFiles.get(partition) ?? []), ...files]);
      }
    }
  }
}

/** Parses a completed `.rollback` or `.restore` file. */
export function parseRollbackMetadata(bytes: Uint8Array, file: string): RollbackMetadata {
  const out: RollbackMetadata = { rolledBack: [], deletedFiles: new Map() };
  const json = decodeMetadataFile(bytes, file);
  if (!json) return out;
  fromRollback(json, out);
  // Restore metadata nests one rollback metadata list per restored instant.
  const nested = json.hoodieRestoreMetadata;
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
    for (const list of Object.values(nested)) {
      if (!Array.isArray(list)) continue;
      for (const r of list) if (r && typeof r === 'object' && !Array.isArray(r)) fromRollback(r, out);
    }
  }
  const toRollback = json.instantsToRollback;
  if (Array.isArray(toRollback)) {
    for (const i of toRollback) {
      if (i && typeof i === 'object' && !Array.isArray(i) && typeof i.commitTime === 'string') out.rolledBack.push(i.commitTime);
    }
  }
  out.rolledBack = [...new Set(out.rolledBack)];
  return out;
}
