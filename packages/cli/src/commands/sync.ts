// `lake sync`: registers the table (or brings its registration up to date) in the AWS Glue Data
// Catalog, so Athena can query it. The Glue package, and the AWS SDK under it, load only here.
// Also the sync `lake write` and `lake ingest` run after each commit when the table's Hudi meta
// sync properties ask for it.

import type { HudiTable, TableWriteOptions } from '@lake/core';
import type { GlueSyncOptions, GlueSyncResult } from '@lake/glue';
import type { CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export interface SyncCommandOptions {
  glueDatabase?: string;
  glueTable?: string;
  region?: string;
  endpoint?: string;
  skipRoSuffix?: boolean;
  supportTimestamp?: boolean;
  json?: boolean;
}

export function describeSync(r: GlueSyncResult): string[] {
  if (r.tables.length === 0) return [`nothing to sync: the table has no completed commit (database ${r.database}${r.databaseCreated ? ' created' : ''})`];
  return r.tables.map(
    (t) =>
      `${t.name}: ${t.created ? 'created' : t.schemaUpdated ? 'columns updated' : 'table unchanged'}, synced to ${t.lastCommitTimeSync ?? '(no sync point: a write before every completed one is still pending)'}; ` +
      `partitions: ${t.partitionsAdded} added, ${t.partitionsUpdated} updated, ${t.partitionsDropped} dropped` +
      (t.listedPartitions ? ' (listed the table)' : ''),
  );
}

export async function syncCommand(uri: string, opts: SyncCommandOptions, io: CliIO): Promise<void> {
  const { openTable } = await import('@lake/core');
  const { syncToGlue, glueSyncFromProperties } = await import('@lake/glue');
  const table = await openTable(uri);
  const fromTable = glueSyncFromProperties(table.config.raw);
  const database = opts.glueDatabase ?? fromTable?.database;
  if (!database) throw new UsageError('sync needs --glue-database (or the table property hoodie.datasource.hive_sync.database with meta sync enabled)');
  const options: GlueSyncOptions = { ...fromTable, database };
  if (opts.glueTable) options.table = opts.glueTable;
  if (opts.region) options.region = opts.region;
  if (opts.endpoint) options.endpoint = opts.endpoint;
  if (opts.skipRoSuffix) options.skipRoSuffix = true;
  if (opts.supportTimestamp) options.supportTimestamp = true;
  const result = await syncToGlue(table, options);
  if (opts.json) io.out(JSON.stringify(result));
  else for (const line of describeSync(result)) io.out(line);
}

/** Whether the table's properties turn Hudi's meta sync on (checked before loading anything). */
function metaSyncEnabled(table: HudiTable): boolean {
  return table.config.raw.get('hoodie.datasource.meta.sync.enable')?.trim().toLowerCase() === 'true';
}

/**
 * The `afterCommit` write option that syncs to Glue when the table's properties ask for it;
 * what it synced is reported on stderr, so stdout keeps only the write's own output.
 */
export async function tableSyncAfterCommit(table: HudiTable, io: CliIO): Promise<Pick<TableWriteOptions, 'afterCommit'>> {
  if (!metaSyncEnabled(table)) return {};
  const { glueSyncFromProperties, glueSyncAfterCommit } = await import('@lake/glue');
  const options = glueSyncFromProperties(table.config.raw);
  if (!options) return {};
  return { afterCommit: glueSyncAfterCommit(options, (r) => describeSync(r).forEach((l) => io.err(`glue sync: ${l}`))) };
}

/** After a printed commit: syncs to Glue when the table's properties ask for it. */
export async function syncIfEnabled(table: HudiTable, io: CliIO): Promise<void> {
  if (!metaSyncEnabled(table)) return;
  const { syncToGlue, glueSyncFromProperties } = await import('@lake/glue');
  const options = glueSyncFromProperties(table.config.raw);
  if (!options) return;
  const result = await syncToGlue(table, options);
  for (const line of describeSync(result)) io.err(`glue sync: ${line}`);
}
