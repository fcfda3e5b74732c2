// Glue sync of the Spark-written Hudi tables in the shared fixtures: every table version lake
// reads (6 and 8), copy-on-write and merge-on-read, registers with every column, every partition
// and the sync point Hudi's sync would record, and each request matches the Glue API model.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPartitions, openTable } from '@lake/core/format';
import { syncToGlue } from '@lake/glue';
import { GlueServer } from '@lake/glue/testing';

import { cleanupFixtures, fixtures, memoryCopy } from './support/fixtures.js';

const server = new GlueServer(50);
let endpoint: string;

beforeAll(async () => {
  endpoint = await server.start();
});
afterAll(async () => {
  await server.stop();
  cleanupFixtures();
});

const readable = fixtures().filter((f) => /^v[68]_/.test(f.name));

describe('Glue sync of Spark-written tables', () => {
  it.each(readable.map((f) => [f.id, f] as const))('%s', async (_id, f) => {
    const table = await openTable(await memoryCopy(f.root));
    const name = f.id.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
    const result = await syncToGlue(table, { database: 'fixtures', table: name, endpoint, region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    expect(server.violations).toEqual([]);
    const timeline = await table.timeline();
    const last = timeline.latestCompletedWrite();
    if (!last) {
      expect(result.tables).toEqual([]);
      return;
    }
    const mor = table.config.type === 'MERGE_ON_READ';
    expect(result.tables.map((t) => t.name)).toEqual(mor ? [`fixtures.${name}_ro`, `fixtures.${name}_rt`] : [`fixtures.${name}`]);
    const schema = await table.schema();
    const partitions = (await listPartitions(table.store)).map((p) => p.path).filter((p) => p !== '');
    for (const t of result.tables) {
      const g = server.table('fixtures', t.name.slice('fixtures.'.length))!;
      const names = [...g.StorageDescriptor.Columns, ...g.PartitionKeys].map((c: { Name: string }) => c.Name);
      expect(names.sort()).toEqual(schema.fields.map((x) => x.name).sort());
      expect(g.Parameters.last_commit_time_sync).toBe(last.time);
      expect(g.Parameters.last_commit_completion_time_sync).toBe(last.completionTime);
      const inCatalog = server.partitionsOf('fixtures', g.Name).map((p) => p.StorageDescriptor.Location as string).sort();
      expect(inCatalog).toEqual(g.PartitionKeys.length > 0 ? partitions.map((p) => `${table.uri}/${p}`).sort() : []);
    }
  });
});
