// Conformance with Spark: every Hudi table of versions 6 and 8 in test/fixtures/hudi reads back as its README says
// (latest snapshot, time travel to the first commit, incremental read of the last commit,
// schema with Spark's types), and every column of the sample rows holds the value Spark wrote.

import { afterAll, describe, expect, it } from 'vitest';

import {
  checksumMatches,
  collect,
  instantTimeToDate,
  openTable,
  tableChecksum,
  type HudiTable,
} from '@lake/core/format';
import { cleanupFixtures, fixtures, memoryCopy, type Fixture } from './support/fixtures.js';

afterAll(() => cleanupFixtures());

type Row = Record<string, unknown>;

/** Rows as plain JSON values (bigints as strings, bytes as arrays), so they compare deeply. */
async function rows(stream: AsyncIterable<unknown> & { collect(): Promise<{ toArray(): { toJSON(): Row }[] }> }): Promise<Row[]> {
  return (await stream.collect()).toArray().map(
    (r) =>
      JSON.parse(
        JSON.stringify(r.toJSON(), (_k, v: unknown) =>
          typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? [...v] : v,
        ),
      ) as Row,
  );
}

/** id -> isActive, from rows of a sample table. */
function activeById(list: Row[]): Record<number, boolean> {
  const out: Record<number, boolean> = {};
  for (const r of list) {
    const id = r.id as number;
    expect(out[id], `id ${id} appears twice`).toBeUndefined();
    out[id] = r.isActive as boolean;
  }
  return out;
}

function riders(list: Row[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of list) {
    expect(out[r.rider as string], `${String(r.rider)} appears twice`).toBeUndefined();
    out[r.rider as string] = r.fare as number;
  }
  return out;
}

const LATEST = { 1: false, 2: false, 3: true, 4: true };
const FIRST = { 1: true, 2: false, 3: true };

const TRIPS_FIRST = {
  'rider-A': 19.1,
  'rider-C': 27.7,
  'rider-D': 33.9,
  'rider-E': 93.5,
  'rider-F': 34.15,
  'rider-G': 43.4,
  'rider-I': 41.06,
  'rider-J': 17.85,
};

const SAMPLE_TYPES: Record<string, string> = {
  id: 'Int32',
  name: 'Utf8',
  isActive: 'Bool',
  byteField: 'Int32',
  shortField: 'Int32',
  intField: 'Int32',
  longField: 'Int64',
  floatField: 'Float32',
  doubleField: 'Float64',
  decimalField: 'Decimal[10e+5]',
  dateField: 'Date32<DAY>',
  timestampField: 'Timestamp<MICROSECOND, UTC>',
  binaryField: 'Binary',
  arrayField: 'List<Struct<{arr_struct_f1:Utf8, arr_struct_f2:Int32}>>',
  mapField: 'Map<{key:Utf8, value:Struct<{map_field_value_struct_f1:Float64, map_field_value_struct_f2:Bool}>}>',
  structField: 'Struct<{field1:Utf8, field2:Int32, child_struct:Struct<{child_field1:Float64, child_field2:Bool}>}>',
};

const META = ['_hoodie_commit_time', '_hoodie_commit_seqno', '_hoodie_record_key', '_hoodie_partition_path', '_hoodie_file_name'];

type Kind = 'sample' | 'empty' | 'overwrite' | 'no_metafields' | 'rollback' | 'trips_update' | 'trips_delete';

function kindOf(f: Fixture): Kind {
  if (f.name.endsWith('_empty')) return 'empty';
  if (f.name.endsWith('_overwritetable')) return 'overwrite';
  if (f.name.endsWith('_no_metafields')) return 'no_metafields';
  if (f.name.endsWith('_rollback')) return 'rollback';
  if (f.name.endsWith('_8i1u')) return 'trips_update';
  if (f.name.endsWith('_8i3d')) return 'trips_delete';
  return 'sample';
}

async function writes(t: HudiTable): Promise<string[]> {
  return (await t.timeline()).completedWrites().map((i) => i.time);
}

