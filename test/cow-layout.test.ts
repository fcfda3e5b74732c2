// The files lake writes for a copy-on-write table are laid out as Spark's Hudi writer lays them out
// (compared against the Spark-written v6 fixtures), and lake can write into a Spark-written table.

import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { LocalStore } from '@lake/storage';
import { readParquet, readParquetMetadata } from '@lake/parquet';
import {
  META,
  META_FIELD_NAMES,
  createTable,
  inferSchema,
  openTable,
  parseProperties,
  readFooterBloomFilter,
  readFooterKeyRange,
  rowsToJson,
  tableChecksum,
  type HudiTable,
} from '@lake/core/format';
import { cleanupFixtures, fixture, readTree } from './support/fixtures.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  cleanupFixtures();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lake-cow-layout-'));
  dirs.push(dir);
  return dir;
}

const BASE_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-0)_(\d+-\d+-\d+)_(\d{17})\.parquet$/;
const INSTANT = /^\d{17}$/;
const SPARK = fixture('sample_table/cow/v6_simplekeygen_nonhivestyle');
const SPARK_OVERWRITE = fixture('sample_table/cow/v6_simplekeygen_nonhivestyle_overwritetable');

type Json = Record<string, unknown>;

function properties(root: string): Map<string, string> {
  return parseProperties(readFileSync(join(root, '.hoodie', 'hoodie.properties'), 'utf8'));
}

function commitJson(root: string, file: string): Json {
  return JSON.parse(readFileSync(join(root, '.hoodie', file), 'utf8')) as Json;
}

function writeStats(commit: Json): Json[] {
  return Object.values(commit.partitionToWriteStats as Record<string, Json[]>).flat();
}

function keysOf(objects: Json[]): string[] {
  return [...new Set(objects.flatMap((o) => Object.keys(o)))].sort();
}

function plainRows(table: { batches: Parameters<typeof rowsToJson>[0][] }): Json[] {
  return table.batches.flatMap((b) => [...rowsToJson(b)] as Json[]);
}

function byId(rows: Json[]): Json[] {
  return [...rows].sort((a, b) => Number(a.id) - Number(b.id));
}

