import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Binary,
  Decimal,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  Int8,
  List,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { readParquet } from '@lake/parquet';
import { SchemaMismatchError } from '../errors.js';
import { fixtureZips, loadFixture } from '../../test/fixture-zips.js';
import { reconcileSchemas } from './compatibility.js';

function batch(columns: [name: string, type: DataType, values: unknown[], nullable?: boolean][]): RecordBatch {
  const t = new Table(Object.fromEntries(columns.map(([name, type, values]) => [name, vectorFromArray(values, type)])));
  const schema = new Schema(columns.map(([name, type, , nullable]) => new Field(name, type, nullable ?? true)));
  return new RecordBatch(schema, t.batches[0].data);
}

const rows = (b: RecordBatch) => b.toArray().map((r) => r.toJSON());

describe('reconcileSchemas', () => {
  const table = new Schema([new Field('id', new Int64(), false), new Field('name', new Utf8(), true), new Field('score', new Float64(), true)]);

  it('accepts the same columns in another order and reorders them', () => {
    const incoming = batch([['score', new Float64(), [1.5]], ['id', new Int64(), [7n], false], ['name', new Utf8(), ['x']]]);
    const r = reconcileSchemas(table, incoming.schema);
    expect(r.changed).toBe(false);
    expect(r.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'score']);
    const out = r.align(incoming);
    expect(out.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'score']);
    expect(rows(out)).toEqual([{ id: 7n, name: 'x', score: 1.5 }]);
  });

  it('fills missing nullable columns with nulls', () => {
    const incoming = batch([['id', new Int64(), [1n, 2n], false]]);
    const r = reconcileSchemas(table, incoming.schema);
    expect(r.missingColumns).toEqual(['name', 'score']);
    expect(rows(r.align(incoming))).toEqual([
      { id: 1n, name: null, score: null },
      { id: 2n, name: null, score: null },
    ]);
  });

  it('refuses to leave out a required column, naming it', () => {
    const incoming = batch([['name', new Utf8(), ['a']]]);
    expect(() => reconcileSchemas(table, incoming.schema)).toThrow(SchemaMismatchError);
    expect(() => reconcileSchemas(table, incoming.schema)).toThrow(/Column "id"/);
  });

  it('appends new columns as nullable', () => {
    const incoming = batch([['id', new Int64(), [1n], false], ['name', new Utf8(), ['a']], ['score', new Float64(), [2]], ['tag', new Utf8(), ['new'], false]]);
    const r = reconcileSchemas(table, incoming.schema);
    expect(r.changed).toBe(true);
    expect(r.addedColumns).toEqual(['tag']);
    const tag = r.schema.fields[3];
    expect([tag.name, tag.nullable]).toEqual(['tag', true]);
    expect(rows(r.align(incoming))).toEqual([{ id: 1n, name: 'a', score: 2, tag: 'new' }]);
  });

  it('casts narrower incoming types up to the table type', () => {
    const incoming = batch([['id', new Int32(), [5, null]], ['name', new Utf8(), ['a', 'b']], ['score', new Float32(), [0.5, 2]]]);
    const r = reconcileSchemas(table, incoming.schema);
    expect(r.changed).toBe(true);
    // Incoming id is nullable while the table's is not: the table column becomes nullable.
    expect(r.widenedColumns).toEqual([{ column: 'id', from: 'long NOT NULL', to: 'long' }]);
    const out = r.align(incoming);
    expect(String(out.schema.fields[0].type)).toBe('Int64');
    expect(rows(out)).toEqual([
      { id: 5n, name: 'a', score: 0.5 },
      { id: null, name: 'b', score: 2 },
    ]);
  });

  it('treats byte/short columns as Avro ints and converts them', () => {
    const t = new Schema([new Field('b', new Int32(), true)]);
    const incoming = batch([['b', new Int8(), [1, -2]]]);
    const r = reconcileSchemas(t, incoming.schema);
    expect(r.changed).toBe(false);
    expect(rows(r.align(incoming))).toEqual([{ b: 1 }, { b: -2 }]);
  });

  it('widens the table when the write brings a wider type, unless told not to', () => {
    const t = new Schema([new Field('n', new Int32(), true)]);
    const incoming = batch([['n', new Int64(), [2n ** 40n]]]);
    const r = reconcileSchemas(t, incoming.schema);
    expect(r.widenedColumns).toEqual([{ column: 'n', from: 'int', to: 'long' }]);
    expect(String(r.schema.fields[0].type)).toBe('Int64');
    expect(rows(r.align(incoming))).toEqual([{ n: 2n ** 40n }]);
    expect(() => reconcileSchemas(t, incoming.schema, { allowTypeWidening: false })).toThrow(/Widening/);
  });

  it('converts millisecond timestamps and strings to the table representation', () => {
    const t = new Schema([new Field('ts', new TimestampMicrosecond('UTC'), true), new Field('raw', new Binary(), true)]);
    const incoming = batch([['ts', new TimestampMillisecond('UTC'), [new Date(1500)]], ['raw', new Utf8(), ['hé']]]);
    const out = reconcileSchemas(t, incoming.schema).align(incoming);
    const ts = out.getChild('ts')!.data[0].values as BigInt64Array;
    expect(ts[0]).toBe(1_500_000n);
    expect(out.getChild('raw')!.get(0)).toEqual(new TextEncoder().encode('hé'));
  });

  it('names column, table type and incoming type when types are incompatible', () => {
    const incoming = batch([['id', new Int64(), [1n], false], ['name', new Int32(), [1]]]);
    try {
      reconcileSchemas(table, incoming.schema);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SchemaMismatchError);
      const err = e as SchemaMismatchError;
      expect([err.column, err.tableType, err.incomingType]).toEqual(['name', 'string', 'int']);
      expect(err.code).toBe('SCHEMA_MISMATCH');
      expect(err.message).toMatch(/Cast the column/);
    }
    const dec = new Schema([new Field('d', new Decimal(2, 10, 128), true)]);
    expect(() => reconcileSchemas(dec, new Schema([new Field('d', new Decimal(3, 10, 128), true)]))).toThrow(/decimal\(10,2\)/);
    expect(() => reconcileSchemas(table, new Schema([new Field('id', new Int64(), false), new Field('Name', new Utf8(), true)]))).toThrow(/only in case/);
  });

  it('evolves nested structs and lists field by field', () => {
    const point = (fields: Field[]) => new Struct(fields);
    const t = new Schema([
      new Field('p', point([new Field('x', new Int32(), true), new Field('y', new Int32(), true)]), true),
      new Field('items', new List(new Field('item', point([new Field('a', new Utf8(), true)]), true)), true),
    ]);
    const incoming = batch([
      ['p', point([new Field('x', new Int64(), true), new Field('z', new Utf8(), true)]), [{ x: 1n, z: 'zz' }, null]],
      ['items', new List(new Field('item', point([new Field('a', new Utf8(), true), new Field('b', new Int32(), true)]), true)), [[{ a: 'q', b: 2 }], []]],
    ]);
    const r = reconcileSchemas(t, incoming.schema);
    expect(r.addedColumns).toEqual(['p.z', 'items[].b']);
    expect(r.missingColumns).toEqual(['p.y']);
    expect(r.widenedColumns).toEqual([{ column: 'p.x', from: 'int', to: 'long' }]);
    const out = r.align(incoming);
    expect(out.getChild('p')!.get(0)!.toJSON()).toEqual({ x: 1n, y: null, z: 'zz' });
    expect(out.getChild('p')!.get(1)).toBeNull();
    expect(out.getChild('items')!.get(0)!.get(0)!.toJSON()).toEqual({ a: 'q', b: 2 });
    const nested = new Schema([new Field('p', point([new Field('x', new Utf8(), true)]), true)]);
    expect(() => reconcileSchemas(t, nested)).toThrow(/Column "p.x"/);
  });

  it('aligns any reordering and subset of nullable columns back to the table', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const full = new Schema(names.map((n) => new Field(n, new Int32(), true)));
    fc.assert(
      fc.property(fc.shuffledSubarray(names, { minLength: 1 }), fc.array(fc.option(fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 4 }), (cols, values) => {
        const incoming = batch(cols.map((c, k) => [c, new Int32(), values.map((v) => (v === null ? null : v + k))]));
        const r = reconcileSchemas(full, incoming.schema);
        const out = r.align(incoming);
        expect(out.schema.fields.map((f) => f.name)).toEqual(names);
        expect(r.missingColumns).toEqual(names.filter((n) => !cols.includes(n)));
        for (const n of names) {
          const k = cols.indexOf(n);
          const expected = values.map((v) => (k < 0 || v === null ? null : v + k));
          expect([...out.getChild(n)!]).toEqual(expected);
        }
      }),
    );
  });

  it('finds a Spark-written table compatible with its own files, meta columns aside', () => {
    const files = loadFixture(fixtureZips().find((z) => z.endsWith('cow/v6_complexkeygen_hivestyle.zip'))!);
    const parquet = [...files.keys()].filter((p) => p.endsWith('.parquet'));
    const first = readParquet(files.get(parquet[0])!);
    const data = new Schema(first.schema.fields.filter((f) => !f.name.startsWith('_hoodie_')));
    const r = reconcileSchemas(first.schema, data);
    expect(r.changed).toBe(false);
    expect(r.missingColumns).toEqual([]);
    expect(r.schema.fields.map((f) => f.name)).toEqual(data.fields.map((f) => f.name));
  });
});

describe('aligning data whose type changes label only', () => {
  it('keeps nulls when a time zone is added, and when utf8 becomes binary', async () => {
    const { Schema, Field, TimestampMillisecond, Utf8, Binary, vectorFromArray, makeData, Struct, RecordBatch } = await import('apache-arrow');
    const from = new Schema([new Field('t', new TimestampMillisecond(), true), new Field('s', new Utf8(), true)]);
    const to = new Schema([new Field('t', new TimestampMillisecond('UTC'), true), new Field('s', new Binary(), true)]);
    const t = vectorFromArray([null, 1_700_000_000_000n, null], new TimestampMillisecond()).data[0];
    const s = vectorFromArray([null, 'x', 'y'], new Utf8()).data[0];
    const batch = new RecordBatch(from, makeData({ type: new Struct(from.fields), length: 3, nullCount: 0, children: [t, s] }));
    const aligned = reconcileSchemas(to, from).align(batch);
    expect(aligned.getChild('t')?.nullCount).toBe(2);
    expect(aligned.getChild('t')?.get(0)).toBeNull();
    expect(aligned.getChild('s')?.get(0)).toBeNull();
    expect(new TextDecoder().decode(aligned.getChild('s')?.get(2) as Uint8Array)).toBe('y');
  });
});