// Table versions 6 and 8 (the sample and trips tables); version 9 tables: fixtures-conformance-v9.test.ts.
const all = fixtures().filter((f) => f.version < 9);

describe('Spark-written Hudi fixtures', () => {
  it('finds every fixture zip', () => {
    expect(all.length).toBeGreaterThanOrEqual(14);
    expect(all.map((f) => f.id)).toContain('sample_table/cow/v8_nonpartitioned');
  });

  describe.each(all.map((f) => [f.id, f] as const))('%s', (_id, f) => {
    const kind = kindOf(f);

    it('parses hoodie.properties, and its checksum is the one Hudi computes', async () => {
      const t = await openTable(f.root);
      expect(t.config.name).toBe(f.name);
      expect(t.config.type).toBe(f.group.includes('/mor') ? 'MERGE_ON_READ' : 'COPY_ON_WRITE');
      expect(t.config.version).toBe(f.name.startsWith('v8') ? 8 : 6);
      expect(t.config.timelineLayoutVersion).toBe(f.name.startsWith('v8') ? 2 : 1);
      expect(t.config.checksum).toBe(tableChecksum(t.config.name, t.config.databaseName));
      expect(checksumMatches(t.config)).toBe(true);
    });

    it('has the expected schema', async () => {
      const t = await openTable(f.root);
      const schema = await t.schema();
      const names = schema.fields.map((x) => x.name);
      if (kind === 'no_metafields') expect(names.filter((n) => n.startsWith('_hoodie_'))).toEqual([]);
      else expect(names.slice(0, 5)).toEqual(META);
      const data = schema.fields.filter((x) => !x.name.startsWith('_hoodie_'));
      if (kind === 'empty') {
        expect(data.map((x) => `${x.name}:${String(x.type)}`)).toEqual(['id:Int32', 'name:Utf8', 'isActive:Bool']);
      } else if (kind === 'trips_update' || kind === 'trips_delete') {
        expect(data.map((x) => `${x.name}:${String(x.type)}`)).toEqual([
          'ts:Int64',
          'uuid:Utf8',
          'rider:Utf8',
          'driver:Utf8',
          'fare:Float64',
          'city:Utf8',
        ]);
      } else {
        const types = Object.fromEntries(data.map((x) => [x.name, String(x.type)]));
        expect(types).toEqual(SAMPLE_TYPES);
        const decimal = data.find((x) => x.name === 'decimalField')?.type as unknown as { precision: number; scale: number };
        expect([decimal.precision, decimal.scale]).toEqual([10, 5]);
      }
    });

    it('reads the latest snapshot', async () => {
      const t = await openTable(f.root);
      const latest = await rows(t.read());
      switch (kind) {
        case 'empty':
          expect(latest).toEqual([]);
          expect((await t.read().collect()).schema.fields.length).toBe(8);
          break;
        case 'overwrite':
          expect(activeById(latest)).toEqual({ 4: false });
          break;
        case 'rollback':
          expect(activeById(latest)).toEqual({ 1: true, 2: true, 3: true });
          break;
        case 'trips_update':
          expect(riders(latest)).toEqual({ ...TRIPS_FIRST, 'rider-D': 25 });
          break;
        case 'trips_delete': {
          const { 'rider-A': _a, 'rider-C': _c, 'rider-D': _d, ...rest } = TRIPS_FIRST;
          expect(riders(latest)).toEqual(rest);
          break;
        }
        default:
          expect(activeById(latest)).toEqual(LATEST);
      }
    });

    it('travels back to the first commit, by instant time and by Date', async () => {
      const t = await openTable(f.root);
      const times = await writes(t);
      if (kind === 'empty') {
        expect(times).toEqual([]);
        return;
      }
      const first = times[0];
      const byInstant = await rows(t.read({ asOf: first }));
      const date = instantTimeToDate(first, t.config.timelineTimezone);
      expect(date).toBeInstanceOf(Date);
      const byDate = await rows(t.read({ asOf: date as Date }));
      expect(byDate).toEqual(byInstant);
      if (kind === 'trips_update' || kind === 'trips_delete') expect(riders(byInstant)).toEqual(TRIPS_FIRST);
      else if (kind === 'no_metafields') expect(activeById(byInstant)).toEqual(LATEST);
      else expect(activeById(byInstant)).toEqual(FIRST);
      // Before the first commit there is nothing.
      expect(await rows(t.read({ asOf: '20000101000000000' }))).toEqual([]);
    });

    it('reads the last commit incrementally', async () => {
      const t = await openTable(f.root);
      const times = await writes(t);
      if (kind === 'empty') {
        expect(await rows(t.readIncremental())).toEqual([]);
        return;
      }
      const last = times[times.length - 1];
      const start = times.length > 1 ? times[times.length - 2] : undefined;
      const inc = await rows(t.readIncremental({ start, end: last }));
      if (kind !== 'no_metafields') for (const r of inc) expect(r._hoodie_commit_time).toBe(last);
      switch (kind) {
        case 'overwrite':
          expect(activeById(inc)).toEqual({ 4: false });
          break;
        case 'rollback':
          expect(activeById(inc)).toEqual({ 2: true });
          break;
        case 'trips_update':
          expect(riders(inc)).toEqual({ 'rider-D': 25 });
          break;
        case 'trips_delete':
          expect(inc).toEqual([]);
          break;
        case 'no_metafields':
          expect(activeById(inc)).toEqual(LATEST);
          break;
        default:
          expect(inc.map((r) => r.id).sort()).toEqual([1, 4]);
          expect(activeById(inc)).toEqual({ 1: false, 4: true });
      }
    });
  });
});

