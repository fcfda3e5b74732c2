import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTable } from '@lake/core';
import { glueSyncProperties } from '@lake/glue';
import { GlueServer } from '@lake/glue/testing';

import { runCli, type CliIO } from '../src/index.js';

async function lake(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('lake sync', () => {
  const server = new GlueServer(1);
  let dir: string;
  let endpoint: string;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  beforeAll(async () => {
    endpoint = await server.start();
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    dir = await mkdtemp(join(tmpdir(), 'lake-sync-'));
    await writeFile(join(dir, 'a.ndjson'), ['{"id":"a","dt":"2024-05-01","ts":1}', '{"id":"b","dt":"2024-05-02","ts":1}'].join('\n'));
    await writeFile(join(dir, 'b.ndjson'), '{"id":"c","dt":"2024-05-03","ts":1}\n');
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  it('lists its options in --help', async () => {
    const help = await lake('sync', '--help');
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toContain('--glue-database');
  });

  it('registers a merge-on-read table as _ro and _rt tables with its partitions', async () => {
    const table = join(dir, 'clicks');
    expect((await lake('create', table, '--key', 'id', '--partition-by', 'dt', '--type', 'mor', '--hive-style')).code).toBe(0);
    const w = await lake('write', table, '--input', join(dir, 'a.ndjson'), '--json');
    const instant = (JSON.parse(w.out[0]) as { instant: string }).instant;
    const r = await lake('sync', table, '--glue-database', 'Web', '--glue-table', 'clicks', '--endpoint', endpoint, '--region', 'eu-west-1');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      `web.clicks_ro: created, synced to ${instant}; partitions: 2 added, 0 updated, 0 dropped (listed the table)`,
      `web.clicks_rt: created, synced to ${instant}; partitions: 2 added, 0 updated, 0 dropped (listed the table)`,
    ]);
    expect(server.table('web', 'clicks_rt')?.StorageDescriptor.InputFormat).toBe('org.apache.hudi.hadoop.realtime.HoodieParquetRealtimeInputFormat');
    expect(server.partitionsOf('web', 'clicks_rt').map((p) => p.Values[0]).sort()).toEqual(['2024-05-01', '2024-05-02']);
    expect(server.violations).toEqual([]);

    // Pointing the catalog table elsewhere makes the next sync refuse, with exit code 1.
    const g = server.table('web', 'clicks_ro')!;
    server.tables.set('web.clicks_ro', { ...g, StorageDescriptor: { ...g.StorageDescriptor, Location: 's3://elsewhere/t' } });
    const refused = await lake('sync', table, '--glue-database', 'web', '--glue-table', 'clicks', '--endpoint', endpoint);
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toMatch(/lake: The Glue table web\.clicks_ro already exists and points at s3:\/\/elsewhere\/t/);
  });

  it('lake write syncs after the commit when the table properties enable Hudi meta sync to Glue', async () => {
    const table = join(dir, 'views');
    await createTable(table, {
      recordKey: ['id'],
      partitionBy: ['dt'],
      properties: glueSyncProperties({ database: 'web', endpoint, region: 'us-east-1' }),
    });
    const w1 = await lake('write', table, '--input', join(dir, 'a.ndjson'), '--json');
    expect(w1.code).toBe(0);
    const w2 = await lake('write', table, '--input', join(dir, 'b.ndjson'), '--json');
    expect(w2.code).toBe(0);
    const second = (JSON.parse(w2.out[0]) as { instant: string }).instant;
    expect(w2.err).toEqual([`glue sync: web.views: table unchanged, synced to ${second}; partitions: 1 added, 0 updated, 0 dropped`]);
    expect(server.table('web', 'views')?.Parameters.last_commit_time_sync).toBe(second);
    expect(server.partitionsOf('web', 'views').map((p) => p.Values[0]).sort()).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
  });

  it('lake ingest syncs after each batch commit when the table properties enable it', async () => {
    const table = join(dir, 'visits');
    await createTable(table, {
      recordKey: ['id'],
      partitionBy: ['dt'],
      properties: glueSyncProperties({ database: 'web', table: 'site_visits', endpoint, region: 'us-east-1' }),
    });
    const r = await lake('ingest', table, '--from', join(dir, 'a.ndjson'), '--once');
    expect(r.code).toBe(0);
    const history = await lake('history', table, '--json');
    const last = history.out.map((l) => JSON.parse(l) as { instant: string; state: string }).filter((i) => i.state === 'completed').at(-1)!;
    expect(server.table('web', 'site_visits')?.Parameters.last_commit_time_sync).toBe(last.instant);
    expect(server.partitionsOf('web', 'site_visits').map((p) => p.Values[0]).sort()).toEqual(['2024-05-01', '2024-05-02']);
  });
});