/** A lake table: an insert, then an upsert that updates one key and inserts another. */
async function lakeTable(): Promise<{ root: string; table: HudiTable; instants: string[]; lastWriter: Map<string, string> }> {
  const root = tempDir();
  const table = await createTable(new LocalStore(root), { name: 'lake_cow', recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts' });
  const first = await table.insert([
    { id: 1, name: 'Alice', isActive: true, dt: '10', ts: 1 },
    { id: 2, name: 'Bob', isActive: false, dt: '20', ts: 1 },
    { id: 3, name: 'Carol', isActive: true, dt: '10', ts: 1 },
  ]);
  const second = await table.upsert([
    { id: 1, name: 'Alice', isActive: false, dt: '10', ts: 2 },
    { id: 4, name: 'Diana', isActive: true, dt: '30', ts: 1 },
  ]);
  const lastWriter = new Map([
    ['1', second.instant],
    ['2', first.instant],
    ['3', first.instant],
    ['4', second.instant],
  ]);
  return { root, table, instants: [first.instant, second.instant], lastWriter };
}

function baseFiles(root: string): { partition: string; name: string; path: string }[] {
  const tree = readTree(root);
  return [...tree.keys()]
    .filter((k) => k.endsWith('.parquet'))
    .map((k) => ({ partition: k.slice(0, k.lastIndexOf('/')), name: basename(k), path: join(root, k) }));
}

describe('a lake copy-on-write table has the layout of a Spark-written one', () => {
  it('names base files <fileId>_<token>_<instant>.parquet, as the fixtures do', async () => {
    const { root, instants } = await lakeTable();
    for (const f of baseFiles(SPARK.root)) expect(f.name).toMatch(BASE_FILE);
    const files = baseFiles(root);
    // Partitions 10 (written twice), 20 and 30: four base files in three file groups.
    expect(files).toHaveLength(4);
    for (const f of files) {
      const m = BASE_FILE.exec(f.name);
      expect(m, f.name).not.toBeNull();
      expect(instants).toContain(m![3]);
    }
    expect(new Set(files.map((f) => BASE_FILE.exec(f.name)![1])).size).toBe(3);
  });

  it('writes requested, inflight and completed instant files and leaves no markers', async () => {
    const { root, instants } = await lakeTable();
    const sparkTimeline = readdirSync(join(SPARK.root, '.hoodie')).filter((n) => /^\d{17}\./.test(n)).sort();
    const sparkInstants = [...new Set(sparkTimeline.map((n) => n.slice(0, 17)))];
    const lakeTimeline = readdirSync(join(root, '.hoodie')).filter((n) => /^\d{17}\./.test(n)).sort();
    const shape = (names: string[], times: string[]) => names.map((n) => n.replace(times.find((t) => n.startsWith(t))!, '<t>'));
    expect(shape(lakeTimeline, instants)).toEqual(shape(sparkTimeline, sparkInstants));
    for (const t of instants) {
      expect(t).toMatch(INSTANT);
      expect(lakeTimeline).toEqual(expect.arrayContaining([`${t}.commit.requested`, `${t}.inflight`, `${t}.commit`]));
    }
    expect([...readTree(root).keys()].filter((k) => k.startsWith('.hoodie/.temp/'))).toEqual([]);
  });

  it('writes hoodie.properties with the keys Spark writes and a valid checksum', async () => {
    // Spark knows the schema when it creates a table; lake does when it is given one.
    const root = tempDir();
    const schema = inferSchema([{ id: 1, name: 'Alice', isActive: true, dt: '10', ts: 1 }]);
    await createTable(new LocalStore(root), { name: 'lake_cow', recordKey: ['id'], partitionBy: ['dt'], orderingField: 'ts', schema });
    const spark = properties(SPARK.root);
    const lake = properties(root);
    const createSchema = JSON.parse(lake.get('hoodie.table.create.schema')!) as { type: string; fields: { name: string }[] };
    expect(createSchema.type).toBe('record');
    expect(createSchema.fields.map((f) => f.name)).toEqual(['id', 'name', 'isActive', 'dt', 'ts']);
    // The checksum function agrees with Spark's own checksum.
    expect(tableChecksum(spark.get('hoodie.table.name')!, spark.get('hoodie.database.name'))).toBe(spark.get('hoodie.table.checksum'));
    expect(lake.get('hoodie.table.checksum')).toBe(tableChecksum('lake_cow', lake.get('hoodie.database.name') ?? ''));
    // hoodie.database.name comes from Spark SQL's catalog, not from the table's options.
    const sparkKeys = [...spark.keys()].filter((k) => k !== 'hoodie.database.name').sort();
    expect([...lake.keys()].filter((k) => sparkKeys.includes(k)).sort()).toEqual(sparkKeys);
    // Anything more is a table property Hudi itself defines.
    const extra = [...lake.keys()].filter((k) => !spark.has(k)).sort();
    expect(extra.every((k) => k.startsWith('hoodie.'))).toBe(true);
    expect(lake.get('hoodie.table.version')).toBe('6');
    expect(lake.get('hoodie.timeline.layout.version')).toBe('1');
    expect(lake.get('hoodie.table.type')).toBe('COPY_ON_WRITE');
    expect(lake.get('hoodie.table.recordkey.fields')).toBe('id');
    expect(lake.get('hoodie.table.partition.fields')).toBe('dt');
    expect(lake.get('hoodie.table.precombine.field')).toBe('ts');
    expect(lake.get('hoodie.table.keygenerator.class')).toBe('org.apache.hudi.keygen.SimpleKeyGenerator');
  });

  it('writes commit metadata with the keys of Spark commits', async () => {
    const { root, instants } = await lakeTable();
    const sparkCommits = readdirSync(join(SPARK.root, '.hoodie')).filter((n) => n.endsWith('.commit')).map((n) => commitJson(SPARK.root, n));
    const lakeCommits = instants.map((t) => commitJson(root, `${t}.commit`));
    expect(keysOf(lakeCommits)).toEqual(keysOf(sparkCommits));
    const sparkStats = sparkCommits.flatMap(writeStats);
    const lakeStats = lakeCommits.flatMap(writeStats);
    expect(keysOf(lakeStats)).toEqual(keysOf(sparkStats));
    expect(keysOf(lakeStats.map((s) => s.runtimeStats as Json))).toEqual(keysOf(sparkStats.map((s) => s.runtimeStats as Json)));
    // Every stat names a file that exists, with its size.
    for (const s of lakeStats) {
      const bytes = readFileSync(join(root, String(s.path)));
      expect(s.fileSizeInBytes).toBe(bytes.length);
      expect(String(s.path)).toBe(`${String(s.partitionPath)}/${basename(String(s.path))}`);
    }
    expect(lakeCommits[1].operationType).toBe('UPSERT');
    expect(typeof (lakeCommits[1].extraMetadata as Json).schema).toBe('string');
  });

  it('writes replacecommit metadata with the keys of a Spark insert overwrite', async () => {
    const { root, table } = await lakeTable();
    const result = await table.insertOverwrite([{ id: 9, name: 'Zed', isActive: true, dt: '10', ts: 1 }], { table: true });
    expect(result.action).toBe('replacecommit');
    const sparkName = readdirSync(join(SPARK_OVERWRITE.root, '.hoodie')).find((n) => n.endsWith('.replacecommit'))!;
    const spark = commitJson(SPARK_OVERWRITE.root, sparkName);
    const lake = commitJson(root, `${result.instant}.replacecommit`);
    expect(Object.keys(lake).sort()).toEqual(Object.keys(spark).sort());
    expect(keysOf(writeStats(lake))).toEqual(keysOf(writeStats(spark)));
    expect(lake.operationType).toBe(spark.operationType);
    const replaced = lake.partitionToReplaceFileIds as Record<string, string[]>;
    expect(Object.keys(replaced).sort()).toEqual(['10', '20', '30']);
    const timeline = readdirSync(join(root, '.hoodie'));
    expect(timeline).toEqual(expect.arrayContaining([`${result.instant}.replacecommit.requested`, `${result.instant}.replacecommit.inflight`]));
    expect(plainRows(await table.read({ withMeta: false }).collect()).map((r) => r.id)).toEqual([9]);
  });

  it('writes .hoodie_partition_metadata in each partition', async () => {
    const { root, instants } = await lakeTable();
    for (const [partition, created] of [['10', instants[0]], ['20', instants[0]], ['30', instants[1]]]) {
      const props = parseProperties(readFileSync(join(root, partition, '.hoodie_partition_metadata'), 'utf8'));
      expect(props.get('commitTime')).toBe(created);
      expect(props.get('partitionDepth')).toBe('1');
    }
  });

  it('puts the five meta columns first in every base file, populated', async () => {
    const { root, table, lastWriter } = await lakeTable();
    const latest = new Set((await table.fileSlices()).map((s) => basename(s.baseFile!.path)));
    expect(latest.size).toBe(3);
    for (const f of baseFiles(root)) {
      const data = readParquet(new Uint8Array(readFileSync(f.path)));
      expect(data.schema.fields.slice(0, 5).map((x) => x.name)).toEqual([...META_FIELD_NAMES]);
      const instant = BASE_FILE.exec(f.name)![3];
      for (const row of plainRows(data)) {
        expect(row[META.recordKey]).toBe(String(row.id));
        expect(row[META.partitionPath]).toBe(f.partition);
        expect(row[META.fileName]).toBe(f.name);
        expect(String(row[META.commitTime]) <= instant).toBe(true);
        expect(String(row[META.commitSeqno]).startsWith(`${String(row[META.commitTime])}_`)).toBe(true);
        // In the latest files, each row carries the instant that last wrote its key.
        if (latest.has(f.name)) expect(row[META.commitTime]).toBe(lastWriter.get(String(row.id)));
      }
    }
  });

  it('writes the footer keys Hudi readers use: Avro schema, bloom filter, key range', async () => {
    const { root } = await lakeTable();
    const sparkMeta = readParquetMetadata(new Uint8Array(readFileSync(baseFiles(SPARK.root)[0].path))).keyValueMetadata;
    const required = ['parquet.avro.schema', 'org.apache.hudi.bloomfilter', 'hoodie_min_record_key', 'hoodie_max_record_key'];
    for (const k of required) expect(Object.keys(sparkMeta)).toContain(k);
    for (const f of baseFiles(root)) {
      const bytes = new Uint8Array(readFileSync(f.path));
      const meta = readParquetMetadata(bytes).keyValueMetadata;
      for (const k of required) expect(Object.keys(meta), `${k} in ${f.name}`).toContain(k);
      const keys = plainRows(readParquet(bytes)).map((r) => String(r[META.recordKey])).sort();
      expect(readFooterKeyRange(meta)).toEqual({ min: keys[0], max: keys[keys.length - 1] });
      const bloom = readFooterBloomFilter(meta)!;
      for (const k of keys) expect(bloom.mightContain(k)).toBe(true);
      const avro = JSON.parse(meta['parquet.avro.schema']) as { type: string; fields: { name: string }[] };
      expect(avro.type).toBe('record');
      expect(avro.fields.slice(0, 5).map((x) => x.name)).toEqual([...META_FIELD_NAMES]);
    }
  });

  it('reads back with lake’s reader, snapshot, time travel and incremental', async () => {
    const { root, instants } = await lakeTable();
    const t = await openTable(root);
    const snapshot = byId(plainRows(await t.read({ withMeta: false }).collect()));
    expect(snapshot.map((r) => [r.id, r.isActive])).toEqual([[1, false], [2, false], [3, true], [4, true]]);
    const first = byId(plainRows(await t.read({ asOf: instants[0], withMeta: false }).collect()));
    expect(first.map((r) => [r.id, r.isActive])).toEqual([[1, true], [2, false], [3, true]]);
    const incremental = byId(plainRows(await t.readIncremental({ start: instants[0] }).collect()));
    expect(incremental.map((r) => r.id)).toEqual([1, 4]);
  });
});

describe('lake writes into a Spark-written table', () => {
  it('upserts into a copy of cow/v6_simplekeygen_nonhivestyle; old rows survive unchanged', async () => {
    const root = tempDir();
    cpSync(SPARK.root, root, { recursive: true });
    const t = await openTable(new LocalStore(root));
    const before = byId(plainRows(await t.read().collect()));
    expect(before.map((r) => r.id)).toEqual([1, 2, 3, 4]);

    // Carol (partition 10, shared with Alice) changes; Eve is new in a new partition.
    const carol = before.find((r) => r.id === 3)!;
    const result = await t.upsert([
      { id: 3, name: 'Carol', isActive: false, byteField: 10, shortField: 300, longField: Number(carol.longField ?? 0) + 1 },
      { id: 5, name: 'Eve', isActive: true, byteField: 50, shortField: 1, longField: 1 },
    ]);
    expect(result.updated).toBe(1);
    expect(result.inserted).toBe(1);

    for (const reader of [t, await openTable(root)]) {
      const after = byId(plainRows(await reader.read().collect()));
      expect(after.map((r) => [r.id, r.isActive])).toEqual([[1, false], [2, false], [3, false], [4, true], [5, true]]);
      // Untouched rows keep every column, meta columns included (Alice's file was rewritten,
      // so only her file name changes).
      for (const id of [1, 2, 4]) {
        const old = before.find((r) => r.id === id)!;
        const now = after.find((r) => r.id === id)!;
        expect({ ...now, [META.fileName]: null }).toEqual({ ...old, [META.fileName]: null });
      }
      const eve = after.find((r) => r.id === 5)!;
      expect(eve[META.commitTime]).toBe(result.instant);
      expect(eve[META.partitionPath]).toBe('50');
    }
    // The earlier snapshot is still there for time travel.
    const sparkLatest = readdirSync(join(SPARK.root, '.hoodie')).filter((n) => n.endsWith('.commit')).sort().at(-1)!.slice(0, 17);
    expect(byId(plainRows(await t.read({ asOf: sparkLatest }).collect()))).toEqual(before);
  });
});