describe('fixture specifics', () => {
  it('overwritetable: the commit before INSERT OVERWRITE TABLE still shows all four rows', async () => {
    const t = await openTable(all.find((f) => kindOf(f) === 'overwrite')!.root);
    const times = await writes(t);
    expect(times.length).toBe(3);
    expect((await t.timeline()).completedWrites().map((i) => i.action)).toEqual(['commit', 'commit', 'replacecommit']);
    expect(activeById(await rows(t.read({ asOf: times[1] })))).toEqual(LATEST);
  });

  it('rollback: nothing of the rolled-back commit appears, in any read', async () => {
    const t = await openTable(all.find((f) => kindOf(f) === 'rollback')!.root);
    const tl = await t.timeline();
    const rolledBack = [...(await tl.rolledBackInstants())];
    expect(rolledBack.length).toBe(1);
    for (const stream of [t.read(), t.readIncremental(), t.read({ asOf: rolledBack[0] })]) {
      for (const r of await rows(stream)) expect(r._hoodie_commit_time).not.toBe(rolledBack[0]);
    }
    // As of the rolled-back instant the table is what the first commit wrote.
    expect(activeById(await rows(t.read({ asOf: rolledBack[0] })))).toEqual(FIRST);
  });

  it('merge-on-read tables: read-optimized queries see base files only', async () => {
    for (const f of all.filter((x) => x.group.includes('/mor') && kindOf(x) !== 'empty')) {
      const t = await openTable(f.root);
      const ro = await rows(t.read({ readOptimized: true }));
      if (kindOf(f) === 'trips_update') expect(riders(ro)['rider-D']).toBe(33.9);
      else if (kindOf(f) === 'trips_delete') expect(Object.keys(riders(ro)).length).toBe(8);
      else if (kindOf(f) === 'rollback') expect(activeById(ro)).toEqual(FIRST);
      else expect(activeById(ro)).toEqual({ 1: true, 2: false, 3: true, 4: true });
    }
  });

  it('projection and withMeta: only the asked columns, in table order', async () => {
    const f = all.find((x) => x.id === 'sample_table/mor/parquet/v6_nonpartitioned')!;
    const t = await openTable(await memoryCopy(f.root));
    const table = await t.read({ columns: ['isActive', 'id', '_hoodie_commit_time'] }).collect();
    expect(table.schema.fields.map((x) => x.name)).toEqual(['_hoodie_commit_time', 'id', 'isActive']);
    expect(activeById(table.toArray().map((r) => r.toJSON()))).toEqual(LATEST);
    const noMeta = await t.read({ withMeta: false }).collect();
    expect(noMeta.schema.fields.some((x) => x.name.startsWith('_hoodie_'))).toBe(false);
    expect(noMeta.numRows).toBe(4);
  });

  it('collect() of an empty read keeps the schema', async () => {
    const t = await openTable(all.find((f) => f.id === 'sample_table/cow/v8_empty')!.root);
    const table = await collect(t.read({ withMeta: false }));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((x) => x.name)).toEqual(['id', 'name', 'isActive']);
  });
});

