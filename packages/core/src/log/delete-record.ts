// The Avro schema of a delete block's payload (content version 3), as Hudi 0.14/0.15 writes it:
// HoodieDeleteRecordList, whose `orderingVal` is a union of one-field wrapper records (the
// wrappers of Hudi's metadata-table column statistics) in Hudi's branch order. Java writes the
// default ordering value, Integer 0, as IntWrapper(0) (bytes `04 00`); a long precombine field
// as LongWrapper. Delete blocks written by earlier lake versions used a plain union instead; they
// are read with that schema when the wrapper schema does not decode them.

import { AvroDecodeError } from '../errors.js';
import { AvroWriter } from '../avro/avro-writer.js';
import { AvroUnionValue } from '../avro/avro-decoder.js';
import { parseAvroSchema, type AvroType } from '../avro/avro-schema.js';

const NAMESPACE = 'org.apache.hudi.avro.model';

function wrapper(name: string, value: unknown): Record<string, unknown> {
  return { type: 'record', name, namespace: NAMESPACE, fields: [{ name: 'value', type: value }] };
}

/** Branch index of each wrapper in the `orderingVal` union (0 is null). */
const OrderingBranch = {
  BOOLEAN: 1,
  INT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  BYTES: 6,
  STRING: 7,
  DATE: 8,
  DECIMAL: 9,
  TIME_MICROS: 10,
  TIMESTAMP_MICROS: 11,
} as const;

const DECIMAL_SCALE = 15;

function deleteRecordList(orderingVal: unknown[]): AvroType {
  return parseAvroSchema({
    type: 'record',
    name: 'HoodieDeleteRecordList',
    namespace: NAMESPACE,
    fields: [
      {
        name: 'deleteRecordList',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'HoodieDeleteRecord',
            fields: [
              { name: 'recordKey', type: ['null', 'string'], default: null },
              { name: 'partitionPath', type: ['null', 'string'], default: null },
              { name: 'orderingVal', type: orderingVal, default: null },
            ],
          },
        },
      },
    ],
  });
}

export const DELETE_RECORD_LIST: AvroType = deleteRecordList([
  'null',
  wrapper('BooleanWrapper', 'boolean'),
  wrapper('IntWrapper', 'int'),
  wrapper('LongWrapper', 'long'),
  wrapper('FloatWrapper', 'float'),
  wrapper('DoubleWrapper', 'double'),
  wrapper('BytesWrapper', 'bytes'),
  wrapper('StringWrapper', 'string'),
  wrapper('DateWrapper', 'int'),
  wrapper('DecimalWrapper', { type: 'bytes', logicalType: 'decimal', precision: 30, scale: DECIMAL_SCALE }),
  wrapper('TimeMicrosWrapper', { type: 'long', logicalType: 'time-micros' }),
  wrapper('TimestampMicrosWrapper', 'long'),
]);

/** The plain union earlier lake versions wrote. */
export const LEGACY_DELETE_RECORD_LIST: AvroType = deleteRecordList([
  'null',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
  { type: 'bytes', logicalType: 'decimal', precision: 30, scale: DECIMAL_SCALE },
  { type: 'int', logicalType: 'date' },
  { type: 'int', logicalType: 'time-millis' },
  { type: 'long', logicalType: 'time-micros' },
  { type: 'long', logicalType: 'timestamp-millis' },
  { type: 'long', logicalType: 'timestamp-micros' },
]);

function bigEndianSigned(b: Uint8Array): bigint {
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  if (b.length > 0 && b[0] & 0x80) v -= 1n << BigInt(b.length * 8);
  return v;
}

/**
 * The ordering value of a decoded `orderingVal`: the wrapped value, decimals as a number (the
 * wrapper fixes scale 15, which is what Hudi compares at).
 */
export function orderingValueOf(decoded: unknown, legacy: boolean): unknown {
  const unwrapped = decoded instanceof AvroUnionValue ? decoded.value : decoded;
  if (legacy || unwrapped === null || unwrapped === undefined) return unwrapped ?? null;
  if (typeof unwrapped !== 'object' || !('value' in unwrapped)) throw new AvroDecodeError('orderingVal is not a wrapper record');
  const value = (unwrapped as { value: unknown }).value;
  const branch = decoded instanceof AvroUnionValue ? decoded.branch : -1;
  if (branch === OrderingBranch.DECIMAL && value instanceof Uint8Array) return Number(bigEndianSigned(value)) / 10 ** DECIMAL_SCALE;
  return value;
}

/** Writes one `orderingVal` in Hudi's wrapper union; omitted means Java's default Integer 0. */
export function writeOrderingValue(datum: AvroWriter, value: number | bigint | string | undefined): void {
  const v = value ?? 0;
  if (typeof v === 'bigint') {
    datum.long(OrderingBranch.LONG);
    datum.long(v);
  } else if (typeof v === 'string') {
    datum.long(OrderingBranch.STRING);
    datum.bytes(new TextEncoder().encode(v));
  } else if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) {
    datum.long(OrderingBranch.INT);
    datum.int(v);
  } else if (Number.isSafeInteger(v)) {
    datum.long(OrderingBranch.LONG);
    datum.long(v);
  } else {
    datum.long(OrderingBranch.DOUBLE);
    datum.double(v);
  }
}
