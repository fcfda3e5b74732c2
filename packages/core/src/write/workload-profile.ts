// The `.inflight` file of a commit, deltacommit or replacecommit: Hudi's writers put the workload
// profile there before writing any file (HoodieCommitMetadata JSON with the operation type and,
// per partition, one stat for the partition's inserts followed by one per file group written,
// with the records headed to it and the file version it builds on). Hudi's conflict resolution
// and timeline tools read it to learn which file groups a pending write touches.

import type { WriteStatInput } from './commit-metadata-json.js';
import { commitMetadataJson } from './commit-metadata-json.js';

export interface PlannedGroup {
  partition: string;
  fileId: string;
  /** Base instant of the slice the group's new version builds on; undefined for a new group. */
  baseInstant?: string;
  updates: number;
  inserts: number;
}

/** The `.inflight` bytes for a write of `groups` with Hudi's operation type name. */
export function inflightWorkloadJson(groups: Iterable<PlannedGroup>, operationType: string): Uint8Array {
  const byPartition = new Map<string, PlannedGroup[]>();
  for (const g of groups) byPartition.set(g.partition, [...(byPartition.get(g.partition) ?? []), g]);
  const stats: WriteStatInput[] = [];
  const stat = (partitionPath: string, fileId: string, prevCommit: string | undefined, numInserts: number, numUpdateWrites: number): WriteStatInput => ({
    fileId,
    path: '',
    partitionPath,
    ...(prevCommit !== undefined ? { prevCommit } : {}),
    numWrites: 0,
    numDeletes: 0,
    numUpdateWrites,
    numInserts,
    fileSizeInBytes: 0,
  });
  for (const [partition, list] of byPartition) {
    // the partition's own entry carries its inserts under an empty file id, as Hudi writes it
    stats.push(stat(partition, '', undefined, list.reduce((n, g) => n + g.inserts, 0), 0));
    for (const g of list) stats.push(stat(partition, g.fileId, g.baseInstant, g.inserts, g.updates));
  }
  return commitMetadataJson({ stats, operationType, workload: true });
}
