import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTable, formatInstantTime, instantTimePlusMillis, rowsToTable, type HudiTable } from '@lake/core/format';

import {
  GlueAccessDeniedError,
  GlueSyncError,
  GlueTableConflictError,
  HOODIE_INPUT_FORMAT,
  HOODIE_REALTIME_INPUT_FORMAT,
  PARQUET_OUTPUT_FORMAT,
  PARQUET_SERDE,
  glueSyncAfterCommit,
  syncToGlue,
  type GlueSyncOptions,
} from '../src/index.js';
import { GlueServer } from './support/glue-server.js';

const server = new GlueServer(2);
let options: GlueSyncOptions;
let n = 0;

beforeAll(async () => {
  const endpoint = await server.start();
  options = { database: 'analytics', region: 'eu-west-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
});
afterAll(() => server.stop());
beforeEach(() => {
  server.clearFaults();
  server.calls.length = 0;
});

async function newTable(type: 'cow' | 'mor', hive = true): Promise<HudiTable> {
  n++;
  return createTable(`memory://glue-${type}-${n}-${Date.now()}`, {
    name: `events_${n}`,
    recordKey: ['id'],
    partitionBy: ['dt'],
    orderingField: 'ts',
    hiveStylePartitioning: hive,
    type,
  });
}

const rows = (dt: string, ids: string[]) => ids.map((id, i) => ({ id, dt, ts: i, cost: 1.5 }));

function partitionValues(table: string): string[] {
  return server.partitionsOf('analytics', table).map((p) => p.Values.join('/')).sort();
}

describe('syncToGlue', () => {
  it('registers a copy-on-write table as Hudi does: formats, serde, columns, keys, Spark schema, partitions, sync point', async () => {
    const t = await newTable('cow');
    await t.upsert(rows('2024-05-01', ['a', 'b']));
    const w2 = await t.upsert(rows('2024-05-02', ['c']));
    const result = await syncToGlue(t, options);
    expect(result.databaseCreated).toBe(true);
    expect(result.tables.map((r) => [r.name, r.created, r.partitionsAdded, r.listedPartitions])).toEqual([[`analytics.events_${n}`, true, 2, true]]);

    const g = server.table('analytics', `events_${n}`)!;
    expect(g.TableType).toBe('EXTERNAL_TABLE');
    expect(g.StorageDescriptor.InputFormat).toBe(HOODIE_INPUT_FORMAT);
    expect(g.StorageDescriptor.OutputFormat).toBe(PARQUET_OUTPUT_FORMAT);
    expect(g.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(PARQUET_SERDE);
    expect(g.StorageDescriptor.SerdeInfo.Parameters).toEqual({ 'hoodie.query.as.ro.table': 'false', path: t.uri, 'serialization.format': '1' });
    expect(g.StorageDescriptor.Location).toBe(t.uri);
    // Meta columns first, as in the base files; the partition column is a partition key only.
    expect(g.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => `${c.Name}:${c.Type}`)).toEqual([
      '_hoodie_commit_time:string',
      '_hoodie_commit_seqno:string',
      '_hoodie_record_key:string',
      '_hoodie_partition_path:string',
      '_hoodie_file_name:string',
      'id:string',
      'ts:bigint',
      'cost:double',
    ]);
    expect(g.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string', Comment: '' }]);
    expect(g.Parameters.EXTERNAL).toBe('TRUE');
    expect(g.Parameters['spark.sql.sources.provider']).toBe('hudi');
    expect(g.Parameters['spark.sql.sources.schema.numPartCols']).toBe('1');
    expect(g.Parameters['spark.sql.sources.schema.partCol.0']).toBe('dt');
    const spark = JSON.parse(g.Parameters['spark.sql.sources.schema.part.0']) as { fields: { name: string; type: string }[] };
    expect(spark.fields.map((f) => `${f.name}:${f.type}`).slice(5)).toEqual(['id:string', 'ts:long', 'cost:double', 'dt:string']);
    expect(g.Parameters.last_commit_time_sync).toBe(w2.instant);
    expect(g.Parameters.last_commit_completion_time_sync).toBeUndefined();

    const parts = server.partitionsOf('analytics', `events_${n}`).sort((a, b) => a.Values[0].localeCompare(b.Values[0]));
    expect(parts.map((p) => [p.Values, p.StorageDescriptor.Location, p.StorageDescriptor.InputFormat])).toEqual([
      [['2024-05-01'], `${t.uri}/dt=2024-05-01`, HOODIE_INPUT_FORMAT],
      [['2024-05-02'], `${t.uri}/dt=2024-05-02`, HOODIE_INPUT_FORMAT],
    ]);
    expect(server.violations).toEqual([]);
  });

  it('adds only the partitions the commits since the last sync wrote, without listing the table', async () => {
    const t = await newTable('cow', false);
    await t.upsert(rows('2024-05-01', ['a']));
    await syncToGlue(t, options);
    await t.upsert(rows('2024-05-03', ['d']));
    await t.upsert([...rows('2024-05-04', ['e']), ...rows('2024-05-01', ['a'])]);
    server.calls.length = 0;
    const again = await syncToGlue(t, options);
    expect(again.tables[0]).toMatchObject({ created: false, partitionsAdded: 2, listedPartitions: false, schemaUpdated: false });
    expect(partitionValues(`events_${n}`)).toEqual(['2024-05-01', '2024-05-03', '2024-05-04']);
    // Only the touched partitions were looked up in the catalog, not every page of them.
    expect(server.callsTo('GetPartitions')).toEqual([]);
    expect(server.callsTo('BatchGetPartition').flatMap((c) => c.request.PartitionsToGet.map((p: { Values: string[] }) => p.Values[0])).sort()).toEqual([
      '2024-05-01',
      '2024-05-03',
      '2024-05-04',
    ]);
    // Positional partition folders: the location is the folder of the value.
    expect(server.partitionsOf('analytics', `events_${n}`).find((p) => p.Values[0] === '2024-05-03')?.StorageDescriptor.Location).toBe(`${t.uri}/2024-05-03`);
    // Nothing new: no partition call, no table update.
    server.calls.length = 0;
    await syncToGlue(t, options);
    expect(server.calls.filter((c) => c.operation.startsWith('Batch') || c.operation === 'UpdateTable')).toEqual([]);
  });

  it('registers _ro and _rt tables for a merge-on-read table', async () => {
    const t = await newTable('mor');
    await t.upsert(rows('2024-05-01', ['a']));
    const last = await t.upsert(rows('2024-05-01', ['a']));
    const result = await syncToGlue(t, options);
    expect(result.tables.map((r) => r.name)).toEqual([`analytics.events_${n}_ro`, `analytics.events_${n}_rt`]);
    const ro = server.table('analytics', `events_${n}_ro`)!;
    const rt = server.table('analytics', `events_${n}_rt`)!;
    expect(ro.StorageDescriptor.InputFormat).toBe(HOODIE_INPUT_FORMAT);
    expect(rt.StorageDescriptor.InputFormat).toBe(HOODIE_REALTIME_INPUT_FORMAT);
    expect(ro.StorageDescriptor.SerdeInfo.Parameters['hoodie.query.as.ro.table']).toBe('true');
    expect(rt.StorageDescriptor.SerdeInfo.Parameters['hoodie.query.as.ro.table']).toBe('false');
    expect([ro.Parameters.last_commit_time_sync, rt.Parameters.last_commit_time_sync]).toEqual([last.instant, last.instant]);
    expect(partitionValues(`events_${n}_rt`)).toEqual(['2024-05-01']);
    expect(server.violations).toEqual([]);
  });

  it('updates the columns when the schema gains a column, keeping the sync point moving', async () => {
    const t = await newTable('cow');
    await t.upsert(rows('2024-05-01', ['a']));
    await syncToGlue(t, options);
    const w = await t.upsert(rowsToTable([{ id: 'b', dt: '2024-05-01', ts: 1, cost: 2, country: 'NL' }]));
    const result = await syncToGlue(t, options);
    expect(result.tables[0].schemaUpdated).toBe(true);
    const g = server.table('analytics', `events_${n}`)!;
    expect(g.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name).slice(-2)).toEqual(['cost', 'country']);
    expect(g.Parameters['spark.sql.sources.schema.part.0']).toContain('"country"');
    expect(g.Parameters.last_commit_time_sync).toBe(w.instant);
  });

  it('refuses a table of that name that points elsewhere or reads another format, and leaves it as it was', async () => {
    const t = await newTable('cow');
    await t.upsert(rows('2024-05-01', ['a']));
    await syncToGlue(t, options);
    const name = `events_${n}`;
    const g = server.table('analytics', name)!;
    server.tables.set(`analytics.${name}`, { ...g, StorageDescriptor: { ...g.StorageDescriptor, Location: 's3://other-bucket/other' } });
    const before = JSON.stringify(server.table('analytics', name));
    await t.upsert(rows('2024-05-02', ['b']));
    const err = await syncToGlue(t, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GlueTableConflictError);
    expect((err as GlueTableConflictError).code).toBe('GLUE_TABLE_CONFLICT');
    expect((err as Error).message).toContain('s3://other-bucket/other');
    expect(JSON.stringify(server.table('analytics', name))).toBe(before);
    expect(partitionValues(name)).toEqual(['2024-05-01']);

    server.tables.set(`analytics.${name}`, { ...g, StorageDescriptor: { ...g.StorageDescriptor, InputFormat: 'org.apache.hadoop.mapred.TextInputFormat' } });
    await expect(syncToGlue(t, options)).rejects.toThrow(/TextInputFormat/);
  });

  it('turns AccessDeniedException into a typed error naming the permission', async () => {
    const t = await newTable('cow');
    await t.upsert(rows('2024-05-01', ['a']));
    server.fail({ operation: 'CreateTable', error: 'AccessDeniedException', times: 5 });
    const err = await syncToGlue(t, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GlueAccessDeniedError);
    expect((err as GlueAccessDeniedError).permission).toBe('glue:CreateTable');
    expect((err as Error).message).toContain('glue:CreateTable');
    // Denials are not retried.
    expect(server.callsTo('CreateTable')).toHaveLength(1);
  });

  it('retries throttled calls with backoff and then succeeds', async () => {
    const t = await newTable('cow');
    await t.upsert(rows('2024-05-01', ['a']));
    server.fail({ operation: 'GetTable', error: 'ThrottlingException', times: 2 });
    const result = await syncToGlue(t, options);
    expect(result.tables[0].created).toBe(true);
    // Two throttled attempts, then the answer: no such table yet.
    expect(server.callsTo('GetTable').map((c) => c.failed)).toEqual(['ThrottlingException', 'ThrottlingException', 'EntityNotFoundException']);
    expect(server.violations).toEqual([]);
    // Without retries the same throttling fails the sync with a typed error.
    const other = await newTable('cow');
    await other.upsert(rows('2024-05-01', ['a']));
    server.fail({ operation: 'GetTable', error: 'ThrottlingException', times: 2 });
    await expect(syncToGlue(other, { ...options, maxAttempts: 1 })).rejects.toBeInstanceOf(GlueSyncError);
  });

  it('a sync cut short after adding partitions keeps the old sync point, and the next sync finishes it', async () => {
    const t = await newTable('cow');
    await t.upsert(rows('2024-05-01', ['a']));
    const first = await syncToGlue(t, options);
    const name = `events_${n}`;
    await t.upsert(rows('2024-05-02', ['b']));
    const w = await t.upsert(rows('2024-05-03', ['c']));
    // The last UpdateTable (the sync point) fails past every retry.
    server.fail({ operation: 'UpdateTable', error: 'InternalServiceException', status: 500, times: 5 });
    const err = await syncToGlue(t, { ...options, maxAttempts: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GlueSyncError);
    expect(partitionValues(name)).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
    expect(server.table('analytics', name)!.Parameters.last_commit_time_sync).toBe(first.instant);

    server.clearFaults();
    const done = await syncToGlue(t, options);
    // The partitions are there already; the sync point moves.
    expect(done.tables[0].partitionsAdded).toBe(0);
    expect(server.table('analytics', name)!.Parameters.last_commit_time_sync).toBe(w.instant);
  });

  it('a sync cut short halfway through adding partitions is finished by the next one', async () => {
    const t = await newTable('cow');
    await t.upsert(rows('2024-05-01', ['a']));
    await syncToGlue(t, options);
    const name = `events_${n}`;
    // 120 new partitions: two BatchCreatePartition calls; the second one fails.
    const many = Array.from({ length: 120 }, (_, i) => ({ id: `k${i}`, dt: `2025-01-${String(i).padStart(3, '0')}`, ts: 1, cost: 1 }));
    const w = await t.upsert(many);
    let seen = 0;
    server.fail({ operation: 'BatchCreatePartition', error: 'InternalServiceException', status: 500, times: 10, when: () => ++seen > 1 });
    await expect(syncToGlue(t, { ...options, maxAttempts: 2 })).rejects.toBeInstanceOf(GlueSyncError);
    expect(partitionValues(name)).toHaveLength(101);
    server.clearFaults();
    await syncToGlue(t, options);
    expect(partitionValues(name)).toHaveLength(121);
    expect(server.table('analytics', name)!.Parameters.last_commit_time_sync).toBe(w.instant);
    expect(server.violations).toEqual([]);
  });

  it('without a sync point, lists the table and drops catalog partitions the table does not have', async () => {
    const t = await newTable('cow');
    await t.upsert(rows('2024-05-01', ['a']));
    await syncToGlue(t, options);
    const name = `events_${n}`;
    const parts = server.partitions.get(`analytics.${name}`)!;
    const stale = { ...[...parts.values()][0], Values: ['2023-01-01'] };
    parts.set(JSON.stringify(['2023-01-01']), stale);
    const g = server.table('analytics', name)!;
    const { last_commit_time_sync: _dropped, ...params } = g.Parameters as Record<string, string>;
    server.tables.set(`analytics.${name}`, { ...g, Parameters: params });
    const result = await syncToGlue(t, options);
    expect(result.tables[0]).toMatchObject({ listedPartitions: true, partitionsDropped: 1, partitionsAdded: 0 });
    expect(partitionValues(name)).toEqual(['2024-05-01']);
  });

  it('drops the partitions a delete_partition replace commit since the last sync dropped', async () => {
    const t = await newTable('cow');
    await t.upsert([...rows('2024-05-01', ['a']), ...rows('2024-05-02', ['b'])]);
    await syncToGlue(t, options);
    const name = `events_${n}`;
    expect(partitionValues(name)).toEqual(['2024-05-01', '2024-05-02']);
    // A replace commit as Spark's delete_partition writes it (lake itself has no such operation).
    const time = formatInstantTime(new Date(Date.now() + 60_000), 'UTC');
    const meta = { partitionToWriteStats: {}, partitionToReplaceFileIds: { 'dt=2024-05-01': ['f1'] }, operationType: 'DELETE_PARTITION', compacted: false, extraMetadata: {} };
    const bytes = new TextEncoder().encode(JSON.stringify(meta));
    await t.store.put(`.hoodie/${time}.replacecommit.requested`, new Uint8Array());
    await t.store.put(`.hoodie/${time}.replacecommit.inflight`, new Uint8Array());
    await t.store.put(`.hoodie/${time}.replacecommit`, bytes);
    const result = await syncToGlue(t, options);
    expect(result.tables[0]).toMatchObject({ partitionsDropped: 1, listedPartitions: false, lastCommitTimeSync: time });
    expect(partitionValues(name)).toEqual(['2024-05-02']);
    expect(server.violations).toEqual([]);
  });

  it('keeps the sync point before a write that is still pending with an earlier instant time', async () => {
    const t = await newTable('cow');
    const c1 = await t.upsert(rows('2024-05-01', ['a']));
    const c2 = await t.upsert(rows('2024-05-02', ['b']));
    // Another writer started between the two commits and has not completed yet.
    const between = instantTimePlusMillis(c1.instant, 1);
    expect(between > c1.instant && between < c2.instant).toBe(true);
    await t.store.put(`.hoodie/${between}.commit.requested`, new Uint8Array());
    const held = await syncToGlue(t, options);
    expect(held.tables[0].lastCommitTimeSync).toBe(c1.instant);
    expect(server.table('analytics', `events_${n}`)!.Parameters.last_commit_time_sync).toBe(c1.instant);
    expect(partitionValues(`events_${n}`)).toEqual(['2024-05-01', '2024-05-02']);
    // Once that write is gone (completed or rolled back), the point moves to the latest commit.
    await t.store.delete(`.hoodie/${between}.commit.requested`);
    await syncToGlue(t, options);
    expect(server.table('analytics', `events_${n}`)!.Parameters.last_commit_time_sync).toBe(c2.instant);
  });

  it('syncs after each commit through the afterCommit write option', async () => {
    const t = await newTable('cow');
    const w = await t.upsert(rows('2024-06-01', ['a']), { afterCommit: glueSyncAfterCommit(options) });
    expect(server.table('analytics', `events_${n}`)!.Parameters.last_commit_time_sync).toBe(w.instant);
    expect(partitionValues(`events_${n}`)).toEqual(['2024-06-01']);
  });

  it('a sync after commit that fails leaves the commit in place and says so', async () => {
    const t = await newTable('cow');
    server.fail({ operation: 'CreateTable', error: 'InternalServiceException', status: 500, times: 10 });
    const err = await t.upsert(rows('2024-06-02', ['a', 'b']), { afterCommit: glueSyncAfterCommit({ ...options, maxAttempts: 1 }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GlueSyncError);
    const instant = (await t.timeline()).latestCompletedWrite()!.time;
    expect((err as Error).message).toContain(`Commit ${instant} is complete`);
    expect((await t.read().collect()).numRows).toBe(2);
  });
});
