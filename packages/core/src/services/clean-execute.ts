// Carrying out a clean instant: the Avro cleaner plan (files by absolute path, as Hudi's cleaner
// plans them and resolves them when it finishes a clean), the deletes, the Avro clean metadata
// (file names per partition). A clean that died after planning is finished from its plan, whether
// lake or Hudi wrote it; a plan naming anything but a data file of this table is refused.

import { encodeAvroContainer } from '../avro/avro-container-writer.js';
import type { TableContext } from '../table/table-context.js';
import { jsonRecord as object, type JsonValue } from '../timeline/metadata-file.js';
import type { Timeline } from '../timeline/timeline.js';
import { instantFileKey } from '../commit/paths.js';
import { CLEAN_METADATA_SCHEMA, CLEANER_PLAN_SCHEMA } from '../timeline/plans/plan-schemas.js';
import { dataFileKeyOf, hudiPath } from './table-paths.js';

export interface CleanRun {
  instant: string;
  /** Table keys of the files to delete, per partition. */
  files: ReadonlyMap<string, string[]>;
  earliest: string;
  policyName: string;
  /** The cleaner plan's bytes (written again as the inflight file). */
  plan: Uint8Array;
}

/** The Avro cleaner plan (version 2) for deleting `files`. */
export function cleanerPlan(timeline: Timeline, files: ReadonlyMap<string, string[]>, earliest: string, policyName: string): Uint8Array {
  const retained = timeline.completedInstant(earliest);
  const uri = timeline.store.uri;
  return encodeAvroContainer(CLEANER_PLAN_SCHEMA, [
    {
      earliestInstantToRetain: retained ? { timestamp: earliest, action: retained.action, state: 'COMPLETED' } : null,
      policy: policyName,
      filesToBeDeletedPerPartition: null,
      version: 2,
      filePathsToBeDeletedPerPartition: Object.fromEntries(
        [...files].map(([p, keys]) => [p, keys.map((k) => ({ filePath: hudiPath(uri, k), isBootstrapBaseFile: false }))]),
      ),
      partitionsToBeDeleted: null,
    },
  ]);
}

/**
 * Marks the clean inflight (unless an earlier run already did), deletes its files (those already
 * gone count as deleted) and completes it with Hudi's clean metadata.
 */
export async function executeClean(table: TableContext, timeline: Timeline, run: CleanRun): Promise<void> {
  const store = table.store;
  const started = Date.now();
  if (!timeline.instants.some((i) => i.time === run.instant && i.action === 'clean' && i.state === 'inflight')) {
    await store.put(instantFileKey(table.config, { time: run.instant, action: 'clean', state: 'inflight' }), run.plan);
  }
  for (const keys of run.files.values()) await store.deleteMany(keys);
  const count = [...run.files.values()].reduce((n, f) => n + f.length, 0);
  const metadata = encodeAvroContainer(CLEAN_METADATA_SCHEMA, [
    {
      policy: run.policyName,
      startCleanTime: run.instant,
      timeTakenInMillis: Date.now() - started,
      totalFilesDeleted: count,
      earliestCommitToRetain: run.earliest,
      lastCompletedCommitTimestamp: timeline.latestCompletedWrite()?.time ?? '',
      partitionMetadata: Object.fromEntries(
        [...run.files].map(([p, keys]) => {
          const names = keys.map((k) => k.slice(k.lastIndexOf('/') + 1));
          return [p, { partitionPath: p, policy: run.policyName, deletePathPatterns: names, successDeleteFiles: names, failedDeleteFiles: [], isPartitionDeleted: null }];
        }),
      ),
      version: 2,
      bootstrapPartitionMetadata: null,
    },
  ]);
  await store.put(instantFileKey(table.config, { time: run.instant, action: 'clean', state: 'completed' }), metadata);
}

/** The files a cleaner plan deletes, as table keys per partition (version 2 paths or version 1 names). */
export function plannedCleanFiles(json: { [k: string]: JsonValue }, storeUri: string, what: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (partition: string, key: string) => out.set(partition, [...(out.get(partition) ?? []), key]);
  const byPath = object(json.filePathsToBeDeletedPerPartition);
  if (byPath) {
    for (const [partition, infos] of Object.entries(byPath)) {
      if (!Array.isArray(infos)) continue;
      for (const info of infos) {
        const path = object(info)?.filePath;
        if (typeof path === 'string') add(partition, dataFileKeyOf(storeUri, path, what));
      }
    }
    return out;
  }
  const byName = object(json.filesToBeDeletedPerPartition);
  for (const [partition, names] of Object.entries(byName ?? {})) {
    if (!Array.isArray(names)) continue;
    for (const name of names) {
      if (typeof name !== 'string') continue;
      const key = partition === '' ? name : `${partition}/${name}`;
      add(partition, dataFileKeyOf(storeUri, key, what));
    }
  }
  return out;
}
