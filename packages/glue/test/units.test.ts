import { describe, expect, it } from 'vitest';
import { Field, Schema, Int32, Int64, Utf8, Float64, Decimal, DateDay, TimestampMicrosecond, List, Struct, Bool } from 'apache-arrow';

import {
  GLUE_SYNC_TOOL_CLASS,
  GlueSyncConfigError,
  glueSyncFromProperties,
  glueSyncProperties,
  hiveType,
  partitionValuesOf,
  sparkTableParameters,
} from '../src/index.js';
import { requestProblems } from './support/glue-model.js';

describe('Hive and Spark types', () => {
  it('maps Arrow types to the Hive types Hudi sync writes', () => {
    const cases: [Field['type'], string][] = [
      [new Utf8(), 'string'],
      [new Int32(), 'int'],
      [new Int64(), 'bigint'],
      [new Float64(), 'double'],
      [new Bool(), 'boolean'],
      [new Decimal(2, 10, 128), 'decimal(10,2)'],
      [new DateDay(), 'date'],
      [new TimestampMicrosecond(), 'bigint'],
      [new List(new Field('element', new Utf8(), true)), 'array<string>'],
      [new Struct([new Field('a-b', new Int32(), true), new Field('c', new Utf8(), true)]), 'struct<a_b:int,c:string>'],
    ];
    for (const [type, hive] of cases) expect(hiveType(type, 'x')).toBe(hive);
    expect(hiveType(new TimestampMicrosecond(), 'x', { supportTimestamp: true })).toBe('timestamp');
  });

  it('splits the Spark schema JSON into parts of the threshold length, partition columns last', () => {
    const schema = new Schema([new Field('dt', new Utf8(), true), new Field('id', new Utf8(), false), new Field('n', new Int64(), true)]);
    const params = sparkTableParameters(schema, ['dt'], 40);
    const parts = Number(params['spark.sql.sources.schema.numParts']);
    expect(parts).toBeGreaterThan(1);
    const json = Array.from({ length: parts }, (_, i) => params[`spark.sql.sources.schema.part.${i}`]).join('');
    expect(JSON.parse(json)).toEqual({
      type: 'struct',
      fields: [
        { name: 'id', type: 'string', nullable: false, metadata: {} },
        { name: 'n', type: 'long', nullable: true, metadata: {} },
        { name: 'dt', type: 'string', nullable: true, metadata: {} },
      ],
    });
    expect(params['spark.sql.sources.schema.partCol.0']).toBe('dt');
  });
});

describe('partition values', () => {
  it('reads hive-style and positional paths, and refuses a path that does not match the keys', () => {
    expect(partitionValuesOf('dt=2024-01-01/country=NL', ['dt', 'country'])).toEqual(['2024-01-01', 'NL']);
    expect(partitionValuesOf('2024/01', ['y', 'm'])).toEqual(['2024', '01']);
    expect(() => partitionValuesOf('2024/01/02', ['dt'])).toThrow(GlueSyncConfigError);
  });
});

describe('sync settings from Hudi properties', () => {
  it('enables the Glue sync only with meta sync on and the Glue tool class listed', () => {
    const props = new Map(Object.entries(glueSyncProperties({ database: 'db', table: 't', region: 'eu-west-1' })));
    expect(glueSyncFromProperties(props)).toEqual({ database: 'db', table: 't', region: 'eu-west-1' });
    expect(props.get('hoodie.meta.sync.client.tool.class')).toBe(GLUE_SYNC_TOOL_CLASS);
    props.set('hoodie.meta.sync.client.tool.class', 'org.apache.hudi.hive.HiveSyncTool');
    expect(glueSyncFromProperties(props)).toBeUndefined();
    props.set('hoodie.meta.sync.client.tool.class', `org.apache.hudi.hive.HiveSyncTool,${GLUE_SYNC_TOOL_CLASS}`);
    props.set('hoodie.datasource.meta.sync.enable', 'false');
    expect(glueSyncFromProperties(props)).toBeUndefined();
  });
});

describe('the test catalog checks requests against the SDK model', () => {
  it('accepts a well-formed request and reports missing, unknown and mistyped members', () => {
    expect(requestProblems('GetTable', { DatabaseName: 'db', Name: 't' })).toEqual([]);
    expect(requestProblems('GetTable', { DatabaseName: 'db' })).toEqual(['GetTable.Name: required member missing']);
    expect(requestProblems('CreateTable', { DatabaseName: 'db', TableInput: { Name: 't', Bogus: 1 } })).toEqual([
      'CreateTable.TableInput.Bogus: not a member of TableInput',
    ]);
    expect(requestProblems('CreateTable', { DatabaseName: 'db', TableInput: { Name: 't', PartitionKeys: [{ Name: 1 }] } })).toEqual([
      'CreateTable.TableInput.PartitionKeys[0].Name: expected a string, got number',
    ]);
    expect(requestProblems('BatchCreatePartition', { DatabaseName: 'db', TableName: 't', PartitionInputList: [{ Values: 'x' }] })).toEqual([
      'BatchCreatePartition.PartitionInputList[0].Values: expected a list, got string',
    ]);
  });
});
