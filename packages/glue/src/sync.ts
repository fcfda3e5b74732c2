// One sync of a lake table to the Glue Data Catalog, in Hudi's order: make sure the database and
// the table(s) exist and describe this table (never repointing a table that describes other
// data), bring the columns up to date, add/update/drop the partitions the commits since the last
// sync touched, and only then record the synced commit in `last_commit_time_sync`. A sync cut
// short anywhere leaves the old sync point, so the next one redoes the missing steps; every
// step is idempotent.

import type { PartitionInput, StorageDescriptor, Table, TableInput } from '@aws-sdk/client-glue';
import { WRITE_ACTIONS, type HudiTable, type Instant, type Timeline } from '@lake/core/format';

import { GlueCatalog } from './catalog.js';
import { GlueSyncConfigError, GlueTableConflictError } from './errors.js';
import { partitionChanges, partitionValuesOf, type PartitionChanges } from './partition-changes.js';
import { catalogName, type GlueSyncOptions } from './sync-config.js';
import {
  catalogLocation,
  catalogTables,
  LAST_COMMIT_COMPLETION_TIME_SYNC,
  LAST_COMMIT_TIME_SYNC,
  type CatalogTable,
} from './table-input.js';

export interface TableSyncResult {
  /** The catalog table, `database.table`. */
  name: string;
  created: boolean;
  /** Columns or Spark schema properties were rewritten (schema evolution). */
  schemaUpdated: boolean;
  partitionsAdded: number;
  partitionsUpdated: number;
  partitionsDropped: number;
  /** The partitions came from listing the table (first sync, or the last synced commit was archived). */
  listedPartitions: boolean;
  /**
   * The instant recorded as synced: the latest completed write, or, while a write with an
   * earlier instant time is still pending, the last one before it (undefined if none).
   */
  lastCommitTimeSync?: string;
}

export interface GlueSyncResult {
  database: string;
  databaseCreated: boolean;
  /** The latest completed write, which every table is synced to; undefined for a table without commits. */
  instant?: string;
  tables: TableSyncResult[];
}

function sameColumns(a: StorageDescriptor['Columns'], b: StorageDescriptor['Columns']): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((c, i) => c.Name === y[i].Name && (c.Type ?? '').toLowerCase() === (y[i].Type ?? '').toLowerCase());
}

/** A TableInput carrying what the catalog holds now, with `change` applied. */
function tableInputOf(existing: Table, change: Partial<TableInput>): TableInput {
  const input: TableInput = {
    Name: existing.Name,
    TableType: existing.TableType,
    Parameters: existing.Parameters,
    PartitionKeys: existing.PartitionKeys,
    StorageDescriptor: existing.StorageDescriptor,
  };
  if (existing.Description !== undefined) input.Description = existing.Description;
  if (existing.Owner !== undefined) input.Owner = existing.Owner;
  if (existing.Retention !== undefined) input.Retention = existing.Retention;
  if (existing.ViewOriginalText !== undefined) input.ViewOriginalText = existing.ViewOriginalText;
  if (existing.ViewExpandedText !== undefined) input.ViewExpandedText = existing.ViewExpandedText;
  return { ...input, ...change };
}

function checkDescribesThisTable(existing: Table, want: CatalogTable, database: string): void {
  const id = `${database}.${want.name}`;
  const sd = existing.StorageDescriptor;
  const wantSd = want.input.StorageDescriptor as StorageDescriptor;
  if (existing.TableType !== undefined && existing.TableType !== 'EXTERNAL_TABLE' && existing.TableType !== 'MANAGED_TABLE') {
    throw new GlueTableConflictError(id, `is a ${existing.TableType}, not a table`);
  }
  const location = sd?.Location;
  if (location === undefined || catalogLocation(location) !== wantSd.Location) {
    throw new GlueTableConflictError(id, `points at ${location ?? 'no location'}, not at this table (${wantSd.Location})`);
  }
  if (sd?.InputFormat !== wantSd.InputFormat) {
    throw new GlueTableConflictError(id, `reads its data with ${sd?.InputFormat ?? 'no input format'}, not ${wantSd.InputFormat}`);
  }
  if (sd?.SerdeInfo?.SerializationLibrary !== wantSd.SerdeInfo?.SerializationLibrary) {
    throw new GlueTableConflictError(id, `uses the serde ${sd?.SerdeInfo?.SerializationLibrary ?? '(none)'}, not ${wantSd.SerdeInfo?.SerializationLibrary}`);
  }
  const have = (existing.PartitionKeys ?? []).map((k) => k.Name?.toLowerCase());
  const need = (want.input.PartitionKeys ?? []).map((k) => k.Name?.toLowerCase());
  if (have.join(',') !== need.join(',')) {
    throw new GlueTableConflictError(id, `is partitioned by (${have.join(', ')}), but this table by (${need.join(', ')})`);
  }
}

