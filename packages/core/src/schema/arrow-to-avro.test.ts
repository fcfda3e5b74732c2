import { describe, expect, it } from 'vitest';
import { Field, Int32, List, Map_, Schema, Struct, Timestamp, TimeUnit, Uint64, Utf8, type DataType } from 'apache-arrow';
import { readParquet, readParquetMetadata } from '@lake/parquet';
import { fixtureZips, loadFixture, parseJavaProperties, textOf } from '../../test/fixture-zips.js';
import { arrowSchemaToAvro, avroRecordNameAndNamespace } from './arrow-to-avro.js';
import { UnsupportedArrowTypeError } from '../errors.js';

// Spark writes lists with parquet-avro's legacy two-level layout, which cannot mark elements
// nullable; the table's own type (Spark's ArrayType) has nullable elements, so restore that.
function withNullableListItems(type: DataType): DataType {
  if (type instanceof List) {
    const item = type.children[0];
    return new List(new Field(item.name, withNullableListItems(item.type), true));
  }
  if (type instanceof Struct) return new Struct(type.children.map((c) => new Field(c.name, withNullableListItems(c.type), c.nullable)));
  if (type instanceof Map_) {
    const entries = type.children[0];
    const [k, v] = entries.type.children;
    const struct = new Struct<{ key: DataType; value: DataType }>([k, new Field(v.name, withNullableListItems(v.type), v.nullable)] as never);
    return new Map_(new Field(entries.name, struct, false), type.keysSorted);
  }
  return type;
}

interface Case {
  zip: string;
  tableName: string;
  arrow: Schema;
  footerSchema: string | undefined;
  commitSchema: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const zip of fixtureZips()) {
    const files = loadFixture(zip);
    const props = parseJavaProperties(textOf(files.get('.hoodie/hoodie.properties')!));
    if (props['hoodie.table.version'] !== '6') continue;
    const commits = [...files.keys()].filter((p) => /^\.hoodie\/\d+\.(commit|deltacommit|replacecommit)$/.test(p)).sort();
    const parquet = [...files.keys()].filter((p) => p.endsWith('.parquet')).sort();
    if (commits.length === 0 || parquet.length === 0) continue;
    const table = readParquet(files.get(parquet[parquet.length - 1])!);
    const footerSchema = readParquetMetadata(files.get(parquet[parquet.length - 1])!).keyValueMetadata['parquet.avro.schema'];
    const commitSchema = JSON.parse(textOf(files.get(commits[commits.length - 1])!)).extraMetadata.schema as string;
    const arrow = new Schema(table.schema.fields.map((f) => new Field(f.name, withNullableListItems(f.type), f.nullable)));
    out.push({ zip, tableName: props['hoodie.table.name'], arrow, footerSchema, commitSchema });
  }
  return out;
}

describe('arrowSchemaToAvro against Spark-written tables', () => {
  const all = cases();

  it('has fixtures with nested and decimal columns', () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(all.some((c) => c.commitSchema.includes('"logicalType":"decimal"'))).toBe(true);
  });

  it('reproduces the commit metadata schema text exactly', () => {
    for (const c of all) {
      expect(JSON.stringify(arrowSchemaToAvro(c.arrow, { tableName: c.tableName })), c.zip).toBe(c.commitSchema);
    }
  });

  it('reproduces the parquet.avro.schema footer (with meta fields) exactly', () => {
    let checked = 0;
    for (const c of all) {
      if (!c.footerSchema?.includes('_hoodie_commit_time')) continue;
      expect(JSON.stringify(arrowSchemaToAvro(c.arrow, { tableName: c.tableName, metaFields: true })), c.zip).toBe(c.footerSchema);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});

describe('arrowSchemaToAvro rules', () => {
  it('sanitizes table names as Hudi does', () => {
    expect(avroRecordNameAndNamespace('trips')).toEqual({ name: 'trips_record', namespace: 'hoodie.trips' });
    expect(avroRecordNameAndNamespace('my-table.v2')).toEqual({ name: 'my__table__v2_record', namespace: 'hoodie.my__table__v2' });
    expect(avroRecordNameAndNamespace('1st')).toEqual({ name: '__st_record', namespace: 'hoodie.__st' });
  });

  it('keeps required fields without union or default', () => {
    const avro = arrowSchemaToAvro(new Schema([new Field('id', new Int32(), false), new Field('ts', new Timestamp(TimeUnit.MILLISECOND, 'UTC'), true)]), {
      tableName: 't',
    });
    expect(avro.fields).toEqual([
      { name: 'id', type: 'int' },
      { name: 'ts', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
    ]);
  });

  it('refuses types Spark cannot store, naming the column', () => {
    const bad = (f: Field) => () => arrowSchemaToAvro(new Schema([f]), { tableName: 't' });
    expect(bad(new Field('u', new Uint64(), true))).toThrow(UnsupportedArrowTypeError);
    expect(bad(new Field('ns', new Timestamp(TimeUnit.NANOSECOND), true))).toThrow(/"ns"/);
    expect(bad(new Field('bad name', new Utf8(), true))).toThrow(/rename/);
    const entries = new Struct<{ key: DataType; value: DataType }>([new Field('key', new Int32(), false), new Field('value', new Utf8(), true)] as never);
    const intKeys = new Map_(new Field('entries', entries, false));
    expect(bad(new Field('m', intKeys, true))).toThrow(/string keys/);
  });
});
