import { describe, expect, it } from 'vitest';
import avro from 'avsc';
import { Decimal, Field, Int32, Int64, RecordBatch, Schema, Table, TimestampMillisecond, makeData, makeVector, vectorFromArray } from 'apache-arrow';
import { readParquet } from '@lake/parquet';
import { fixtureZips, loadFixture } from '../../test/fixture-zips.js';
import { arrowSchemaToAvro } from '../schema/arrow-to-avro.js';
import { AvroEncodeError } from '../errors.js';
import type { AvroJsonRecord } from './avro-schema.js';
import { encodeAvroRecords } from './encode.js';

// Decoding is done with avsc, an implementation independent of ours.
function decodeAll(schema: AvroJsonRecord, rows: Uint8Array[]): Record<string, unknown>[] {
  const type = avro.Type.forSchema(schema as avro.Schema);
  return rows.map((r) => {
    const { value, offset } = type.decode(Buffer.from(r));
    expect(offset).toBe(r.length);
    return value as Record<string, unknown>;
  });
}

function unscaledOf(buf: Buffer): bigint {
  let v = 0n;
  for (const b of buf) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(buf.length * 8, v);
}

describe('encodeAvroRecords', () => {
  it('encodes every column type of a Spark-written file so another Avro library reads it back', () => {
    const files = loadFixture(fixtureZips().find((z) => z.endsWith('cow/v6_nonpartitioned.zip'))!);
    const path = [...files.keys()].find((p) => p.endsWith('.parquet'))!;
    const table = readParquet(files.get(path)!);
    const schema = arrowSchemaToAvro(table.schema, { tableName: 'v6_nonpartitioned', metaFields: true });
    const batch = table.batches[0];
    const decoded = decodeAll(schema, encodeAvroRecords(batch, schema));
    expect(decoded.length).toBe(batch.numRows);
    for (let i = 0; i < batch.numRows; i++) {
      const row = batch.get(i)!.toJSON() as Record<string, unknown>;
      const got = decoded[i];
      for (const name of ['_hoodie_record_key', 'id', 'name', 'isActive', 'byteField', 'shortField', 'intField', 'doubleField']) {
        expect(got[name], name).toBe(row[name]);
      }
      expect(got.floatField).toBeCloseTo(row.floatField as number, 5);
      expect(BigInt(got.longField as number)).toBe(row.longField);
      expect(got.dateField).toBe(batch.getChild('dateField')!.data[0].values[i]);
      expect(BigInt(got.timestampField as number)).toBe((batch.getChild('timestampField')!.data[0].values as BigInt64Array)[i]);
      const words = batch.getChild('decimalField')!.data[0].values as Uint32Array;
      const expectedUnscaled = BigInt.asIntN(128, (BigInt(words[i * 4 + 1]) << 32n) | BigInt(words[i * 4]) | (BigInt(words[i * 4 + 2]) << 64n) | (BigInt(words[i * 4 + 3]) << 96n));
      expect(unscaledOf(got.decimalField as Buffer)).toBe(expectedUnscaled);
      expect(new Uint8Array(got.binaryField as Buffer)).toEqual(row.binaryField);
      expect(got.arrayField).toEqual(JSON.parse(JSON.stringify(row.arrayField)));
      expect(got.structField).toEqual(JSON.parse(JSON.stringify(row.structField)));
      expect(got.mapField).toEqual(JSON.parse(JSON.stringify(row.mapField)));
    }
  });

  it('writes nulls for absent nullable fields and converts timestamp units', () => {
    const schema: AvroJsonRecord = {
      type: 'record',
      name: 'r',
      fields: [
        { name: 'id', type: 'int' },
        { name: 'ts', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }], default: null },
        { name: 'missing', type: ['null', 'string'], default: null },
        { name: 'd', type: { type: 'bytes', logicalType: 'decimal', precision: 5, scale: 2 } },
      ],
    };
    const d = makeVector(makeData({ type: new Decimal(2, 5, 128), length: 2, data: new Uint32Array([0xffffff85, 0xffffffff, 0xffffffff, 0xffffffff, 300, 0, 0, 0]) }));
    const t = new Table({ id: vectorFromArray([1, 2], new Int32()), ts: vectorFromArray([new Date(1500), null], new TimestampMillisecond()), d });
    const decoded = decodeAll(schema, encodeAvroRecords(t.batches[0], schema));
    expect(decoded.map((r) => [r.id, r.ts, r.missing, unscaledOf(r.d as Buffer)])).toEqual([
      [1, 1_500_000, null, -123n],
      [2, null, null, 300n],
    ]);
  });

  it('refuses nulls in required fields and columns that do not fit', () => {
    const batch = new Table({ id: vectorFromArray([1, null], new Int32()) }).batches[0];
    const required: AvroJsonRecord = { type: 'record', name: 'r', fields: [{ name: 'id', type: 'int' }] };
    expect(() => encodeAvroRecords(batch, required)).toThrow(AvroEncodeError);
    expect(() => encodeAvroRecords(batch, required)).toThrow(/row 1 is null/);
    const wrong: AvroJsonRecord = { type: 'record', name: 'r', fields: [{ name: 'id', type: ['null', 'string'] }] };
    expect(() => encodeAvroRecords(batch, wrong)).toThrow(/does not fit/);
    const absent: AvroJsonRecord = { type: 'record', name: 'r', fields: [{ name: 'other', type: 'long' }] };
    expect(() => encodeAvroRecords(batch, absent)).toThrow(/no such column/);
  });

  it('keeps 64-bit longs exact', () => {
    const schema: AvroJsonRecord = { type: 'record', name: 'r', fields: [{ name: 'n', type: 'long' }] };
    const batch = new RecordBatch(new Schema([new Field('n', new Int64(), false)]), new Table({ n: vectorFromArray([2n ** 62n + 1n, -(2n ** 63n)], new Int64()) }).batches[0].data);
    const [a, b] = encodeAvroRecords(batch, schema);
    // Zig-zag: 2^62+1 -> 2^63+2; -2^63 -> 2^64-1 (ten 7-bit groups).
    expect(a.length).toBe(10);
    expect([...b]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });
});