/** Parameters that describe the schema: rewritten on schema evolution, never the sync point. */
function schemaParametersChanged(existing: Record<string, string> | undefined, want: Record<string, string>): boolean {
  return Object.entries(want).some(([k, v]) => existing?.[k] !== v);
}

async function syncOne(
  catalog: GlueCatalog,
  table: HudiTable,
  want: CatalogTable,
  point: Instant | undefined,
  changesFor: (lastTime: string | undefined, lastCompletion: string | undefined) => Promise<PartitionChanges>,
): Promise<TableSyncResult> {
  const database = catalog.database;
  let existing = await catalog.getTable(want.name);
  let created = false;
  // Hudi stamps every table it creates or updates as accessed and analysed now.
  const stamped = (input: TableInput): TableInput => {
    const now = new Date();
    return { ...input, LastAccessTime: now, LastAnalyzedTime: now };
  };
  if (!existing) {
    created = await catalog.createTable(stamped(want.input));
    // Another writer created it between our look and our create: check what it made.
    if (!created) existing = await catalog.getTable(want.name);
  }
  let current: TableInput = want.input;
  let schemaUpdated = false;
  if (existing) {
    checkDescribesThisTable(existing, want, database);
    const wantSd = want.input.StorageDescriptor as StorageDescriptor;
    const wantParams = want.input.Parameters ?? {};
    current = tableInputOf(existing, {});
    if (!sameColumns(existing.StorageDescriptor?.Columns, wantSd.Columns) || schemaParametersChanged(existing.Parameters, wantParams)) {
      const params = { ...(existing.Parameters ?? {}) };
      // Drop Spark schema pieces of the old schema: the new one may need fewer parts.
      for (const k of Object.keys(params)) if (k.startsWith('spark.sql.sources.schema.')) delete params[k];
      current = tableInputOf(existing, {
        Parameters: { ...params, ...wantParams },
        PartitionKeys: want.input.PartitionKeys,
        StorageDescriptor: { ...existing.StorageDescriptor, Columns: wantSd.Columns },
      });
      await catalog.updateTable(stamped(current));
      schemaUpdated = true;
    }
  }

  const params = current.Parameters ?? {};
  const lastTime = created ? undefined : params[LAST_COMMIT_TIME_SYNC];
  const lastCompletion = created ? undefined : params[LAST_COMMIT_COMPLETION_TIME_SYNC];
  const changes = await changesFor(lastTime, lastCompletion);
  const keys = (current.PartitionKeys ?? []).map((k) => k.Name as string);
  const sd = current.StorageDescriptor as StorageDescriptor;
  const base = catalogLocation(table.uri);
  const partitionInput = (path: string): PartitionInput => ({
    Values: partitionValuesOf(path, keys),
    StorageDescriptor: { ...sd, Location: `${base}/${path}` },
  });

  let added = 0;
  let updated = 0;
  let dropped = 0;
  if (keys.length > 0) {
    const inCatalog = new Map<string, string | undefined>();
    // A full sync compares every partition; an incremental one only those its commits touched.
    const known = changes.all
      ? await catalog.partitions(want.name)
      : await catalog.partitionsWithValues(want.name, [...changes.written, ...changes.dropped].map((path) => partitionValuesOf(path, keys)));
    for (const p of known) inCatalog.set(JSON.stringify(p.values), p.location);
    const toAdd: PartitionInput[] = [];
    const toUpdate: PartitionInput[] = [];
    const toDrop: string[][] = [];
    const consider = (path: string): void => {
      const input = partitionInput(path);
      const key = JSON.stringify(input.Values);
      if (!inCatalog.has(key)) toAdd.push(input);
      else if (catalogLocation(inCatalog.get(key) ?? '') !== input.StorageDescriptor?.Location) toUpdate.push(input);
    };
    if (changes.all) {
      const onStorage = new Set<string>();
      for (const path of changes.all) {
        consider(path);
        onStorage.add(JSON.stringify(partitionValuesOf(path, keys)));
      }
      for (const key of inCatalog.keys()) if (!onStorage.has(key)) toDrop.push(JSON.parse(key) as string[]);
    } else {
      for (const path of changes.written) consider(path);
      for (const path of changes.dropped) {
        const values = partitionValuesOf(path, keys);
        if (inCatalog.has(JSON.stringify(values))) toDrop.push(values);
      }
    }
    await catalog.createPartitions(want.name, toAdd);
    await catalog.updatePartitions(want.name, toUpdate);
    await catalog.deletePartitions(want.name, toDrop);
    added = toAdd.length;
    updated = toUpdate.length;
    dropped = toDrop.length;
  }

  // The sync point moves last: everything above is in the catalog before it says so.
  const syncPoint: Record<string, string> = {};
  if (point) syncPoint[LAST_COMMIT_TIME_SYNC] = point.time;
  if (point?.completionTime) syncPoint[LAST_COMMIT_COMPLETION_TIME_SYNC] = point.completionTime;
  if (Object.entries(syncPoint).some(([k, v]) => params[k] !== v)) {
    await catalog.updateTable(stamped({ ...current, Parameters: { ...params, ...syncPoint } }));
  }
  return {
    name: `${database}.${want.name}`,
    created,
    schemaUpdated,
    partitionsAdded: added,
    partitionsUpdated: updated,
    partitionsDropped: dropped,
    listedPartitions: changes.all !== undefined,
    lastCommitTimeSync: point?.time,
  };
}

