import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Field, Int32, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray, type Data } from 'apache-arrow';

import { mergedRows } from './merged-rows.js';

const schema = new Schema([new Field('n', new Int32(), true), new Field('s', new Utf8(), true)]);

interface Row {
  n: number | null;
  s: string | null;
}

/** A batch of `rows`; with `cut`, a slice of a longer one (data not at offset 0 of its buffers). */
function batchOf(rows: Row[], cut = 0): RecordBatch {
  const all = [...Array.from({ length: cut }, (_, i) => ({ n: -i, s: 'x'.repeat(i % 4) })), ...rows];
  const children = [
    vectorFromArray(all.map((r) => r.n), new Int32()).data[0],
    vectorFromArray(all.map((r) => r.s), new Utf8()).data[0],
  ] as Data[];
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: all.length, nullCount: 0, children }));
  return cut === 0 ? batch : batch.slice(cut);
}

function rowsOf(batch: RecordBatch): Row[] {
  const n = batch.getChildAt(0)!;
  const s = batch.getChildAt(1)!;
  return Array.from({ length: batch.numRows }, (_, i) => ({ n: n.get(i) as number | null, s: s.get(i) as string | null }));
}

const row = (nulls: boolean) =>
  fc.record({
    n: nulls ? fc.option(fc.integer(), { nil: null, freq: 5 }) : fc.integer(),
    s: nulls ? fc.option(fc.string({ maxLength: 6 }), { nil: null, freq: 5 }) : fc.string({ minLength: 3, maxLength: 3 }),
  });

/**
 * What a file group rewrite asks for: each stored row kept, replaced by an incoming row (at its
 * position) or dropped, in stored order.
 */
const merge = (nulls: boolean) =>
  fc
    .tuple(fc.array(row(nulls), { minLength: 1, maxLength: 30 }), fc.array(row(nulls), { minLength: 1, maxLength: 30 }))
    .chain(([stored, incoming]) =>
      fc.tuple(
        fc.constant(stored),
        fc.constant(incoming),
        fc.array(fc.oneof(fc.constant<'keep'>('keep'), fc.constant<'drop'>('drop'), fc.nat({ max: incoming.length - 1 })), {
          minLength: stored.length,
          maxLength: stored.length,
        }),
      ),
    );

describe('mergedRows', () => {
  for (const nulls of [false, true]) {
    it(`gives the stored rows with updates in place and deletes dropped (${nulls ? 'with nulls' : 'no nulls, strings of one length'})`, () => {
      fc.assert(
        fc.property(merge(nulls), fc.nat({ max: 5 }), fc.nat({ max: 5 }), ([stored, incoming, fate], cutStored, cutIncoming) => {
          const picks: number[] = [];
          const want: Row[] = [];
          fate.forEach((f, r) => {
            if (f === 'drop') return;
            picks.push(f === 'keep' ? r : stored.length + f);
            want.push(f === 'keep' ? stored[r] : incoming[f]);
          });
          const incomingBatch = batchOf(incoming, cutIncoming);
          const got = mergedRows(batchOf(stored, cutStored), incomingBatch, picks);
          expect(rowsOf(got)).toEqual(want);
          // the incoming rows are only read
          expect(rowsOf(incomingBatch)).toEqual(incoming);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('writes updates over the rows they replace, without copying the batch, when every stored row stays', () => {
    const stored = batchOf([
      { n: 1, s: 'aaa' },
      { n: 2, s: 'bbb' },
      { n: 3, s: 'ccc' },
    ]);
    const incoming = batchOf([{ n: 20, s: 'BBB' }]);
    const got = mergedRows(stored, incoming, [0, 3, 2]);
    expect(got).toBe(stored);
    expect(rowsOf(got)).toEqual([
      { n: 1, s: 'aaa' },
      { n: 20, s: 'BBB' },
      { n: 3, s: 'ccc' },
    ]);
  });

  it('returns the stored batch itself when nothing changed in it', () => {
    const stored = batchOf([{ n: 1, s: 'a' }, { n: 2, s: 'b' }]);
    expect(mergedRows(stored, stored, [0, 1])).toBe(stored);
    expect(rowsOf(mergedRows(stored, stored, [1]))).toEqual([{ n: 2, s: 'b' }]);
  });
});
