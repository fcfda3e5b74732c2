// Merge-on-read files as Spark writes them: lake's log block framing reproduces Spark's log files
// byte for byte; lake's log files, headers, delta commits and compaction instants follow the
// fixtures' layout; and lake appends to and compacts a Spark-written merge-on-read table.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { MemoryStore } from '@lake/storage';
import {
  BlockType,
  HeaderKey,
  createTable,
  decodeAvroDataBlock,
  decodeDeleteBlock,
  decodeParquetDataBlock,
  encodeLogBlock,
  logFileBytes,
  openTable,
  parseCompactionPlan,
  readAvroContainer,
  decodeMetadataFile,
  parseLogFileName,
  readLogBlocks,
  rowsToJson,
  rowsToTable,
  type HudiTable,
} from '@lake/core/format';
import { cleanupFixtures, dataFilesUnder, fixtures, memoryCopy } from './support/fixtures.js';

afterAll(() => cleanupFixtures());

const morFixtures = fixtures().filter((f) => f.group.includes('mor'));

const LOG_NAME = /^\.[0-9a-f-]+-\d+_\d{17}\.log\.\d+_\d+-\d+-\d+$/;

async function storeFiles(store: MemoryStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.list('')) keys.push(o.key);
  return keys;
}

function rowsOf(table: Awaited<ReturnType<ReturnType<HudiTable['read']>['collect']>>): string[] {
  const out: string[] = [];
  for (const b of table.batches) {
    for (const r of rowsToJson(b)) {
      delete r._hoodie_file_name;
      out.push(JSON.stringify(r));
    }
  }
  return out.sort();
}

