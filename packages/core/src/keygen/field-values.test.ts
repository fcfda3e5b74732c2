import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Field, Int32, RecordBatch, Schema, Struct, Table, Utf8, makeData, vectorFromArray, type Data } from 'apache-arrow';
import { fieldColumn } from './field-values.js';

const INNER = new Struct([new Field('id', new Utf8(), true)]);
const SCHEMA = new Schema([new Field('id', new Utf8(), true), new Field('s', INNER, true)]);

/** A table of one or more batches holding `values` in column `id` and in struct column `s.id`. */
function chunked(values: (string | null)[], cuts: number[], structNulls: boolean[]): Table {
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < values.length).sort((a, b) => a - b), values.length];
  const batches: RecordBatch[] = [];
  for (let b = 0; b + 1 < bounds.length; b++) {
    const part = values.slice(bounds[b], bounds[b + 1]);
    const id = vectorFromArray(part, new Utf8()).data[0] as Data<Utf8>;
    const bitmap = new Uint8Array(Math.ceil(part.length / 8));
    let nulls = 0;
    part.forEach((_, i) => {
      if (structNulls[(bounds[b] + i) % structNulls.length]) nulls++;
      else bitmap[i >> 3] |= 1 << (i & 7);
    });
    const s = makeData({ type: INNER, length: part.length, nullCount: nulls, nullBitmap: bitmap, children: [id] });
    const all = makeData({ type: new Struct(SCHEMA.fields), length: part.length, nullCount: 0, children: [id, s] });
    batches.push(new RecordBatch(SCHEMA, all));
  }
  return new Table(SCHEMA, batches);
}

describe('fieldColumn texts', () => {
  it('gives what text(row) gives for every row, over chunks, nulls, non-ASCII and struct parents', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀', ':', '0') }), { nil: null }), { maxLength: 60 }),
        fc.array(fc.nat(60), { maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
        (values, cuts, structNulls) => {
          const t = chunked(values, cuts, structNulls);
          for (const path of ['id', 's.id']) {
            const col = fieldColumn(t, path, 'record key');
            const one = Array.from({ length: t.numRows }, (_, row) => col.text(row));
            expect(col.texts()).toEqual(one);
          }
          expect(fieldColumn(t, 'id', 'record key').texts()).toEqual(values);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('renders non-text columns as text does', () => {
    const t = new Table({ n: vectorFromArray([1, null, -3], new Int32()) });
    expect(fieldColumn(t, 'n', 'record key').texts()).toEqual(['1', null, '-3']);
  });
});