/** Alice (id 1) after both commits, every column, as Spark wrote her. */
describe('column values of the sample tables', () => {
  const samples = all.filter((f) => f.group.startsWith('sample_table') && ['sample', 'overwrite', 'no_metafields'].includes(kindOf(f)));

  it.each(samples.map((f) => [f.id, f] as const))('%s', async (_id, f) => {
    const t = await openTable(f.root);
    const asOf = kindOf(f) === 'overwrite' ? (await writes(t))[1] : undefined;
    const table = await t.read({ asOf }).collect();
    const idx = table.toArray().findIndex((r) => r.toJSON().id === 1);
    expect(idx).toBeGreaterThanOrEqual(0);
    const get = (name: string): unknown => table.getChild(name)?.get(idx);
    expect(get('name')).toBe('Alice');
    expect(get('isActive')).toBe(false);
    expect([1, 10]).toContain(get('byteField'));
    expect(get('shortField')).toBe(300);
    expect(get('intField')).toBe(15000);
    expect(get('longField')).toBe(1234567890n);
    expect(get('floatField')).toBe(1);
    expect(get('doubleField')).toBe(3.14159);
    // DECIMAL(10,5): unscaled 1234567890 is 12345.67890.
    expect(String(get('decimalField'))).toBe('1234567890');
    // DATE: 2023-04-01 as days since the epoch.
    const dateData = table.getChild('dateField')!.data;
    let row = idx;
    let chunk = 0;
    while (row >= dateData[chunk].length) row -= dateData[chunk++].length;
    expect((dateData[chunk].values as Int32Array)[row]).toBe(19448);
    // TIMESTAMP: microseconds in UTC; the writers ran in US Central or UTC time.
    const micros = (table.getChild('timestampField')!.data[chunk].values as BigInt64Array)[row];
    expect([1680368460000000n, 1680350460000000n]).toContain(micros);
    expect(new TextDecoder().decode(get('binaryField') as Uint8Array)).toBe('binary data');
    expect(JSON.parse(JSON.stringify(get('arrayField')))).toEqual([
      { arr_struct_f1: 'red', arr_struct_f2: 100 },
      { arr_struct_f1: 'blue', arr_struct_f2: 200 },
      { arr_struct_f1: 'green', arr_struct_f2: 300 },
    ]);
    expect(JSON.parse(JSON.stringify(get('mapField')))).toEqual({
      key1: { map_field_value_struct_f1: 123.456, map_field_value_struct_f2: true },
      key2: { map_field_value_struct_f1: 789.012, map_field_value_struct_f2: false },
    });
    expect(JSON.parse(JSON.stringify(get('structField')))).toEqual({
      field1: 'Alice',
      field2: 30,
      child_struct: { child_field1: 123.456, child_field2: true },
    });
  });

  it('merge-on-read rows from log blocks equal the copy-on-write rows', async () => {
    const cow = await openTable(all.find((f) => f.id === 'sample_table/cow/v8_nonpartitioned')!.root);
    const mor = await openTable(all.find((f) => f.id === 'sample_table/mor/parquet/v6_nonpartitioned')!.root);
    const strip = (r: Row): Row => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_hoodie_')));
    const norm = (list: Row[]): string[] => list.map((r) => JSON.stringify(strip(r))).sort();
    expect(norm(await rows(mor.read()))).toEqual(norm(await rows(cow.read())));
  });
});
