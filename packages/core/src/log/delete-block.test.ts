// Delete blocks against Hudi's own HoodieDeleteRecordList schema (decoded and encoded with avsc):
// what lake writes is what Java reads, and what Spark writes (wrapper-typed ordering values) is
// what lake reads. Blocks of earlier lake versions (plain union) still read.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import { hudiType } from '../../test/support/hudi-avsc.js';
import { AvroWriter } from '../avro/avro-writer.js';
import { decodeDeleteBlock } from './data-block.js';
import { BlockType, HeaderKey } from './log-format.js';
import { readLogBlocks, type LogBlock } from './log-reader.js';
import { deleteBlock, encodeLogBlock, type DeleteEntry } from './log-writer.js';

const W = 'org.apache.hudi.avro.model.';
const deleteList = hudiType('HoodieDeleteRecordList', { wrapUnions: true });

type Wrapped = Record<string, { value: unknown }> | null;
interface HudiDeleteRecord {
  recordKey: { string: string } | null;
  partitionPath: { string: string } | null;
  orderingVal: Wrapped;
}

function payloadOf(block: LogBlock): Uint8Array {
  const view = new DataView(block.content.buffer, block.content.byteOffset, block.content.byteLength);
  expect(view.getInt32(0, false)).toBe(3);
  return block.content.subarray(8, 8 + view.getInt32(4, false));
}

function blockOf(payload: Uint8Array): LogBlock {
  const content = new Uint8Array(8 + payload.length);
  const view = new DataView(content.buffer);
  view.setInt32(0, 3, false);
  view.setInt32(4, payload.length, false);
  content.set(payload, 8);
  const bytes = encodeLogBlock({ type: BlockType.DELETE, header: new Map([[HeaderKey.INSTANT_TIME, '20240101000000001']]), content });
  return readLogBlocks(bytes).blocks[0];
}