/**
 * The write to record as synced. Instant times order commits by when they started: without
 * completion times (table version 6), a write still pending with an earlier instant time than
 * the latest completed one may complete later, and a sync point past it would make the next sync
 * skip its partitions. The point then stays at the last write completed before it.
 */
function syncPointOf(timeline: Timeline, last: Instant): Instant | undefined {
  if (last.completionTime) return last;
  const pending = timeline
    .pending()
    .filter((i) => WRITE_ACTIONS.has(i.action))
    .map((i) => i.time)
    .sort()[0];
  if (pending === undefined || pending > last.time) return last;
  return timeline.completedWrites().filter((i) => i.time < pending).at(-1);
}

/**
 * Syncs the table to the Glue Data Catalog: creates or updates its catalog table(s) and
 * partitions up to the latest completed write, as Hudi's AwsGlueCatalogSyncTool does.
 */
export async function syncToGlue(table: HudiTable, options: GlueSyncOptions): Promise<GlueSyncResult> {
  if (!options.database || options.database.trim() === '') throw new GlueSyncConfigError('no Glue database given (--glue-database or hoodie.datasource.hive_sync.database)');
  const database = catalogName('database', options.database);
  const timeline = await table.timeline();
  const last = timeline.latestCompletedWrite();
  const catalog = await GlueCatalog.connect(options, database);
  try {
    const databaseCreated = await catalog.ensureDatabase(options.autoCreateDatabase ?? true);
    if (!last) return { database, databaseCreated, tables: [] };
    const schema = await table.schema();
    const wanted = catalogTables(table.config, schema, table.uri, options);
    // The `_ro` and `_rt` tables usually share a sync point: read the commits once per point.
    const cache = new Map<string, Promise<PartitionChanges>>();
    const changesFor = (lastTime: string | undefined, lastCompletion: string | undefined): Promise<PartitionChanges> => {
      const key = `${lastTime ?? ''}\u0000${lastCompletion ?? ''}`;
      let p = cache.get(key);
      if (!p) cache.set(key, (p = partitionChanges(timeline, lastTime, lastCompletion)));
      return p;
    };
    const tables: TableSyncResult[] = [];
    const point = syncPointOf(timeline, last);
    for (const want of wanted) tables.push(await syncOne(catalog, table, want, point, changesFor));
    return { database, databaseCreated, instant: last.time, tables };
  } finally {
    catalog.close();
  }
}
