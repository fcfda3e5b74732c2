// Avro decoding checked against avsc's encoder on random values of the fixture tables' schema,
// container files, truncation, and the Avro -> Arrow type mapping.

import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AvroDecodeError } from '../errors.js';
import { AvroReader, AvroUnionValue, decodeDatum, readDatum } from './avro-decoder.js';
import { parseAvroSchema } from './avro-schema.js';
import { avroToArrowSchema } from '../schema/avro-to-arrow.js';

// The schema Spark wrote for the sample tables (nullable unions, fixed decimal, logical types,
// arrays of records, maps of records, nested records).
const SAMPLE = {
  type: 'record',
  name: 'sample_record',
  namespace: 'hoodie.sample',
  fields: [
    { name: 'id', type: ['null', 'int'], default: null },
    { name: 'name', type: ['null', 'string'], default: null },
    { name: 'isActive', type: ['null', 'boolean'], default: null },
    { name: 'longField', type: ['null', 'long'], default: null },
    { name: 'floatField', type: ['null', 'float'], default: null },
    { name: 'doubleField', type: ['null', 'double'], default: null },
    {
      name: 'decimalField',
      type: ['null', { type: 'fixed', name: 'fixed', namespace: 'hoodie.sample.decimalField', size: 5, logicalType: 'decimal', precision: 10, scale: 5 }],
      default: null,
    },
    { name: 'dateField', type: ['null', { type: 'int', logicalType: 'date' }], default: null },
    { name: 'timestampField', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }], default: null },
    { name: 'binaryField', type: ['null', 'bytes'], default: null },
    {
      name: 'arrayField',
      type: ['null', { type: 'array', items: ['null', { type: 'record', name: 'arrayField', fields: [{ name: 'f1', type: ['null', 'string'] }, { name: 'f2', type: ['null', 'int'] }] }] }],
      default: null,
    },
    {
      name: 'mapField',
      type: ['null', { type: 'map', values: ['null', { type: 'record', name: 'mapField', fields: [{ name: 'v1', type: ['null', 'double'] }, { name: 'v2', type: ['null', 'boolean'] }] }] }],
      default: null,
    },
    {
      name: 'structField',
      type: [
        'null',
        {
          type: 'record',
          name: 'structField',
          fields: [
            { name: 'field1', type: ['null', 'string'] },
            { name: 'child', type: ['null', { type: 'record', name: 'child', fields: [{ name: 'c1', type: ['null', 'double'] }] }] },
          ],
        },
      ],
      default: null,
    },
    { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B'] } },
    { name: 'u', type: ['null', 'int', 'string'] },
  ],
};

/** avsc's values in the shape our decoder returns (longs as bigint, maps as entries). */
function expected(type: avro.Type, v: unknown): unknown {
  if (v === null) return null;
  const t = type as avro.Type & { typeName: string };
  switch (t.typeName) {
    case 'union:unwrapped': {
      const types = (t as unknown as { types: avro.Type[] }).types;
      const branch = types.findIndex((b) => b.typeName !== 'null' && b.isValid(v));
      const nonNull = types.filter((b) => b.typeName !== 'null').length;
      const inner = expected(types[branch], v);
      return nonNull > 1 ? { branch, value: inner } : inner;
    }
    case 'long':
      return BigInt(v as number);
    case 'float':
      return Math.fround(v as number);
    case 'bytes':
    case 'fixed':
      return [...(v as Buffer)];
    case 'array':
      return (v as unknown[]).map((x) => expected((t as unknown as { itemsType: avro.Type }).itemsType, x));
    case 'map':
      return Object.entries(v as object).map(([k, x]) => [k, expected((t as unknown as { valuesType: avro.Type }).valuesType, x)]);
    case 'record': {
      const out: Record<string, unknown> = {};
      for (const f of (t as unknown as { fields: { name: string; type: avro.Type }[] }).fields) out[f.name] = expected(f.type, (v as Record<string, unknown>)[f.name]);
      return out;
    }
    default:
      return v;
  }
}

function normalize(v: unknown): unknown {
  if (v instanceof AvroUnionValue) return { branch: v.branch, value: normalize(v.value) };
  if (v instanceof Uint8Array) return [...v];
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

describe('Avro datum decoding', () => {
  const avscType = avro.Type.forSchema(SAMPLE as avro.Schema, { wrapUnions: false });
  const ours = parseAvroSchema(SAMPLE);

  it('decodes whatever avsc encodes, exactly', () => {
    fc.assert(
      fc.property(fc.integer(), () => {
        const value = avscType.random();
        const bytes = new Uint8Array(avscType.toBuffer(value));
        expect(normalize(decodeDatum(ours, bytes))).toEqual(expected(avscType, value));
      }),
      { numRuns: 200 },
    );
  });

  it('decodes the full long range as bigint', () => {
    const longType = parseAvroSchema('"long"');
    for (const v of [0n, -1n, 1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n]) {
      const zz = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
      const bytes: number[] = [];
      let n = zz;
      do {
        let b = Number(n & 0x7fn);
        n >>= 7n;
        if (n > 0n) b |= 0x80;
        bytes.push(b);
      } while (n > 0n);
      expect(decodeDatum(longType, new Uint8Array(bytes))).toBe(v);
    }
  });

  it('raises AvroDecodeError on every truncation, never another error', () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), (_seed, at) => {
        const bytes = new Uint8Array(avscType.toBuffer(avscType.random()));
        const cut = Math.floor(at * bytes.length);
        if (cut === bytes.length) return;
        const r = new AvroReader(bytes.slice(0, cut));
        expect(() => readDatum(ours, r)).toThrow(AvroDecodeError);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Avro to Arrow', () => {
  it('maps the sample schema to the types Spark shows', () => {
    const schema = avroToArrowSchema(parseAvroSchema(SAMPLE));
    const types = Object.fromEntries(schema.fields.map((f) => [f.name, `${String(f.type)}${f.nullable ? '?' : ''}`]));
    expect(types).toEqual({
      id: 'Int32?',
      name: 'Utf8?',
      isActive: 'Bool?',
      longField: 'Int64?',
      floatField: 'Float32?',
      doubleField: 'Float64?',
      decimalField: 'Decimal[10e+5]?',
      dateField: 'Date32<DAY>?',
      timestampField: 'Timestamp<MICROSECOND, UTC>?',
      binaryField: 'Binary?',
      arrayField: 'List<Struct<{f1:Utf8, f2:Int32}>>?',
      mapField: 'Map<{key:Utf8, value:Struct<{v1:Float64, v2:Bool}>}>?',
      structField: 'Struct<{field1:Utf8, child:Struct<{c1:Float64}>}>?',
      e: 'Utf8',
      u: 'Struct<{member0:Int32, member1:Utf8}>?',
    });
  });

  it('refuses recursive records', () => {
    const rec = parseAvroSchema({ type: 'record', name: 'N', fields: [{ name: 'next', type: ['null', 'N'] }] });
    expect(() => avroToArrowSchema(rec)).toThrow(/recursive/);
  });
});
