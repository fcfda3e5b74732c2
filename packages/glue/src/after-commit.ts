// Syncing after each commit: a write option for library callers, and the switch the table's own
// properties (Hudi's meta sync keys) turn on for every writer that honours them.

import type { HudiTable, WriteResult } from '@lake/core';
import { LakeError } from '@lake/storage';

import { GlueSyncError } from './errors.js';
import { glueSyncFromProperties, type GlueSyncOptions } from './sync-config.js';
import { syncToGlue, type GlueSyncResult } from './sync.js';

/**
 * An `afterCommit` write option that syncs to Glue once the commit completed. A failed sync does
 * not undo the commit; it throws an error that names the committed instant.
 */
export function glueSyncAfterCommit(
  options: GlueSyncOptions,
  onSynced?: (result: GlueSyncResult) => void,
): (result: WriteResult, table: HudiTable) => Promise<void> {
  return async (result, table) => {
    try {
      const synced = await syncToGlue(table, options);
      onSynced?.(synced);
    } catch (e) {
      if (e instanceof LakeError && e.code !== 'GLUE_SYNC_FAILED') throw e;
      throw new GlueSyncError(`Commit ${result.instant} is complete, but syncing it to Glue failed: ${(e as Error).message}`, { cause: e });
    }
  };
}

/**
 * The Glue sync the table's properties ask for after each commit (with `overrides` applied),
 * or undefined when they do not enable it.
 */
export function tableGlueSync(table: HudiTable, overrides: Partial<GlueSyncOptions> = {}): GlueSyncOptions | undefined {
  const fromTable = glueSyncFromProperties(table.config.raw);
  return fromTable ? { ...fromTable, ...overrides } : undefined;
}