const orderingArb: fc.Arbitrary<DeleteEntry['orderingValue']> = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  // avsc decodes longs as doubles, exact within 52 bits
  fc.bigInt({ min: -(2n ** 52n), max: 2n ** 52n }),
  fc.string({ maxLength: 6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
);

/** The wrapper Java would pick for a value of the type lake was given. */
function expectedWrapper(v: DeleteEntry['orderingValue']): Wrapped {
  if (v === undefined) return { [`${W}IntWrapper`]: { value: 0 } };
  if (typeof v === 'bigint') return { [`${W}LongWrapper`]: { value: Number(v) } };
  if (typeof v === 'string') return { [`${W}StringWrapper`]: { value: v } };
  if (Number.isInteger(v)) return { [`${W}IntWrapper`]: { value: v } };
  return { [`${W}DoubleWrapper`]: { value: v } };
}

describe('delete blocks and Hudi HoodieDeleteRecordList', () => {
  it('lake writes ordering values in the wrapper Java expects', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), orderingArb), { minLength: 1, maxLength: 8 }), (rows) => {
        const entries = rows.map(([key, orderingValue]) => ({ recordKey: key, partitionPath: 'p=1', ...(orderingValue === undefined ? {} : { orderingValue }) }));
        const block = readLogBlocks(deleteBlock(entries, '{}', '20240101000000001')).blocks[0];
        const decoded = deleteList.fromBuffer(Buffer.from(payloadOf(block))) as { deleteRecordList: HudiDeleteRecord[] };
        expect(decoded.deleteRecordList).toEqual(
          rows.map(([key, v]) => ({ recordKey: { string: key }, partitionPath: { string: 'p=1' }, orderingVal: expectedWrapper(v) })),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('the default ordering value is IntWrapper(0), bytes 04 00, as Java writes Integer 0', () => {
    const block = readLogBlocks(deleteBlock([{ recordKey: 'k', partitionPath: '' }], '{}', '20240101000000001')).blocks[0];
    const payload = payloadOf(block);
    expect(Array.from(payload.subarray(payload.length - 3))).toEqual([0x04, 0x00, 0x00]);
  });

  it('reads Spark delete blocks with every wrapper kind', () => {
    const records: HudiDeleteRecord[] = [
      { recordKey: { string: 'long' }, partitionPath: { string: 'a' }, orderingVal: { [`${W}LongWrapper`]: { value: 1718689628000 } } },
      { recordKey: { string: 'int' }, partitionPath: { string: 'a' }, orderingVal: { [`${W}IntWrapper`]: { value: -7 } } },
      { recordKey: { string: 'bool' }, partitionPath: null, orderingVal: { [`${W}BooleanWrapper`]: { value: true } } },
      { recordKey: { string: 'float' }, partitionPath: { string: 'b' }, orderingVal: { [`${W}FloatWrapper`]: { value: 1.5 } } },
      { recordKey: { string: 'double' }, partitionPath: { string: 'b' }, orderingVal: { [`${W}DoubleWrapper`]: { value: -2.25 } } },
      { recordKey: { string: 'string' }, partitionPath: { string: 'b' }, orderingVal: { [`${W}StringWrapper`]: { value: '2024-01-01' } } },
      { recordKey: { string: 'date' }, partitionPath: { string: 'b' }, orderingVal: { [`${W}DateWrapper`]: { value: 19000 } } },
      { recordKey: { string: 'ts' }, partitionPath: { string: 'b' }, orderingVal: { [`${W}TimestampMicrosWrapper`]: { value: 1718689628000123 } } },
      { recordKey: { string: 'none' }, partitionPath: { string: 'b' }, orderingVal: null },
    ];
    const payload = deleteList.toBuffer({ deleteRecordList: records });
    const out = decodeDeleteBlock(blockOf(new Uint8Array(payload)));
    expect(out).toEqual([
      { recordKey: 'long', partitionPath: 'a', orderingValue: 1718689628000n },
      { recordKey: 'int', partitionPath: 'a', orderingValue: -7 },
      { recordKey: 'bool', orderingValue: true },
      { recordKey: 'float', partitionPath: 'b', orderingValue: 1.5 },
      { recordKey: 'double', partitionPath: 'b', orderingValue: -2.25 },
      { recordKey: 'string', partitionPath: 'b', orderingValue: '2024-01-01' },
      { recordKey: 'date', partitionPath: 'b', orderingValue: 19000 },
      { recordKey: 'ts', partitionPath: 'b', orderingValue: 1718689628000123n },
      { recordKey: 'none', partitionPath: 'b', orderingValue: null },
    ]);
  });

  it('round-trips what lake writes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), orderingArb), { maxLength: 8 }), (rows) => {
        const entries = rows.map(([key, orderingValue]) => ({ recordKey: key, partitionPath: 'p', ...(orderingValue === undefined ? {} : { orderingValue }) }));
        const out = decodeDeleteBlock(readLogBlocks(deleteBlock(entries, '{}', '20240101000000001')).blocks[0]);
        expect(out).toEqual(rows.map(([key, v]) => ({ recordKey: key, partitionPath: 'p', orderingValue: v ?? 0 })));
      }),
      { numRuns: 100 },
    );
  });

  it('still reads delete blocks of earlier lake versions (plain union ordering values)', () => {
    const datum = new AvroWriter();
    datum.long(2);
    for (const [key, branch, write] of [
      ['a', 2, (w: AvroWriter) => w.long(123456789012n)],
      ['b', 4, (w: AvroWriter) => w.double(2.5)],
    ] as const) {
      datum.long(1);
      datum.bytes(new TextEncoder().encode(key));
      datum.long(1);
      datum.bytes(new TextEncoder().encode('p'));
      datum.long(branch);
      write(datum);
    }
    datum.long(0);
    expect(decodeDeleteBlock(blockOf(datum.slice(0)))).toEqual([
      { recordKey: 'a', partitionPath: 'p', orderingValue: 123456789012n },
      { recordKey: 'b', partitionPath: 'p', orderingValue: 2.5 },
    ]);
  });
});