describe('log block framing', () => {
  const logs = morFixtures.flatMap((f) => dataFilesUnder(f.root, (n) => parseLogFileName(n) !== undefined));

  it('finds Spark-written log files in the fixtures', () => {
    expect(logs.length).toBeGreaterThanOrEqual(5);
  });

  it.each(logs.map((p) => [p.slice(p.lastIndexOf('/') + 1), p]))('re-frames %s byte for byte', (_name, path) => {
    const bytes = new Uint8Array(readFileSync(path));
    const scan = readLogBlocks(bytes);
    expect(scan.corrupt).toEqual([]);
    const reframed = logFileBytes(scan.blocks.map((b) => encodeLogBlock({ type: b.type, header: b.header, content: b.content, footer: b.footer })));
    expect(Buffer.from(reframed).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('files lake writes to a merge-on-read table', () => {
  it('follow the fixtures: names, block headers, meta fields, delta commit stats, compaction instants', async () => {
    const store = new MemoryStore(`mor-layout-${process.pid}`);
    const t = await createTable(store, { name: 'events', recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', type: 'mor' });
    await t.insert([
      { id: 'a', dt: '2024-01-01', ts: 1, v: 'x' },
      { id: 'b', dt: '2024-01-01', ts: 1, v: 'y' },
    ]);
    const up = await t.upsert([{ id: 'a', dt: '2024-01-01', ts: 2, v: 'x2' }]);
    await t.upsert([{ id: 'b', dt: '2024-01-01', ts: 2, v: 'y2' }], { logBlockFormat: 'avro' });
    const del = await t.delete(['b']);
    expect([up.action, del.action]).toEqual(['deltacommit', 'deltacommit']);

    const keys = await storeFiles(store);
    const logKeys = keys.filter((k) => parseLogFileName(k.slice(k.lastIndexOf('/') + 1)));
    expect(logKeys).toHaveLength(3);
    const base = keys.find((k) => k.endsWith('.parquet'))!;
    const fileId = base.slice(base.lastIndexOf('/') + 1).split('_')[0];
    for (const k of logKeys) {
      const name = k.slice(k.lastIndexOf('/') + 1);
      expect(name).toMatch(LOG_NAME);
      // Table version 6: named after the slice's base instant, versions counting up.
      expect(parseLogFileName(name)!.instantTime).toBe(base.slice(base.lastIndexOf('_') + 1, -'.parquet'.length));
      expect(parseLogFileName(name)!.fileId).toBe(fileId);
    }
    expect(logKeys.map((k) => parseLogFileName(k.slice(k.lastIndexOf('/') + 1))!.version).sort()).toEqual([1, 2, 3]);

    const blocks = await Promise.all(logKeys.map(async (k) => readLogBlocks(await store.get(k)).blocks[0]));
    const byType = new Map(blocks.map((b) => [b.type, b]));
    expect([...byType.keys()].sort()).toEqual([BlockType.DELETE, BlockType.AVRO_DATA, BlockType.PARQUET_DATA].sort());
    for (const b of blocks) {
      // The headers Spark writes on data and delete blocks.
      expect([...b.header.keys()].sort()).toEqual([HeaderKey.INSTANT_TIME, HeaderKey.SCHEMA]);
      expect(b.formatVersion).toBe(1);
      const schema = JSON.parse(b.header.get(HeaderKey.SCHEMA)!) as { fields: { name: string; type: unknown; default?: unknown }[] };
      expect(schema.fields.slice(0, 5).map((f) => [f.name, f.type, f.default])).toEqual(
        ['_hoodie_commit_time', '_hoodie_commit_seqno', '_hoodie_record_key', '_hoodie_partition_path', '_hoodie_file_name'].map((n) => [n, ['null', 'string'], null]),
      );
    }
    const parquet = decodeParquetDataBlock(byType.get(BlockType.PARQUET_DATA)!);
    const row = [...rowsToJson(parquet.batches[0])][0];
    expect(row).toMatchObject({ _hoodie_commit_time: up.instant, _hoodie_record_key: 'a', _hoodie_partition_path: '2024-01-01', _hoodie_file_name: fileId, v: 'x2' });
    expect(String(row._hoodie_commit_seqno)).toMatch(new RegExp(`^${up.instant}_\\d+_0$`));
    expect(decodeAvroDataBlock(byType.get(BlockType.AVRO_DATA)!).records[0]).toMatchObject({ _hoodie_record_key: 'b', v: 'y2' });
    expect(decodeDeleteBlock(byType.get(BlockType.DELETE)!)).toEqual([{ recordKey: 'b', partitionPath: '2024-01-01', orderingValue: 0 }]);

    // Delta commit stats of a log append carry what Spark's carry.
    const spark = morFixtures.find((f) => f.name === 'v6_simplekeygen_nonhivestyle' && f.group.includes('sample_table'))!;
    const sparkCommit = JSON.parse(readFileSync(join(spark.root, '.hoodie', '20250121000557095.deltacommit'), 'utf8'));
    const sparkLogStat = (sparkCommit.partitionToWriteStats['10'] as Record<string, unknown>[])[0];
    const ours = JSON.parse(new TextDecoder().decode(await store.get(`.hoodie/${up.instant}.deltacommit`)));
    const ourLogStat = ours.partitionToWriteStats['2024-01-01'][0] as Record<string, unknown>;
    expect(Object.keys(ourLogStat).sort()).toEqual(Object.keys(sparkLogStat).sort());
    expect(ourLogStat.prevCommit).toBe(parseLogFileName(String(ourLogStat.path).split('/')[1])!.instantTime);
    expect(ourLogStat.baseFile).toBe(base.slice(base.lastIndexOf('/') + 1));
    expect(Object.keys(ours).sort()).toEqual(Object.keys(sparkCommit).sort());

    // Compaction: requested holds an Avro HoodieCompactionPlan, completion is a `commit`.
    const scheduled = await t.scheduleCompaction();
    expect(scheduled).toBeDefined();
    const requested = await store.get(`.hoodie/${scheduled!.instant}.compaction.requested`);
    const decoded = await decodeContainer(requested);
    expect(decoded.schemaName).toBe('org.apache.hudi.avro.model.HoodieCompactionPlan');
    expect(decoded.record).toMatchObject({ version: 2, operations: [{ fileId, partitionPath: '2024-01-01', dataFilePath: base.slice(base.lastIndexOf('/') + 1) }] });
    expect(parseCompactionPlan(requested, 'plan').operations[0].deltaFileNames).toEqual(
      logKeys.map((k) => k.slice(k.lastIndexOf('/') + 1)).sort((a, b) => parseLogFileName(a)!.version - parseLogFileName(b)!.version),
    );
    const [run] = await t.runCompaction(scheduled!.instant);
    const commit = JSON.parse(new TextDecoder().decode(await store.get(`.hoodie/${run.instant}.commit`)));
    expect(commit).toMatchObject({ compacted: true, operationType: 'COMPACT' });
    expect(await store.head(`.hoodie/${run.instant}.compaction.inflight`)).toBeDefined();
    const compactedBase = Object.values(commit.partitionToWriteStats).flat()[0] as { path: string; prevCommit: string };
    expect(compactedBase.path).toMatch(new RegExp(`^2024-01-01/${fileId}_\\d+-\\d+-\\d+_${run.instant}\\.parquet$`));
  });
});

/** The container's schema name and first record, as JSON-like values. */
async function decodeContainer(bytes: Uint8Array): Promise<{ schemaName: string; record: unknown }> {
  const c = readAvroContainer(bytes);
  const json = decodeMetadataFile(bytes, 'plan');
  const parsed = JSON.parse(c.schemaJson) as { name: string; namespace: string };
  return { schemaName: `${parsed.namespace}.${parsed.name}`, record: json };
}

describe('a Spark-written merge-on-read table', () => {
  const spark = morFixtures.find((f) => f.id === 'sample_table/mor/parquet/v6_simplekeygen_nonhivestyle');

  it('takes lake upserts and deletes as logs, compacts, and reads the same before and after', async () => {
    expect(spark).toBeDefined();
    const store = await memoryCopy(spark!.root);
    const t = await openTable(store);
    const all = await t.read({ withMeta: false }).collect();
    const rows = [...rowsToJson(all.batches[0])];
    const target = rows.find((r) => r.id === 1)!;
    const dataSchema = all.schema;
    await t.upsert(rowsToTable([{ ...target, name: 'Alice (lake)', longField: Number(target.longField) + 1 }], dataSchema));
    await t.upsert(rowsToTable([{ ...target, name: 'Alice (avro)', longField: Number(target.longField) + 2 }], dataSchema), { logBlockFormat: 'avro' });
    const other = rows.find((r) => r.id !== 1)!;
    await t.delete(rowsToTable([other], dataSchema));
    const before = await t.read().collect();
    expect(rowsOf(before).some((r) => r.includes('Alice (avro)'))).toBe(true);
    expect(rowsOf(before).some((r) => r.includes(`"id":${String(other.id)},`))).toBe(false);
    await t.compact();
    const after = await t.read().collect();
    expect(rowsOf(after)).toEqual(rowsOf(before));
    expect((await t.fileSlices()).every((s) => s.logFiles.length === 0)).toBe(true);
  });
});
